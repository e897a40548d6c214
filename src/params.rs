//! Generator parameters: what a person asked for ([`GeneratorParams`]) and the
//! checked form the generator accepts ([`ValidParams`]).
//!
//! Every number in the contract is a parameter here, with the contract's value
//! as its default. The same shape is the JSON of `conversion generate
//! --params FILE` and of the page's "Download parameters" button.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::contract::{Tier, CONTRACT_VERSION};

/// Weight of each numeric signal in the true conversion score (log-odds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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

/// One number per country tier (used for tier effects and the tier mix).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

    fn default_effects() -> Self {
        PerTier {
            tier_1: 0.8,
            tier_2: 0.3,
            tier_3: -0.2,
        }
    }

    fn default_mix() -> Self {
        PerTier {
            tier_1: 0.35,
            tier_2: 0.40,
            tier_3: 0.25,
        }
    }
}

/// Uniform integer range of `days_since_signup`. Default 1..=59.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoissonParams {
    pub lambda: f64,
}

/// A Gamma distribution (mean = shape × scale).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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

/// A seed: any unsigned 64-bit integer. In JSON it is written as a string so
/// that JavaScript, whose numbers are exact only up to 2^53, never rounds it;
/// a JSON number is accepted on input too.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Seed(pub u64);

impl Seed {
    /// Parses a seed typed by a person: decimal digits, 0 ..= 2^64 − 1.
    pub fn parse(text: &str) -> Result<Seed, ParamError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(ParamError::new(
                "seed",
                "is empty: enter a whole number from 0 to 18446744073709551615",
            ));
        }
        if let Some(rest) = trimmed.strip_prefix('-') {
            if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ParamError::new(
                    "seed",
                    format!("must not be negative (got {trimmed})"),
                ));
            }
        }
        if !trimmed.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParamError::new(
                "seed",
                format!("must be a whole number from 0 to 18446744073709551615 (got {trimmed:?})"),
            ));
        }
        trimmed.parse::<u64>().map(Seed).map_err(|_| {
            ParamError::new(
                "seed",
                format!("is above the largest seed 18446744073709551615 (got {trimmed})"),
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
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
            Float(f64),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Number(n) => Ok(Seed(n)),
            Raw::Text(text) => Seed::parse(&text).map_err(serde::de::Error::custom),
            Raw::Float(x) => Err(serde::de::Error::custom(format!(
                "seed must be a whole number from 0 to 18446744073709551615 (got {x}); write large seeds as strings"
            ))),
        }
    }
}

/// Everything the generator takes, as a person asked for it. `Default` is
/// the contract. Check it with [`GeneratorParams::validate`] before use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
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
        }
    }
}

/// A parameter that cannot be used, named by its path (as in the JSON), with
/// what is wrong with it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamError {
    /// Path of the parameter, e.g. `weights.sessions_7d` or `rows`.
    pub field: String,
    /// What is wrong, in words.
    pub problem: String,
}

impl ParamError {
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        ParamError {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.problem)
    }
}

impl std::error::Error for ParamError {}

/// Largest |weight|, |tier effect| or |b0|: far past any meaningful log-odds.
pub const MAX_ABS_WEIGHT: f64 = 1_000.0;
/// Largest noise σ.
pub const MAX_NOISE_SIGMA: f64 = 100.0;
/// Largest Poisson λ (counts per 7 days).
pub const MAX_LAMBDA: f64 = 1_000_000.0;
/// Largest Gamma shape or scale.
pub const MAX_GAMMA_PARAM: f64 = 10_000.0;
/// Largest `days_since_signup`.
pub const MAX_DAYS: u32 = 100_000;

/// Parameters that passed validation; the only input the generator takes.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidParams(GeneratorParams);

impl ValidParams {
    /// The checked parameters.
    pub fn get(&self) -> &GeneratorParams {
        &self.0
    }

    /// Back to the editable form.
    pub fn into_inner(self) -> GeneratorParams {
        self.0
    }
}

impl GeneratorParams {
    /// Checks every parameter; `max_rows` is the caller's row limit
    /// ([`crate::contract::MAX_ROWS_IN_MEMORY`] or
    /// [`crate::contract::MAX_ROWS_STREAMED`]). The first problem found is
    /// returned, naming the parameter.
    pub fn validate(&self, max_rows: u64) -> Result<ValidParams, ParamError> {
        if self.contract_version != CONTRACT_VERSION {
            return Err(ParamError::new(
                "contractVersion",
                format!(
                    "is {} but this build generates contract version {}: the data would differ",
                    self.contract_version, CONTRACT_VERSION
                ),
            ));
        }
        if self.rows == 0 {
            return Err(ParamError::new("rows", "must be at least 1"));
        }
        if self.rows > max_rows {
            return Err(ParamError::new(
                "rows",
                format!("is {} but the limit here is {}", self.rows, max_rows),
            ));
        }
        check_weight("baseline", self.baseline)?;
        check_finite("noiseSigma", self.noise_sigma)?;
        if !(0.0..=MAX_NOISE_SIGMA).contains(&self.noise_sigma) {
            return Err(ParamError::new(
                "noiseSigma",
                format!(
                    "must be between 0 and {MAX_NOISE_SIGMA} (got {})",
                    self.noise_sigma
                ),
            ));
        }
        let w = &self.weights;
        check_weight("weights.days_since_signup", w.days_since_signup)?;
        check_weight("weights.sessions_7d", w.sessions_7d)?;
        check_weight("weights.content_hours_7d", w.content_hours_7d)?;
        check_weight("weights.downloads_7d", w.downloads_7d)?;
        check_weight("weights.paywall_views_7d", w.paywall_views_7d)?;
        for tier in Tier::ALL {
            check_weight(&format!("tierEffects.{tier}"), self.tier_effects.get(tier))?;
        }
        let mut mix_sum = 0.0;
        for tier in Tier::ALL {
            let field = format!("tierMix.{tier}");
            let share = self.tier_mix.get(tier);
            check_finite(&field, share)?;
            if !(0.0..=1.0).contains(&share) {
                return Err(ParamError::new(
                    field,
                    format!("must be a share between 0 and 1 (got {share})"),
                ));
            }
            mix_sum += share;
        }
        if (mix_sum - 1.0).abs() > 1e-6 {
            return Err(ParamError::new(
                "tierMix",
                format!(
                    "must sum to 1 but sums to {mix_sum:.6} (tier_1 {} + tier_2 {} + tier_3 {})",
                    self.tier_mix.tier_1, self.tier_mix.tier_2, self.tier_mix.tier_3
                ),
            ));
        }
        let d = &self.distributions;
        let days = &d.days_since_signup;
        if days.min < 1 {
            return Err(ParamError::new(
                "distributions.days_since_signup.min",
                "must be at least 1 (a user's first day is day 1)",
            ));
        }
        if days.max > MAX_DAYS {
            return Err(ParamError::new(
                "distributions.days_since_signup.max",
                format!("must be at most {MAX_DAYS} (got {})", days.max),
            ));
        }
        if days.max < days.min {
            return Err(ParamError::new(
                "distributions.days_since_signup.max",
                format!("must be at least min ({}) (got {})", days.min, days.max),
            ));
        }
        check_lambda("distributions.sessions_7d.lambda", d.sessions_7d.lambda)?;
        check_lambda("distributions.downloads_7d.lambda", d.downloads_7d.lambda)?;
        check_lambda(
            "distributions.paywall_views_7d.lambda",
            d.paywall_views_7d.lambda,
        )?;
        check_gamma(
            "distributions.content_hours_7d.shape",
            d.content_hours_7d.shape,
        )?;
        check_gamma(
            "distributions.content_hours_7d.scale",
            d.content_hours_7d.scale,
        )?;
        Ok(ValidParams(self.clone()))
    }
}

fn check_finite(field: &str, value: f64) -> Result<(), ParamError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(ParamError::new(
            field,
            format!("must be a finite number (got {value})"),
        ))
    }
}

fn check_weight(field: &str, value: f64) -> Result<(), ParamError> {
    check_finite(field, value)?;
    if value.abs() > MAX_ABS_WEIGHT {
        return Err(ParamError::new(
            field,
            format!("must be between -{MAX_ABS_WEIGHT} and {MAX_ABS_WEIGHT} (got {value})"),
        ));
    }
    Ok(())
}

fn check_lambda(field: &str, value: f64) -> Result<(), ParamError> {
    check_finite(field, value)?;
    if value < 0.0 {
        return Err(ParamError::new(
            field,
            format!("must not be negative: a Poisson mean is ≥ 0 (got {value})"),
        ));
    }
    if value > MAX_LAMBDA {
        return Err(ParamError::new(
            field,
            format!("must be at most {MAX_LAMBDA} (got {value})"),
        ));
    }
    Ok(())
}

fn check_gamma(field: &str, value: f64) -> Result<(), ParamError> {
    check_finite(field, value)?;
    if value <= 0.0 || value > MAX_GAMMA_PARAM {
        return Err(ParamError::new(
            field,
            format!("must be above 0 and at most {MAX_GAMMA_PARAM} (got {value})"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::MAX_ROWS_IN_MEMORY;

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
        assert_eq!(error_of(p.clone()).field, "rows");
        p.rows = MAX_ROWS_IN_MEMORY + 1;
        assert!(error_of(p.clone()).problem.contains("limit"));

        let mut p = GeneratorParams::default();
        p.distributions.sessions_7d.lambda = -1.0;
        let e = error_of(p);
        assert_eq!(e.field, "distributions.sessions_7d.lambda");
        assert!(e.problem.contains("negative"));

        let mut p = GeneratorParams::default();
        p.weights.downloads_7d = f64::NAN;
        assert_eq!(error_of(p).field, "weights.downloads_7d");

        let mut p = GeneratorParams::default();
        p.tier_effects.tier_2 = f64::INFINITY;
        assert_eq!(error_of(p).field, "tierEffects.tier_2");

        let mut p = GeneratorParams::default();
        p.tier_mix.tier_1 = 0.5;
        let e = error_of(p);
        assert_eq!(e.field, "tierMix");
        assert!(e.problem.contains("sum to 1"), "{e}");

        let p = GeneratorParams {
            noise_sigma: -0.1,
            ..Default::default()
        };
        assert_eq!(error_of(p).field, "noiseSigma");

        let mut p = GeneratorParams::default();
        p.distributions.days_since_signup.min = 0;
        assert_eq!(error_of(p).field, "distributions.days_since_signup.min");

        let mut p = GeneratorParams::default();
        p.distributions.content_hours_7d.shape = 0.0;
        assert_eq!(error_of(p).field, "distributions.content_hours_7d.shape");
    }

    #[test]
    fn seeds_keep_all_64_bits_and_reject_garbage() {
        assert_eq!(Seed::parse("18446744073709551615").unwrap(), Seed(u64::MAX));
        assert_eq!(Seed::parse(" 42 ").unwrap(), Seed(42));
        assert!(Seed::parse("18446744073709551616")
            .unwrap_err()
            .problem
            .contains("above"));
        assert!(Seed::parse("-1").unwrap_err().problem.contains("negative"));
        assert!(Seed::parse("4.2").is_err());
        assert!(Seed::parse("abc").is_err());
        assert!(Seed::parse("").is_err());
    }

    #[test]
    fn json_round_trips_with_the_seed_as_a_string() {
        let p = GeneratorParams {
            seed: Seed(u64::MAX),
            ..Default::default()
        };
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"seed\":\"18446744073709551615\""), "{json}");
        let back: GeneratorParams = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn partial_json_takes_defaults_and_unknown_fields_are_refused() {
        let p: GeneratorParams =
            serde_json::from_str(r#"{"seed": 7, "weights": {"sessions_7d": 0.9}}"#).unwrap();
        assert_eq!(p.seed, Seed(7));
        assert_eq!(p.weights.sessions_7d, 0.9);
        assert_eq!(p.weights.downloads_7d, 0.5);
        let err = serde_json::from_str::<GeneratorParams>(r#"{"weights": {"sesions_7d": 0.9}}"#)
            .unwrap_err();
        assert!(err.to_string().contains("sesions_7d"), "{err}");
    }
}
