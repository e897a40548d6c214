//! The scoring interface: one user's six signals in, their conversion
//! probability, segment, and each signal's push on the log-odds out.

use serde::Serialize;
use serde_json::Value;

use crate::decide::bands::{Segment, Thresholds};
use crate::errors::{field_error, got, thousands};
use crate::input::{got_value, whole_number, Object};
use crate::math::sigmoid;
use crate::model::{feature_vector, FEATURES};
use crate::world::contract::{Tier, COLUMNS, MAX_CONTENT_HOURS};
use crate::world::dataset::Features;

field_error!(
    /// A user who cannot be scored, named by the signal at fault.
    ScoreError
);

/// Longest line `conversion score` reads as one user, in bytes: six signals
/// take about 150; a longer line is refused unread.
pub const MAX_USER_BYTES: usize = 4_096;

/// The six feature columns (the contract's columns but `converted`).
const SIGNALS: &[&str] = COLUMNS.split_last().expect("the contract has columns").1;

/// A required whole-number signal, at least `min`.
fn count(o: &mut Object<'_>, field: &'static str, min: u64) -> Result<u32, ScoreError> {
    let value = o
        .value(field)
        .ok_or_else(|| ScoreError::new(field, "is missing"))?;
    let n = whole_number(value).map_err(|p| ScoreError::new(field, p))?;
    if n < min {
        return Err(ScoreError::new(
            field,
            format!("must be at least {min} {}", got(n)),
        ));
    }
    u32::try_from(n).map_err(|_| {
        ScoreError::new(
            field,
            format!("is too large: the largest is {} {}", u32::MAX, got(n)),
        )
    })
}

/// Reads and validates a JSON object with exactly the six feature fields.
/// Nothing is coerced: a wrong type, a negative count, an unknown tier, a
/// missing or an extra field is an error naming it.
pub fn user_from_json(value: &Value) -> Result<Features, ScoreError> {
    let mut o = Object::new(value, "", "user").map_err(|_| {
        ScoreError::new(
            "user",
            format!(
                "must be a JSON object with the six signal fields {}",
                got_value(value)
            ),
        )
    })?;
    let days_since_signup = count(&mut o, "days_since_signup", 1)?;
    let sessions_7d = count(&mut o, "sessions_7d", 0)?;
    let hours = o
        .value("content_hours_7d")
        .ok_or_else(|| ScoreError::new("content_hours_7d", "is missing"))?;
    let content_hours_7d = match hours.as_f64() {
        Some(h) if (0.0..MAX_CONTENT_HOURS).contains(&h) => h,
        Some(h) if h >= MAX_CONTENT_HOURS => {
            return Err(ScoreError::new(
                "content_hours_7d",
                format!(
                    "must be below {} hours {}",
                    thousands(MAX_CONTENT_HOURS as u64),
                    got_value(hours)
                ),
            ))
        }
        Some(_) => {
            return Err(ScoreError::new(
                "content_hours_7d",
                format!("must not be negative {}", got_value(hours)),
            ))
        }
        None => {
            return Err(ScoreError::new(
                "content_hours_7d",
                format!("must be a number of hours {}", got_value(hours)),
            ))
        }
    };
    let downloads_7d = count(&mut o, "downloads_7d", 0)?;
    let paywall_views_7d = count(&mut o, "paywall_views_7d", 0)?;
    let tier = o
        .value("country_tier")
        .ok_or_else(|| ScoreError::new("country_tier", "is missing"))?;
    let country_tier = tier.as_str().and_then(Tier::parse).ok_or_else(|| {
        ScoreError::new(
            "country_tier",
            format!("must be tier_1, tier_2 or tier_3 {}", got_value(tier)),
        )
    })?;
    o.finish().map_err(|e| {
        if e.field == "user" {
            // The object as a whole (a field with an empty name).
            return ScoreError::from(e);
        }
        ScoreError::new(
            e.field,
            format!("is not a signal (the signals: {})", SIGNALS.join(", ")),
        )
    })?;
    Ok(Features {
        days_since_signup,
        sessions_7d,
        content_hours_7d,
        downloads_7d,
        paywall_views_7d,
        country_tier,
    })
}

/// One signal's push on the log-odds: weight × value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contribution {
    pub feature: &'static str,
    pub value: f64,
    pub weight: f64,
    pub contribution: f64,
}

/// A scored user.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scored {
    pub probability: f64,
    pub segment: Segment,
    /// Log-odds: intercept + Σ contributions.
    pub score: f64,
    pub intercept: f64,
    pub contributions: Vec<Contribution>,
}

/// `x`, with −0 read as 0: a weight of −0.02 times 0 sessions is no push
/// at all, and JSON would print it `-0.0`.
fn plain_zero(x: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x
    }
}

/// Scores one user with raw-unit `coefficients` and `intercept`.
pub fn score(
    coefficients: &[f64; FEATURES.len()],
    intercept: f64,
    thresholds: &Thresholds,
    user: &Features,
) -> Scored {
    let x = feature_vector(user);
    let contributions: Vec<Contribution> = FEATURES
        .iter()
        .zip(coefficients)
        .zip(x)
        .map(|((&feature, &weight), value)| Contribution {
            feature,
            value,
            weight,
            contribution: plain_zero(weight * value),
        })
        .collect();
    let intercept = plain_zero(intercept);
    let score = plain_zero(intercept + contributions.iter().map(|c| c.contribution).sum::<f64>());
    let probability = sigmoid(score);
    Scored {
        probability,
        segment: thresholds.segment(probability),
        score,
        intercept,
        contributions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> Value {
        json!({"days_since_signup": 10, "sessions_7d": 3, "content_hours_7d": 2.5, "downloads_7d": 1, "paywall_views_7d": 2, "country_tier": "Tier_2"})
    }

    #[test]
    fn contributions_sum_with_the_intercept_to_the_score() {
        let u = user_from_json(&user()).unwrap();
        assert_eq!(u.country_tier, Tier::Tier2);
        let w = [-0.02, 0.3, 0.25, 0.5, 0.4, -0.5, -1.0];
        let s = score(&w, 0.7, &Thresholds::default(), &u);
        let total: f64 = s.contributions.iter().map(|c| c.contribution).sum();
        assert!((s.intercept + total - s.score).abs() < 1e-12);
        let expected = 0.7 - 0.2 + 0.9 + 0.625 + 0.5 + 0.8 - 0.5;
        assert!((s.score - expected).abs() < 1e-12);
        assert_eq!(s.segment, Segment::HighIntent);
    }

    #[test]
    fn no_push_is_written_as_minus_zero() {
        let mut u = user();
        u["sessions_7d"] = json!(0);
        u["country_tier"] = json!("tier_1");
        let u = user_from_json(&u).unwrap();
        let s = score(
            &[-0.02, -0.3, 0.0, 0.0, 0.0, -0.5, -1.0],
            -0.0,
            &Thresholds::default(),
            &u,
        );
        let text = serde_json::to_string(&s).unwrap();
        assert!(!text.contains("-0.0,") && !text.contains("-0.0}"), "{text}");
        assert!(s.contributions[1].contribution.is_sign_positive());
    }

    #[test]
    fn bad_users_are_named_never_coerced() {
        let cases = [
            (
                "sessions_7d",
                json!(-1),
                "sessions_7d must not be negative (got -1)",
            ),
            (
                "sessions_7d",
                json!("3"),
                "sessions_7d must be a whole number",
            ),
            (
                "downloads_7d",
                json!(1.5),
                "downloads_7d must be a whole number",
            ),
            (
                "days_since_signup",
                json!(0),
                "days_since_signup must be at least 1",
            ),
            (
                "country_tier",
                json!("tier_9"),
                "country_tier must be tier_1, tier_2 or tier_3 (got \"tier_9\")",
            ),
            (
                "content_hours_7d",
                json!(-2.0),
                "content_hours_7d must not be negative",
            ),
            (
                "content_hours_7d",
                json!(1e300),
                "content_hours_7d must be below 1,000,000,000,000 hours (got 1e300)",
            ),
        ];
        for (field, value, message) in cases {
            let mut u = user();
            u[field] = value;
            let err = user_from_json(&u).unwrap_err();
            assert_eq!(err.field, field);
            assert!(err.to_string().starts_with(message), "{field}: {err}");
        }
        let mut missing = user();
        missing.as_object_mut().unwrap().remove("paywall_views_7d");
        assert_eq!(
            user_from_json(&missing).unwrap_err().to_string(),
            "paywall_views_7d is missing"
        );
        let mut extra = user();
        extra["converted"] = json!(1);
        assert!(user_from_json(&extra)
            .unwrap_err()
            .to_string()
            .starts_with("converted is not a signal"));
        assert!(user_from_json(&json!([1, 2])).is_err());
        let mut empty = user();
        empty[""] = json!(1);
        assert_eq!(
            user_from_json(&empty).unwrap_err().to_string(),
            "user has a field with an empty name"
        );
    }
}
