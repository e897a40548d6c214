//! Generator parameters: what a person asked for ([`GeneratorParams`]) and the
//! checked form the generator accepts ([`ValidParams`]).
//!
//! Every number in the contract is a parameter here, with the contract's value
//! as its default. The same shape is the JSON of `conversion generate
//! --params FILE` and of the page's "Download parameters" button; it is read
//! and checked through the one table of parameters in [`super::schema`].

use serde::Serialize;

use super::contract::CONTRACT_VERSION;
use super::offer::{OfferParams, ValidOffer};
pub use super::values::{ParamError, PerTier, Seed};

/// Weight of each numeric signal in the true conversion score (log-odds).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignalWeights {
    /// Lifecycle stage: older accounts that have not converted yet are less
    /// likely to. Default −0.02 per day.
    pub days_since_signup: f64,
    /// App opens in the last 7 days. Default +0.30 per session.
    pub sessions_7d: f64,
    /// Hours watched in the last 7 days. Default +0.25 per hour.
    pub content_hours_7d: f64,
    /// Offline downloads, a commitment signal. Default +0.50 per download.
    pub downloads_7d: f64,
    /// Paywall exposures, monetization moments. Default +0.40 per view.
    pub paywall_views_7d: f64,
}

impl Default for SignalWeights {
    fn default() -> Self {
        SignalWeights {
            days_since_signup: -0.02,
            sessions_7d: 0.30,
            content_hours_7d: 0.25,
            downloads_7d: 0.50,
            paywall_views_7d: 0.40,
        }
    }
}

/// Uniform integer range of `days_since_signup`. Default 1..=59.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UniformRange {
    pub min: u32,
    pub max: u32,
}

impl Default for UniformRange {
    fn default() -> Self {
        UniformRange { min: 1, max: 59 }
    }
}

/// A Poisson count distribution with mean `lambda`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PoissonParams {
    pub lambda: f64,
}

/// A Gamma distribution (mean = shape × scale).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GammaParams {
    pub shape: f64,
    pub scale: f64,
}

impl Default for GammaParams {
    fn default() -> Self {
        GammaParams {
            shape: 2.0,
            scale: 1.5,
        }
    }
}

/// How each feature column is distributed across users.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Distributions {
    /// Default uniform on 1..=59.
    pub days_since_signup: UniformRange,
    /// Default Poisson(λ = 3).
    pub sessions_7d: PoissonParams,
    /// Default Gamma(shape 2, scale 1.5), rounded to 0.01 hours.
    pub content_hours_7d: GammaParams,
    /// Default Poisson(λ = 1).
    pub downloads_7d: PoissonParams,
    /// Default Poisson(λ = 1.2).
    pub paywall_views_7d: PoissonParams,
}

impl Default for Distributions {
    fn default() -> Self {
        Distributions {
            days_since_signup: UniformRange::default(),
            sessions_7d: PoissonParams { lambda: 3.0 },
            content_hours_7d: GammaParams::default(),
            downloads_7d: PoissonParams { lambda: 1.0 },
            paywall_views_7d: PoissonParams { lambda: 1.2 },
        }
    }
}

/// Everything the generator takes, as a person asked for it. `Default` is
/// the contract. Check it with [`GeneratorParams::validate`] before use.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratorParams {
    /// Contract version these parameters were written for. Default: current.
    pub contract_version: u32,
    /// Number of users (rows). Default 5,000.
    pub rows: u64,
    /// Seed of every random stream. Default 42.
    pub seed: Seed,
    /// Baseline log-odds `b0`, the intercept of the true score. Default 0
    /// (about 86% of users convert; move it down for a realistic world).
    pub baseline: f64,
    /// Standard deviation σ of the per-user noise ε inside the logistic:
    /// how messy real life is. Default 0.8.
    pub noise_sigma: f64,
    /// Weights of the five numeric signals.
    pub weights: SignalWeights,
    /// Tier effect on the score. Default tier_1 +0.8, tier_2 +0.3, tier_3 −0.2.
    pub tier_effects: PerTier,
    /// Share of users in each tier; must sum to 1. Default 35% / 40% / 25%.
    pub tier_mix: PerTier,
    /// Distribution of each feature column.
    pub distributions: Distributions,
    /// An offer and its experiment (the uplift lab). Default none: the
    /// contract's world, whose files and hashes an offer never touches.
    /// Present when any of its parameters is given (even as an empty
    /// object): `conversion generate` then writes the experiment CSV.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer: Option<OfferParams>,
}

impl Default for GeneratorParams {
    fn default() -> Self {
        GeneratorParams {
            contract_version: CONTRACT_VERSION,
            rows: 5_000,
            seed: Seed(42),
            baseline: 0.0,
            noise_sigma: 0.8,
            weights: SignalWeights::default(),
            tier_effects: PerTier::default_effects(),
            tier_mix: PerTier::default_mix(),
            distributions: Distributions::default(),
            offer: None,
        }
    }
}

/// Parameters that passed validation; the only input the generator takes.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidParams(GeneratorParams);

impl ValidParams {
    /// The checked parameters.
    pub fn get(&self) -> &GeneratorParams {
        &self.0
    }

    /// Parameters [`GeneratorParams::validate`] found sound.
    pub(super) fn checked(params: GeneratorParams) -> ValidParams {
        ValidParams(params)
    }

    /// The checked offer, when the parameters have one.
    pub fn offer(&self) -> Option<ValidOffer> {
        self.0.offer.clone().map(ValidOffer::checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::{Tier, MAX_ROWS_IN_MEMORY};

    fn error_of(params: GeneratorParams) -> ParamError {
        params.validate(MAX_ROWS_IN_MEMORY).unwrap_err()
    }

    #[test]
    fn defaults_are_the_contract_and_valid() {
        let p = GeneratorParams::default();
        assert_eq!(p.weights.sessions_7d, 0.30);
        assert_eq!(p.tier_effects.get(Tier::Tier3), -0.2);
        assert_eq!(p.distributions.paywall_views_7d.lambda, 1.2);
        assert!(p.validate(MAX_ROWS_IN_MEMORY).is_ok());
    }

    #[test]
    fn each_bad_parameter_is_named() {
        let mut p = GeneratorParams {
            rows: 0,
            ..Default::default()
        };
        assert_eq!(
            error_of(p.clone()).to_string(),
            "rows must be at least 1 (got \"0\")"
        );
        p.rows = MAX_ROWS_IN_MEMORY + 1;
        assert_eq!(
            error_of(p.clone()).to_string(),
            "rows must be at most 1,000,000 here (got \"1000001\")"
        );

        let mut p = GeneratorParams::default();
        p.distributions.sessions_7d.lambda = -1.0;
        let e = error_of(p);
        assert_eq!(e.field, "distributions.sessions_7d.lambda");
        assert!(e.problem.starts_with("must not be negative"), "{e}");

        let mut p = GeneratorParams::default();
        p.weights.downloads_7d = f64::NAN;
        assert_eq!(
            error_of(p).to_string(),
            "weights.downloads_7d must be a finite number (got \"NaN\")"
        );

        let mut p = GeneratorParams::default();
        p.tier_effects.tier_2 = 5_000.0;
        assert_eq!(
            error_of(p).to_string(),
            "tierEffects.tier_2 must be from -1000 to 1000 (got \"5000\")"
        );

        let mut p = GeneratorParams::default();
        p.tier_mix.tier_1 = 0.5;
        assert_eq!(
            error_of(p).to_string(),
            "tierMix must add up to 1, but 0.5 + 0.4 + 0.25 = 1.15"
        );

        let p = GeneratorParams {
            noise_sigma: -0.1,
            ..Default::default()
        };
        assert_eq!(error_of(p).field, "noiseSigma");

        let mut p = GeneratorParams::default();
        p.distributions.days_since_signup.min = 0;
        assert_eq!(error_of(p).field, "distributions.days_since_signup.min");

        let mut p = GeneratorParams::default();
        p.distributions.days_since_signup.min = 10;
        p.distributions.days_since_signup.max = 5;
        assert_eq!(
            error_of(p).to_string(),
            "distributions.days_since_signup.max must be at least the smallest days since signup, 10 (got \"5\")"
        );

        let mut p = GeneratorParams::default();
        p.distributions.content_hours_7d.shape = 0.0;
        assert_eq!(error_of(p).field, "distributions.content_hours_7d.shape");
    }

    #[test]
    fn random_seeds_differ() {
        let draws: Vec<Seed> = (0..4).map(|_| Seed::random().unwrap()).collect();
        // Four equal 64-bit draws would mean the source is broken (odds 2^-192).
        assert!(draws.windows(2).any(|w| w[0] != w[1]), "{draws:?}");
    }

    #[test]
    fn seeds_keep_all_64_bits_and_reject_garbage() {
        assert_eq!(Seed::parse("18446744073709551615").unwrap(), Seed(u64::MAX));
        assert_eq!(Seed::parse(" 42 ").unwrap(), Seed(42));
        assert_eq!(
            Seed::parse("18446744073709551616").unwrap_err().to_string(),
            "seed must be at most 18,446,744,073,709,551,615 (2^64 − 1) (got \"18446744073709551616\")"
        );
        assert!(Seed::parse("-1").unwrap_err().problem.contains("negative"));
        assert!(Seed::parse("4.2").is_err());
        assert!(Seed::parse("abc").is_err());
        assert!(Seed::parse("").is_err());
    }
}
