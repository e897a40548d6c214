//! The user-conversion data contract: column names, tiers, version and limits.
//!
//! Everything the playground generates, fits, exports and imports follows
//! the data contract, `docs/contract.md`; this module is its single source of
//! truth in code.

use std::fmt;

/// Version of the data contract. A change to the generator that alters its
/// output for a given seed and parameters bumps this number; it is written
/// into every exported parameters file and model artifact.
pub const CONTRACT_VERSION: u32 = 1;

/// The CSV header, exactly: the seven contract columns in order.
pub const CSV_HEADER: &str = "days_since_signup,sessions_7d,content_hours_7d,downloads_7d,paywall_views_7d,country_tier,converted";

/// The contract columns, in CSV order.
pub const COLUMNS: [&str; 7] = [
    "days_since_signup",
    "sessions_7d",
    "content_hours_7d",
    "downloads_7d",
    "paywall_views_7d",
    "country_tier",
    "converted",
];

/// The experiment CSV's header: the contract's seven columns, then
/// `treated` (1 for a user the experiment gave the offer to). Its
/// `converted` is the outcome under that assignment.
pub const EXPERIMENT_HEADER: &str = "days_since_signup,sessions_7d,content_hours_7d,downloads_7d,paywall_views_7d,country_tier,converted,treated";

/// The experiment CSV's columns, in order.
pub const EXPERIMENT_COLUMNS: [&str; 8] = [
    COLUMNS[0], COLUMNS[1], COLUMNS[2], COLUMNS[3], COLUMNS[4], COLUMNS[5], COLUMNS[6], "treated",
];

/// Largest dataset held in memory (the page, the model, `validate`):
/// 1,000,000 rows, the page's largest preset (about 40 MB of columns).
pub const MAX_ROWS_IN_MEMORY: u64 = 1_000_000;

/// Largest row count `conversion generate` streams: it writes in constant
/// memory, so the limit only guards against typos (10^12 rows is ~40 TB).
pub const MAX_ROWS_STREAMED: u64 = 1_000_000_000_000;

/// `content_hours_7d` is below this many hours, in a file or a user to
/// score: the limit keeps every score finite (a real week has 168 hours).
pub const MAX_CONTENT_HOURS: f64 = 1e12;

/// Market tier of the user's country: purchasing power and pricing context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Tier {
    /// Highest purchasing power (contract mix 35%).
    Tier1 = 0,
    /// Middle tier (contract mix 40%).
    Tier2 = 1,
    /// Lowest purchasing power (contract mix 25%).
    Tier3 = 2,
}

impl Tier {
    /// All tiers, in contract order.
    pub const ALL: [Tier; 3] = [Tier::Tier1, Tier::Tier2, Tier::Tier3];

    /// The contract's spelling, as the generator writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Tier1 => "tier_1",
            Tier::Tier2 => "tier_2",
            Tier::Tier3 => "tier_3",
        }
    }

    /// Parses the contract spelling (`tier_1`) or the original Python
    /// pipeline's (`Tier_1`). Nothing else is accepted.
    pub fn parse(text: &str) -> Option<Tier> {
        match text {
            "tier_1" | "Tier_1" => Some(Tier::Tier1),
            "tier_2" | "Tier_2" => Some(Tier::Tier2),
            "tier_3" | "Tier_3" => Some(Tier::Tier3),
            _ => None,
        }
    }

    /// Position in [`Tier::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_the_columns_joined() {
        assert_eq!(CSV_HEADER, COLUMNS.join(","));
        assert_eq!(EXPERIMENT_HEADER, EXPERIMENT_COLUMNS.join(","));
        assert_eq!(EXPERIMENT_HEADER, format!("{CSV_HEADER},treated"));
    }

    #[test]
    fn tiers_parse_both_spellings_and_nothing_else() {
        for tier in Tier::ALL {
            assert_eq!(Tier::parse(tier.as_str()), Some(tier));
            let python = tier.as_str().replacen('t', "T", 1);
            assert_eq!(Tier::parse(&python), Some(tier));
        }
        for bad in ["TIER_1", "tier1", "tier_4", "", " tier_1"] {
            assert_eq!(Tier::parse(bad), None, "{bad:?}");
        }
    }
}
