//! The one table of generator parameters: for each, its path in the JSON,
//! its control group, label and help for people, its bounds, and the range
//! of the page's slider. Reading parameters from JSON, checking them, and
//! the page's controls all come from this table; the defaults come from
//! [`GeneratorParams::default`]. Nothing outside Rust repeats a number.

use serde::Serialize;
use serde_json::Value;

use super::contract::MAX_ROWS_IN_MEMORY;
use super::offer::{OfferParams, ValidOffer};
use super::params::{GeneratorParams, ParamError, Seed};
use crate::errors::{got_number, number, thousands};
use crate::input::{self, got_value, whole_number};

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

/// Which group of the page's controls a parameter belongs to (a link can
/// hide a group).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// The seed and the number of users.
    World,
    /// b0 and σ.
    Score,
    /// The five signals' weights.
    Weights,
    /// The tier effects.
    Tiers,
    /// Distributions and the tier mix.
    Advanced,
    /// The offer's effect τ(x) (the uplift lab's world).
    Offer,
    /// The experiment: who gets the offer.
    Experiment,
}

/// What a parameter's value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Any unsigned 64-bit integer, written as a decimal string in JSON.
    Seed,
    /// A whole number.
    Whole,
    /// A finite number.
    Number,
}

/// The bounds a parameter is checked against, and how a breach is worded.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// 1 ..= the caller's row limit.
    Rows,
    /// Any u64 (checked when read).
    Seed,
    /// A log-odds weight: |x| ≤ [`MAX_ABS_WEIGHT`].
    LogOdds,
    /// 0 ..= [`MAX_NOISE_SIGMA`].
    Sigma,
    /// A Poisson mean, 0 ..= [`MAX_LAMBDA`].
    Lambda,
    /// A Gamma shape or scale, above 0 and ≤ [`MAX_GAMMA_PARAM`].
    Gamma,
    /// A share, 0 ..= 1.
    Share,
    /// The smallest days since signup, 1 ..= [`MAX_DAYS`].
    DaysMin,
    /// The largest days since signup, the smallest ..= [`MAX_DAYS`].
    DaysMax,
}

impl Bound {
    /// Smallest and largest allowed value (for `Rows`, the page's limit).
    pub fn range(self) -> (f64, f64) {
        match self {
            Bound::Rows => (1.0, MAX_ROWS_IN_MEMORY as f64),
            Bound::Seed => (0.0, u64::MAX as f64),
            Bound::LogOdds => (-MAX_ABS_WEIGHT, MAX_ABS_WEIGHT),
            Bound::Sigma => (0.0, MAX_NOISE_SIGMA),
            Bound::Lambda => (0.0, MAX_LAMBDA),
            Bound::Gamma => (0.0, MAX_GAMMA_PARAM),
            Bound::Share => (0.0, 1.0),
            Bound::DaysMin | Bound::DaysMax => (1.0, f64::from(MAX_DAYS)),
        }
    }
}

/// The range a page slider offers (values beyond it are still valid).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Slider {
    pub min: f64,
    pub max: f64,
    pub step: f64,
    /// Decimals shown.
    pub digits: u8,
}

const fn slider(min: f64, max: f64, step: f64, digits: u8) -> Option<Slider> {
    Some(Slider {
        min,
        max,
        step,
        digits,
    })
}

/// One generator parameter.
#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    /// Dotted path in the parameters JSON, e.g. `weights.sessions_7d`.
    pub key: &'static str,
    pub kind: Kind,
    pub group: Group,
    /// Short name for people.
    pub label: &'static str,
    /// What it means for the product.
    pub help: &'static str,
    pub bound: Bound,
    /// The page's slider, for parameters moved by dragging.
    pub slider: Option<Slider>,
}

macro_rules! spec {
    ($key:literal, $kind:ident, $group:ident, $label:literal, $help:literal, $bound:ident, $slider:expr) => {
        ParamSpec {
            key: $key,
            kind: Kind::$kind,
            group: Group::$group,
            label: $label,
            help: $help,
            bound: Bound::$bound,
            slider: $slider,
        }
    };
}

/// Every generator parameter, in the order the page shows them.
pub const PARAMETERS: [ParamSpec; 29] = [
    spec!("seed", Seed, World, "Seed", "Same seed, same users: any whole number from 0 to 18,446,744,073,709,551,615.", Seed, None),
    spec!("rows", Whole, World, "Users (rows)", "How many users the world has.", Rows, None),
    spec!("baseline", Number, Score, "Baseline b0", "The intercept of every user's score (in log-odds): move it down for a realistic base rate.", LogOdds, slider(-8.0, 4.0, 0.05, 2)),
    spec!("noiseSigma", Number, Score, "Noise σ", "How messy real life is: a random push on each user's score that no signal explains.", Sigma, slider(0.0, 3.0, 0.05, 2)),
    spec!("weights.sessions_7d", Number, Weights, "Sessions (7 days)", "How often the user opened the app in the last 7 days.", LogOdds, slider(-1.0, 1.5, 0.01, 2)),
    spec!("weights.content_hours_7d", Number, Weights, "Hours watched (7 days)", "Depth of engagement: hours watched in the last 7 days.", LogOdds, slider(-1.0, 1.5, 0.01, 2)),
    spec!("weights.downloads_7d", Number, Weights, "Downloads (7 days)", "Offline intent, a commitment signal.", LogOdds, slider(-1.0, 2.0, 0.01, 2)),
    spec!("weights.paywall_views_7d", Number, Weights, "Paywall views (7 days)", "Exposure to monetization moments.", LogOdds, slider(-1.0, 2.0, 0.01, 2)),
    spec!("weights.days_since_signup", Number, Weights, "Days since signup", "Lifecycle stage: how mature the account is.", LogOdds, slider(-0.2, 0.1, 0.005, 3)),
    spec!("tierEffects.tier_1", Number, Tiers, "Tier 1 effect", "Market purchasing power and pricing context: the highest tier.", LogOdds, slider(-2.0, 2.0, 0.05, 2)),
    spec!("tierEffects.tier_2", Number, Tiers, "Tier 2 effect", "Middle-tier markets.", LogOdds, slider(-2.0, 2.0, 0.05, 2)),
    spec!("tierEffects.tier_3", Number, Tiers, "Tier 3 effect", "Markets with the lowest purchasing power.", LogOdds, slider(-2.0, 2.0, 0.05, 2)),
    spec!("distributions.days_since_signup.min", Whole, Advanced, "Days since signup: smallest", "Users are spread evenly over the days from the smallest to the largest.", DaysMin, None),
    spec!("distributions.days_since_signup.max", Whole, Advanced, "Days since signup: largest", "Users are spread evenly over the days from the smallest to the largest.", DaysMax, None),
    spec!("distributions.sessions_7d.lambda", Number, Advanced, "Sessions: Poisson mean λ", "The average number of sessions in 7 days.", Lambda, None),
    spec!("distributions.content_hours_7d.shape", Number, Advanced, "Hours watched: Gamma shape", "Hours follow a Gamma distribution: mean = shape × scale.", Gamma, None),
    spec!("distributions.content_hours_7d.scale", Number, Advanced, "Hours watched: Gamma scale", "Hours follow a Gamma distribution: mean = shape × scale.", Gamma, None),
    spec!("distributions.downloads_7d.lambda", Number, Advanced, "Downloads: Poisson mean λ", "The average number of downloads in 7 days.", Lambda, None),
    spec!("distributions.paywall_views_7d.lambda", Number, Advanced, "Paywall views: Poisson mean λ", "The average number of paywall views in 7 days.", Lambda, None),
    spec!("tierMix.tier_1", Number, Advanced, "Share of users in tier 1", "The three shares add up to 1.", Share, None),
    spec!("tierMix.tier_2", Number, Advanced, "Share of users in tier 2", "The three shares add up to 1.", Share, None),
    spec!("tierMix.tier_3", Number, Advanced, "Share of users in tier 3", "The three shares add up to 1.", Share, None),
    spec!("offer.effect", Number, Offer, "Offer effect τ0", "What the offer adds to every treated user's score, in log-odds: +0.6 turns a 50% user into a 65% one, and a 95% user into a 97% one.", LogOdds, slider(-2.0, 3.0, 0.05, 2)),
    spec!("offer.fatigue", Number, Offer, "Fatigue per paywall view", "Added to the offer's effect for each paywall view in the last 7 days: below 0, users who have seen the paywall most are put off by one more push.", LogOdds, slider(-1.0, 0.5, 0.01, 2)),
    spec!("offer.tierEffects.tier_1", Number, Offer, "Offer effect in tier 1", "Added to the offer's effect for tier 1 users.", LogOdds, slider(-2.0, 2.0, 0.05, 2)),
    spec!("offer.tierEffects.tier_2", Number, Offer, "Offer effect in tier 2", "Added to the offer's effect for tier 2 users.", LogOdds, slider(-2.0, 2.0, 0.05, 2)),
    spec!("offer.tierEffects.tier_3", Number, Offer, "Offer effect in tier 3", "Added to the offer's effect for tier 3 users (a discount may weigh more where purchasing power is low).", LogOdds, slider(-2.0, 2.0, 0.05, 2)),
    spec!("offer.treatedShare", Number, Experiment, "Share treated", "The share of users the experiment gives the offer to, by a seeded draw of their own.", Share, slider(0.05, 0.95, 0.05, 2)),
    spec!("offer.assignmentSeed", Seed, Experiment, "Assignment seed", "Which users the experiment treats: the same seed treats the same users.", Seed, None),
];

/// A parameter's value, of its kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamValue {
    Seed(Seed),
    Whole(u64),
    Number(f64),
}

impl ParamValue {
    /// The value as JSON (a seed as a string).
    pub fn to_json(self) -> Value {
        match self {
            ParamValue::Seed(s) => Value::String(s.to_string()),
            ParamValue::Whole(n) => Value::from(n),
            ParamValue::Number(x) => Value::from(x),
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            ParamValue::Seed(s) => s.0 as f64,
            ParamValue::Whole(n) => n as f64,
            ParamValue::Number(x) => x,
        }
    }
}

/// Where a parameter lives in [`GeneratorParams`], for writing.
enum Slot<'a> {
    Seed(&'a mut Seed),
    Rows(&'a mut u64),
    Days(&'a mut u32),
    Number(&'a mut f64),
}

/// A field's value as a [`ParamValue`].
trait ToParamValue {
    fn to_param_value(&self) -> ParamValue;
}

impl ToParamValue for Seed {
    fn to_param_value(&self) -> ParamValue {
        ParamValue::Seed(*self)
    }
}

impl ToParamValue for u64 {
    fn to_param_value(&self) -> ParamValue {
        ParamValue::Whole(*self)
    }
}

impl ToParamValue for u32 {
    fn to_param_value(&self) -> ParamValue {
        ParamValue::Whole(u64::from(*self))
    }
}

impl ToParamValue for f64 {
    fn to_param_value(&self) -> ParamValue {
        ParamValue::Number(*self)
    }
}

/// Where each key of [`PARAMETERS`] lives, once, for reading and writing.
/// The offer's keys live in an optional section: writing one creates the
/// offer (at its defaults), and reading one of an absent offer gives its
/// default.
macro_rules! slots {
    (
        $($key:literal => $kind:ident $($field:ident).+;)*
        offer { $($okey:literal => $okind:ident $($ofield:ident).+;)* }
    ) => {
        fn slot<'a>(p: &'a mut GeneratorParams, key: &str) -> Slot<'a> {
            match key {
                $($key => Slot::$kind(&mut p.$($field).+),)*
                $($okey => Slot::$okind(&mut p.offer.get_or_insert_with(OfferParams::default).$($ofield).+),)*
                _ => unreachable!("{key} is not in the parameter table"),
            }
        }

        fn value_of(p: &GeneratorParams, key: &str) -> ParamValue {
            match key {
                $($key => p.$($field).+.to_param_value(),)*
                $($okey => match &p.offer {
                    Some(offer) => offer.$($ofield).+.to_param_value(),
                    None => OfferParams::default().$($ofield).+.to_param_value(),
                },)*
                _ => unreachable!("{key} is not in the parameter table"),
            }
        }
    };
}

slots! {
    "seed" => Seed seed;
    "rows" => Rows rows;
    "baseline" => Number baseline;
    "noiseSigma" => Number noise_sigma;
    "weights.sessions_7d" => Number weights.sessions_7d;
    "weights.content_hours_7d" => Number weights.content_hours_7d;
    "weights.downloads_7d" => Number weights.downloads_7d;
    "weights.paywall_views_7d" => Number weights.paywall_views_7d;
    "weights.days_since_signup" => Number weights.days_since_signup;
    "tierEffects.tier_1" => Number tier_effects.tier_1;
    "tierEffects.tier_2" => Number tier_effects.tier_2;
    "tierEffects.tier_3" => Number tier_effects.tier_3;
    "distributions.days_since_signup.min" => Days distributions.days_since_signup.min;
    "distributions.days_since_signup.max" => Days distributions.days_since_signup.max;
    "distributions.sessions_7d.lambda" => Number distributions.sessions_7d.lambda;
    "distributions.content_hours_7d.shape" => Number distributions.content_hours_7d.shape;
    "distributions.content_hours_7d.scale" => Number distributions.content_hours_7d.scale;
    "distributions.downloads_7d.lambda" => Number distributions.downloads_7d.lambda;
    "distributions.paywall_views_7d.lambda" => Number distributions.paywall_views_7d.lambda;
    "tierMix.tier_1" => Number tier_mix.tier_1;
    "tierMix.tier_2" => Number tier_mix.tier_2;
    "tierMix.tier_3" => Number tier_mix.tier_3;
    offer {
        "offer.effect" => Number effect;
        "offer.fatigue" => Number fatigue;
        "offer.tierEffects.tier_1" => Number tier_effects.tier_1;
        "offer.tierEffects.tier_2" => Number tier_effects.tier_2;
        "offer.tierEffects.tier_3" => Number tier_effects.tier_3;
        "offer.treatedShare" => Number treated_share;
        "offer.assignmentSeed" => Seed assignment_seed;
    }
}

impl ParamSpec {
    /// This parameter's value in `params`.
    pub fn get(&self, params: &GeneratorParams) -> ParamValue {
        value_of(params, self.key)
    }

    /// Checks this parameter's value in `params` against its bound.
    pub fn check(&self, params: &GeneratorParams, max_rows: u64) -> Result<(), ParamError> {
        let value = self.get(params).as_f64();
        let bad = |problem: String| Err(ParamError::new(self.key, problem));
        if !value.is_finite() {
            return bad(format!("must be a finite number {}", got_number(value)));
        }
        let (min, max) = self.bound.range();
        match self.bound {
            Bound::Seed => Ok(()),
            Bound::Rows if value < 1.0 => bad(format!("must be at least 1 {}", got_number(value))),
            Bound::Rows if value > max_rows as f64 => bad(format!(
                "must be at most {} here {}",
                thousands(max_rows),
                got_number(value)
            )),
            Bound::Rows => Ok(()),
            Bound::Lambda if value < 0.0 => bad(format!(
                "must not be negative: a Poisson mean is 0 or more {}",
                got_number(value)
            )),
            Bound::Gamma if value <= 0.0 || value > max => bad(format!(
                "must be above 0 and at most {} {}",
                number(max),
                got_number(value)
            )),
            Bound::DaysMin if value < 1.0 => bad(format!(
                "must be at least 1: a user's first day is day 1 {}",
                got_number(value)
            )),
            Bound::DaysMax if value < f64::from(params.distributions.days_since_signup.min) => {
                bad(format!(
                    "must be at least the smallest days since signup, {} {}",
                    params.distributions.days_since_signup.min,
                    got_number(value)
                ))
            }
            Bound::Share if !(min..=max).contains(&value) => {
                bad(format!("must be a share from 0 to 1 {}", got_number(value)))
            }
            Bound::LogOdds | Bound::Sigma if !(min..=max).contains(&value) => bad(format!(
                "must be from {} to {} {}",
                number(min),
                number(max),
                got_number(value)
            )),
            _ if value > max => bad(format!(
                "must be at most {} {}",
                number(max),
                got_number(value)
            )),
            _ => Ok(()),
        }
    }
}

/// The section of the parameters that holds the offer.
const OFFER: &str = "offer";

/// The spec of the parameter at `key`.
pub fn spec(key: &str) -> Option<&'static ParamSpec> {
    PARAMETERS.iter().find(|s| s.key == key)
}

/// Sets the parameter at `key` from a JSON value, checking only its type.
fn set_from_json(params: &mut GeneratorParams, key: &str, value: &Value) -> Result<(), ParamError> {
    let problem = |p: String| ParamError::new(key, p);
    match slot(params, key) {
        Slot::Seed(seed) => {
            *seed = match value {
                Value::String(text) => Seed::parse(text).map_err(|e| problem(e.problem))?,
                Value::Number(n) if n.is_u64() => Seed(n.as_u64().unwrap_or_default()),
                other => {
                    return Err(problem(format!(
                        "must be a whole number from 0 to {}, best written as a string {}",
                        thousands(u64::MAX),
                        got_value(other)
                    )))
                }
            }
        }
        Slot::Rows(rows) => *rows = whole_number(value).map_err(problem)?,
        Slot::Days(days) => {
            let n = whole_number(value).map_err(problem)?;
            *days = u32::try_from(n)
                .map_err(|_| problem(format!("must be at most {MAX_DAYS} {}", got_value(value))))?;
        }
        Slot::Number(x) => {
            *x = value
                .as_f64()
                .ok_or_else(|| problem(format!("must be a number {}", got_value(value))))?
        }
    }
    Ok(())
}

impl GeneratorParams {
    /// Reads parameters from JSON text (as `conversion generate --params`
    /// reads a file): every field optional (the contract's default), none
    /// unknown, each of its type. Check the result with
    /// [`GeneratorParams::validate`].
    pub fn from_json(text: &str) -> Result<GeneratorParams, ParamError> {
        GeneratorParams::from_value(&input::parse(text, "parameters")?)
    }

    /// Reads parameters from a JSON value (as the page sends them).
    pub fn from_value(value: &Value) -> Result<GeneratorParams, ParamError> {
        let mut params = GeneratorParams::default();
        read_object(&mut params, value, "")?;
        Ok(params)
    }
}

/// Reads the JSON object at `path` ("" at the top) into `params`.
fn read_object(params: &mut GeneratorParams, value: &Value, path: &str) -> Result<(), ParamError> {
    let Value::Object(map) = value else {
        let name = if path.is_empty() { "parameters" } else { path };
        return Err(ParamError::new(
            name,
            format!("must be an object with named fields {}", got_value(value)),
        ));
    };
    for (name, value) in map {
        if name.is_empty() {
            let owner = if path.is_empty() { "parameters" } else { path };
            return Err(ParamError::new(owner, "has a field with an empty name"));
        }
        let key = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        let prefix = format!("{key}.");
        if PARAMETERS.iter().any(|s| s.key.starts_with(&prefix)) {
            if key == OFFER {
                // An offer given, even as `{}`, is an offer at its defaults.
                params.offer.get_or_insert_with(OfferParams::default);
            }
            read_object(params, value, &key)?;
        } else if key == "contractVersion" {
            let version = whole_number(value).map_err(|p| ParamError::new(&key, p))?;
            params.contract_version = u32::try_from(version).unwrap_or(u32::MAX);
        } else if spec(&key).is_some() {
            set_from_json(params, &key, value)?;
        } else {
            return Err(ParamError::new(key, "is not a parameter"));
        }
    }
    Ok(())
}

impl OfferParams {
    /// Reads an offer from a JSON object (as the page sends the lab's
    /// settings): every field optional (its default), none unknown, each
    /// checked against its bounds, errors naming the path (`offer.effect`).
    pub fn from_value(value: &Value) -> Result<ValidOffer, ParamError> {
        let mut params = GeneratorParams {
            offer: Some(OfferParams::default()),
            ..GeneratorParams::default()
        };
        if !value.is_null() {
            read_object(&mut params, value, OFFER)?;
        }
        for spec in PARAMETERS.iter().filter(|s| s.key.starts_with("offer.")) {
            spec.check(&params, MAX_ROWS_IN_MEMORY)?;
        }
        Ok(ValidOffer::checked(params.offer.unwrap_or_default()))
    }
}

/// One parameter as the page's controls need it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamInfo {
    pub key: &'static str,
    pub kind: Kind,
    pub group: Group,
    pub label: &'static str,
    pub help: &'static str,
    /// The contract's value.
    pub default: Value,
    /// Smallest and largest valid value.
    pub min: f64,
    pub max: f64,
    /// True when `min` itself is not allowed (a Gamma parameter must be above 0).
    pub min_exclusive: bool,
    pub slider: Option<Slider>,
}

/// The table as the page reads it, defaults included.
pub fn describe() -> Vec<ParamInfo> {
    let defaults = GeneratorParams::default();
    PARAMETERS
        .iter()
        .map(|spec| {
            let (min, max) = spec.bound.range();
            ParamInfo {
                key: spec.key,
                kind: spec.kind,
                group: spec.group,
                label: spec.label,
                help: spec.help,
                default: spec.get(&defaults).to_json(),
                min,
                max,
                min_exclusive: spec.bound == Bound::Gamma,
                slider: spec.slider,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trips_with_the_seed_as_a_string() {
        let p = GeneratorParams {
            seed: Seed(u64::MAX),
            ..Default::default()
        };
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"seed\":\"18446744073709551615\""), "{json}");
        assert_eq!(GeneratorParams::from_json(&json).unwrap(), p);
    }

    #[test]
    fn every_parameter_in_the_table_round_trips_through_json() {
        let mut moved = GeneratorParams::default();
        for spec in PARAMETERS {
            match slot(&mut moved, spec.key) {
                Slot::Seed(s) => s.0 = 9,
                Slot::Rows(n) => *n = 7,
                Slot::Days(n) => *n += 2,
                Slot::Number(x) => *x += 0.125,
            }
        }
        let json = serde_json::to_string(&moved).unwrap();
        let back = GeneratorParams::from_json(&json).unwrap();
        assert_eq!(back, moved);
        for spec in PARAMETERS {
            assert_ne!(
                spec.get(&back),
                spec.get(&GeneratorParams::default()),
                "{}",
                spec.key
            );
        }
    }

    #[test]
    fn partial_json_takes_defaults_and_unknown_fields_are_refused() {
        let p =
            GeneratorParams::from_json(r#"{"seed": 7, "weights": {"sessions_7d": 0.9}}"#).unwrap();
        assert_eq!(p.seed, Seed(7));
        assert_eq!(p.weights.sessions_7d, 0.9);
        assert_eq!(p.weights.downloads_7d, 0.5);
        for (json, message) in [
            (r#"{"weights": {"sesions_7d": 0.9}}"#, "weights.sesions_7d is not a parameter"),
            (r#"{"noise": 1}"#, "noise is not a parameter"),
            (r#"{"":"00"}"#, "parameters has a field with an empty name"),
            (r#"{"weights": {"": 1}}"#, "weights has a field with an empty name"),
            (r#"{"weights": {"sessions_7d": "high"}}"#, "weights.sessions_7d must be a number (got \"high\")"),
            (r#"{"weights": {"sessions_7d": null}}"#, "weights.sessions_7d must be a number (got null)"),
            (r#"{"rows": -5}"#, "rows must not be negative (got -5)"),
            (r#"{"rows": 2.5}"#, "rows must be a whole number (got 2.5)"),
            (r#"{"weights": [1, 2]}"#, "weights must be an object with named fields (got a list)"),
            ("[1, 3, \"7\"]", "parameters must be an object with named fields (got a list)"),
            (r#"{"rows":2}{"rows":999999999}"#, "parameters is not valid JSON: trailing characters"),
            (r#"{"seed": 4.5}"#, "seed must be a whole number from 0 to 18,446,744,073,709,551,615, best written as a string (got 4.5)"),
        ] {
            let err = GeneratorParams::from_json(json).unwrap_err().to_string();
            assert!(err.starts_with(message), "{json}: {err}");
        }
    }

    #[test]
    fn an_offer_is_there_when_given_even_empty_and_absent_otherwise() {
        assert_eq!(GeneratorParams::from_json("{}").unwrap().offer, None);
        let empty = GeneratorParams::from_json(r#"{"offer": {}}"#).unwrap();
        assert_eq!(empty.offer, Some(OfferParams::default()));
        let p = GeneratorParams::from_json(
            r#"{"offer": {"effect": 0.6, "tierEffects": {"tier_3": 0.2}, "assignmentSeed": "7"}}"#,
        )
        .unwrap();
        let offer = p.offer.clone().unwrap();
        assert_eq!(
            (
                offer.effect,
                offer.tier_effects.tier_3,
                offer.assignment_seed
            ),
            (0.6, 0.2, Seed(7))
        );
        // Without an offer the parameters serialize as they always did.
        let json = serde_json::to_string(&GeneratorParams::default()).unwrap();
        assert!(!json.contains("offer"), "{json}");
        for (json, message) in [
            (
                r#"{"offer": {"assignmentSeed": "x"}}"#,
                "offer.assignmentSeed must be a whole number",
            ),
            (
                r#"{"offer": 3}"#,
                "offer must be an object with named fields (got 3)",
            ),
            (r#"{"offer": {"dose": 1}}"#, "offer.dose is not a parameter"),
        ] {
            let err = GeneratorParams::from_json(json).unwrap_err().to_string();
            assert!(err.starts_with(message), "{json}: {err}");
        }
        let alone = OfferParams::from_value(&serde_json::json!({"treatedShare": 1.2})).unwrap_err();
        assert_eq!(alone.field, "offer.treatedShare");
    }

    #[test]
    fn the_page_schema_carries_every_default() {
        let schema = describe();
        assert_eq!(schema.len(), PARAMETERS.len());
        let rows = schema.iter().find(|p| p.key == "rows").unwrap();
        assert_eq!(rows.default, Value::from(5_000u64));
        assert_eq!(rows.max, 1_000_000.0);
        let seed = schema.iter().find(|p| p.key == "seed").unwrap();
        assert_eq!(seed.default, Value::from("42"));
        let sigma = schema.iter().find(|p| p.key == "noiseSigma").unwrap();
        assert_eq!(sigma.default, Value::from(0.8));
        assert!(sigma.slider.is_some());
    }
}
