//! What a person sets in the lab besides the world: the offer and its
//! experiment, the budget of offers, what they cost and earn, the smallest
//! lift worth detecting, and the model's intent bands.

use serde_json::Value;

use super::analysis::check_minimum_effect;
use super::policy::{budget_step, OfferEconomics};
use super::UpliftError;
use crate::decide::bands::Thresholds;
use crate::input::Object;
use crate::world::offer::{OfferParams, ValidOffer};

/// The lab's settings, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct LabSettings {
    pub offer: ValidOffer,
    /// Budget of offers, in hundredths of the users (default 20: a fifth).
    pub budget_step: usize,
    pub economics: OfferEconomics,
    /// The smallest lift worth detecting, in percentage points (default 1).
    pub minimum_effect: f64,
    /// The model's intent bands (default 0.7 / 0.4).
    pub thresholds: Thresholds,
}

/// The budget when none is given: a fifth of the users.
pub const DEFAULT_BUDGET: f64 = 0.2;
/// The smallest lift worth detecting when none is given, in points.
pub const DEFAULT_MINIMUM_EFFECT: f64 = 1.0;

impl LabSettings {
    /// The defaults around an offer.
    pub fn with_offer(offer: ValidOffer) -> LabSettings {
        LabSettings {
            offer,
            budget_step: (DEFAULT_BUDGET * 100.0).round() as usize,
            economics: OfferEconomics::default(),
            minimum_effect: DEFAULT_MINIMUM_EFFECT,
            thresholds: Thresholds::default(),
        }
    }

    /// Reads settings from a JSON object (as the page sends them): `offer`
    /// (its parameters, as in a parameters file), `budget` (a share of
    /// users), `valuePerConversion`, `costPerContact`, `discount`,
    /// `minimumEffect` (percentage points) and `thresholds`; each optional,
    /// none unknown; errors name the field.
    pub fn from_value(value: &Value) -> Result<LabSettings, UpliftError> {
        let offer = OfferParams::from_value(&Value::Null)?;
        let mut settings = LabSettings::with_offer(offer);
        if value.is_null() {
            return Ok(settings);
        }
        let mut o = Object::new(value, "", "settings")?;
        if let Some(v) = o.value("offer") {
            settings.offer = OfferParams::from_value(v)?;
        }
        if let Some(share) = o.number("budget")? {
            settings.budget_step = budget_step(share)?;
        }
        settings.economics = OfferEconomics::read(&mut o)?;
        if let Some(points) = o.number("minimumEffect")? {
            settings.minimum_effect = check_minimum_effect(points)?;
        }
        if let Some(v) = o.value("thresholds") {
            settings.thresholds = Thresholds::from_value(v, "thresholds")?;
        }
        o.finish()?;
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_read_and_every_bad_one_is_named() {
        let s = LabSettings::from_value(&serde_json::json!({
            "offer": {"effect": 0.6, "fatigue": -0.1},
            "budget": 0.35, "discount": 5, "minimumEffect": 2
        }))
        .unwrap();
        assert_eq!(s.offer.get().effect, 0.6);
        assert_eq!(s.budget_step, 35);
        assert_eq!(s.economics.discount, 5.0);
        assert_eq!(s.economics.economics.value_per_conversion, 100.0);
        for (json, field) in [
            (
                serde_json::json!({"offer": {"effect": "x"}}),
                "offer.effect",
            ),
            (
                serde_json::json!({"offer": {"treatedShare": 2}}),
                "offer.treatedShare",
            ),
            (
                serde_json::json!({"offer": {"assignmentSeed": "-3"}}),
                "offer.assignmentSeed",
            ),
            (serde_json::json!({"offer": {"dose": 1}}), "offer.dose"),
            (serde_json::json!({"budget": -0.1}), "budget"),
            (serde_json::json!({"discount": 1e9}), "discount"),
            (serde_json::json!({"minimumEffect": 0}), "minimumEffect"),
            (
                serde_json::json!({"thresholds": {"high": 2}}),
                "thresholds.high",
            ),
            (serde_json::json!({"colour": 1}), "colour"),
        ] {
            let e = LabSettings::from_value(&json).unwrap_err();
            assert_eq!(e.field, field, "{json}: {e}");
        }
    }
}
