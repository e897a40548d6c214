//! The model's inputs: the five signals in raw units and the tier as two
//! one-hot columns (`tier_1` the reference level), and which of them a
//! person has left out.

use serde::{Deserialize, Serialize};

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

/// A signal a person can leave out of the model: one of the five
/// behavioural signals, or the country tier (both of its one-hot columns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Signal {
    #[serde(rename = "days_since_signup")]
    DaysSinceSignup,
    #[serde(rename = "sessions_7d")]
    Sessions7d,
    #[serde(rename = "content_hours_7d")]
    ContentHours7d,
    #[serde(rename = "downloads_7d")]
    Downloads7d,
    #[serde(rename = "paywall_views_7d")]
    PaywallViews7d,
    #[serde(rename = "country_tier")]
    CountryTier,
}

impl Signal {
    /// Every signal, in column order.
    pub const ALL: [Signal; 6] = [
        Signal::DaysSinceSignup,
        Signal::Sessions7d,
        Signal::ContentHours7d,
        Signal::Downloads7d,
        Signal::PaywallViews7d,
        Signal::CountryTier,
    ];

    /// The contract's column name.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::DaysSinceSignup => "days_since_signup",
            Signal::Sessions7d => "sessions_7d",
            Signal::ContentHours7d => "content_hours_7d",
            Signal::Downloads7d => "downloads_7d",
            Signal::PaywallViews7d => "paywall_views_7d",
            Signal::CountryTier => "country_tier",
        }
    }

    /// The signal named by its column name.
    pub fn parse(name: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The model inputs (positions in [`FEATURES`]) this signal feeds.
    pub fn columns(self) -> &'static [usize] {
        match self {
            Signal::DaysSinceSignup => &[0],
            Signal::Sessions7d => &[1],
            Signal::ContentHours7d => &[2],
            Signal::Downloads7d => &[3],
            Signal::PaywallViews7d => &[4],
            Signal::CountryTier => &[5, 6],
        }
    }
}

/// Which model inputs are in the model, given the signals left out.
pub fn included(leave_out: &[Signal]) -> [bool; P] {
    let mut used = [true; P];
    for signal in leave_out {
        for &j in signal.columns() {
            used[j] = false;
        }
    }
    used
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_name_their_columns() {
        for s in Signal::ALL {
            assert_eq!(Signal::parse(s.as_str()), Some(s));
        }
        assert_eq!(Signal::parse("tier_2"), None);
        let used = included(&[Signal::CountryTier, Signal::Sessions7d]);
        assert_eq!(used, [true, false, true, true, true, false, false]);
    }
}
