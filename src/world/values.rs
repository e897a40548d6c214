//! The values parameters are made of: a seed, a number per country tier,
//! and the error that names a parameter. Below [`super::params`] and
//! [`super::offer`], which both hold them.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use super::contract::Tier;
use crate::errors::{field_error, got, thousands};

field_error!(
    /// A parameter that cannot be used, named by its path (as in the JSON,
    /// e.g. `weights.sessions_7d` or `rows`), with what is wrong with it.
    ParamError
);

/// One number per country tier (used for tier effects and the tier mix).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PerTier {
    pub tier_1: f64,
    pub tier_2: f64,
    pub tier_3: f64,
}

impl PerTier {
    /// The value for one tier.
    pub fn get(&self, tier: Tier) -> f64 {
        match tier {
            Tier::Tier1 => self.tier_1,
            Tier::Tier2 => self.tier_2,
            Tier::Tier3 => self.tier_3,
        }
    }

    pub(super) fn default_effects() -> Self {
        PerTier {
            tier_1: 0.8,
            tier_2: 0.3,
            tier_3: -0.2,
        }
    }

    pub(super) fn default_mix() -> Self {
        PerTier {
            tier_1: 0.35,
            tier_2: 0.40,
            tier_3: 0.25,
        }
    }
}

/// A seed: any unsigned 64-bit integer. In JSON it is written as a string so
/// that JavaScript, whose numbers are exact only up to 2^53, never rounds it;
/// a JSON number is accepted on input too.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Seed(pub u64);

impl Seed {
    /// Parses a seed typed by a person: decimal digits, 0 ..= 2^64 − 1.
    pub fn parse(text: &str) -> Result<Seed, ParamError> {
        let trimmed = text.trim();
        let bad = |problem: String| Err(ParamError::new("seed", problem));
        if trimmed.is_empty() {
            return bad(format!(
                "is empty: enter a whole number from 0 to {}",
                thousands(u64::MAX)
            ));
        }
        if let Some(rest) = trimmed.strip_prefix('-') {
            if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
                return bad(format!("must not be negative {}", got(trimmed)));
            }
        }
        if !trimmed.bytes().all(|b| b.is_ascii_digit()) {
            return bad(format!(
                "must be a whole number from 0 to {} {}",
                thousands(u64::MAX),
                got(trimmed)
            ));
        }
        trimmed.parse::<u64>().map(Seed).or_else(|_| {
            bad(format!(
                "must be at most {} (2^64 − 1) {}",
                thousands(u64::MAX),
                got(trimmed)
            ))
        })
    }
}

impl Seed {
    /// A seed drawn from the operating system's randomness (natively) or the
    /// browser's `crypto.getRandomValues` (in wasm): for a person who asks
    /// for a random world. Only the seed is random; the data it gives are
    /// as reproducible as any other seed's.
    pub fn random() -> Result<Seed, ParamError> {
        getrandom::u64().map(Seed).map_err(|e| {
            ParamError::new(
                "seed",
                format!("could not be drawn at random: the system gave no randomness ({e})"),
            )
        })
    }
}

impl fmt::Display for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Seed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Seed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SeedVisitor;

        impl de::Visitor<'_> for SeedVisitor {
            type Value = Seed;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number from 0 to 18446744073709551615, as a string")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Seed, E> {
                Seed::parse(text).map_err(|e| E::custom(e.problem))
            }

            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Seed, E> {
                Ok(Seed(n))
            }
        }

        deserializer.deserialize_any(SeedVisitor)
    }
}
