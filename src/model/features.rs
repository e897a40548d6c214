//! The model's inputs: the five signals in raw units and the tier as two
//! one-hot columns (`tier_1` the reference level).

use crate::world::contract::Tier;
use crate::world::dataset::Features;

/// The model's inputs, in order: five signals in raw units, then the tier
/// one-hot columns (`tier_1` is the reference level).
pub const FEATURES: [&str; 7] = [
    "days_since_signup",
    "sessions_7d",
    "content_hours_7d",
    "downloads_7d",
    "paywall_views_7d",
    "tier_2",
    "tier_3",
];

/// Number of model inputs.
pub const P: usize = FEATURES.len();
/// Coefficients plus the intercept (last).
pub const Q: usize = P + 1;

/// A user's model inputs in raw units, in [`FEATURES`] order.
pub fn feature_vector(x: &Features) -> [f64; P] {
    [
        f64::from(x.days_since_signup),
        f64::from(x.sessions_7d),
        x.content_hours_7d,
        f64::from(x.downloads_7d),
        f64::from(x.paywall_views_7d),
        f64::from(u8::from(x.country_tier == Tier::Tier2)),
        f64::from(u8::from(x.country_tier == Tier::Tier3)),
    ]
}
