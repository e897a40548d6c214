//! Any text as a model file: refused with a message, or a model that scores
//! every user it accepts to a finite probability and score.
#![no_main]

use conversion_playground::artifact::ModelArtifact;
use conversion_playground::scoring::{score, user_from_json};
use libfuzzer_sys::fuzz_target;

const USERS: [&str; 3] = [
    r#"{"days_since_signup": 1, "sessions_7d": 0, "content_hours_7d": 0, "downloads_7d": 0, "paywall_views_7d": 0, "country_tier": "tier_1"}"#,
    r#"{"days_since_signup": 4294967295, "sessions_7d": 4294967295, "content_hours_7d": 999999999999.99, "downloads_7d": 4294967295, "paywall_views_7d": 4294967295, "country_tier": "tier_3"}"#,
    r#"{"days_since_signup": 30, "sessions_7d": 3, "content_hours_7d": 2.5, "downloads_7d": 1, "paywall_views_7d": 1, "country_tier": "Tier_2"}"#,
];

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let Ok(model) = ModelArtifact::from_json(text) else {
        return;
    };
    let back = ModelArtifact::from_json(&model.to_json()).expect("a model reads back");
    assert_eq!(back, model);
    for user in USERS {
        let user = user_from_json(&serde_json::from_str(user).unwrap()).unwrap();
        let s = score(&model.coefficient_array(), model.intercept, &model.thresholds, &user);
        assert!(s.score.is_finite(), "{s:?}");
        assert!((0.0..=1.0).contains(&s.probability), "{s:?}");
        assert!(s.contributions.iter().all(|c| c.contribution.is_finite()));
    }
});
