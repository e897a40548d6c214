//! The model artifact: a fitted model as JSON, written by `conversion fit
//! --output` and the page, read by `conversion score` and the page.

use serde::{Deserialize, Serialize};

use crate::decide::bands::Thresholds;
use crate::decide::metrics::Metrics;
use crate::errors::{field_error, got, got_number, number};
use crate::input;
use crate::model::{FitParams, FittedModel, StopReason, FEATURES};
use crate::world::contract::{CONTRACT_VERSION, MAX_CONTENT_HOURS};
use crate::world::params::Seed;

field_error!(
    /// A model file that cannot be used, named by the path of the field at
    /// fault (`coefficients[2]`, `thresholds.medium`, `schemaVersion`, …).
    ArtifactError
);

/// Version of this file's layout. Loading refuses any other.
pub const SCHEMA_VERSION: u32 = 1;

/// Largest model file read, in bytes (a model is about 2 KB): a larger file
/// is refused before it fills memory.
pub const MAX_MODEL_BYTES: u64 = 1 << 20;

/// The largest value of each model feature a user can have: counts fit in
/// 32 bits, hours stay below [`MAX_CONTENT_HOURS`], tiers are 0 or 1.
const LARGEST_VALUE: [f64; FEATURES.len()] = [
    u32::MAX as f64,
    u32::MAX as f64,
    MAX_CONTENT_HOURS,
    u32::MAX as f64,
    u32::MAX as f64,
    1.0,
    1.0,
];

/// The training means and standard deviations used to standardize.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Scaler {
    pub mean: Vec<f64>,
    pub std_dev: Vec<f64>,
}

/// How the model was trained and how it did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Training {
    /// Users the weights were fitted on.
    pub rows: usize,
    /// Seed of the generated data, when known.
    pub seed: Option<Seed>,
    pub fit: FitParams,
    pub iterations: usize,
    pub stop_reason: StopReason,
    pub final_loss: f64,
    /// Metrics on the held-out users (in-sample when there were none).
    pub metrics: Option<ArtifactMetrics>,
    pub warnings: Vec<String>,
}

/// The headline metrics (the curves stay out of the file).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ArtifactMetrics {
    pub users: usize,
    pub in_sample: bool,
    pub log_loss: f64,
    pub accuracy: f64,
    pub precision: f64,
    pub recall: f64,
    pub auc: Option<f64>,
    pub ceiling_auc: Option<f64>,
}

impl From<&Metrics> for ArtifactMetrics {
    fn from(m: &Metrics) -> Self {
        ArtifactMetrics {
            users: m.users,
            in_sample: m.in_sample,
            log_loss: m.log_loss,
            accuracy: m.accuracy,
            precision: m.precision,
            recall: m.recall,
            auc: m.auc,
            ceiling_auc: m.ceiling_auc,
        }
    }
}

/// A fitted model as a file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ModelArtifact {
    pub schema_version: u32,
    pub contract_version: u32,
    /// Exactly [`FEATURES`].
    pub features: Vec<String>,
    /// Weights in raw units, in `features` order.
    pub coefficients: Vec<f64>,
    /// Log-odds of a user with every feature 0.
    pub intercept: f64,
    /// Weights per standard deviation, in `features` order.
    pub standardized_coefficients: Vec<f64>,
    pub scaler: Scaler,
    pub thresholds: Thresholds,
    pub training: Training,
}

impl ModelArtifact {
    /// The artifact of a fit.
    pub fn new(
        model: &FittedModel,
        fit: &FitParams,
        thresholds: Thresholds,
        seed: Option<Seed>,
        metrics: Option<&Metrics>,
    ) -> ModelArtifact {
        ModelArtifact {
            schema_version: SCHEMA_VERSION,
            contract_version: CONTRACT_VERSION,
            features: FEATURES.iter().map(|f| f.to_string()).collect(),
            coefficients: model.coefficients.to_vec(),
            intercept: model.intercept,
            standardized_coefficients: model.standardized_coefficients.to_vec(),
            scaler: Scaler {
                mean: model.mean.to_vec(),
                std_dev: model.std_dev.to_vec(),
            },
            thresholds,
            training: Training {
                rows: model.training_rows,
                seed,
                fit: fit.clone(),
                iterations: model.iterations,
                stop_reason: model.stop,
                final_loss: model.final_loss,
                metrics: metrics.map(ArtifactMetrics::from),
                warnings: model.warnings.clone(),
            },
        }
    }

    /// The artifact as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an artifact always serializes")
    }

    /// Reads and checks an artifact, naming what is wrong.
    pub fn from_json(text: &str) -> Result<ModelArtifact, ArtifactError> {
        let value = input::parse(text, "model file")?;
        // The layout version first: a file of another version is refused for
        // that, not for whichever field moved.
        if let Some(version) = value.get("schemaVersion") {
            if version.as_u64() != Some(u64::from(SCHEMA_VERSION)) {
                return Err(ArtifactError::new(
                    "schemaVersion",
                    format!(
                        "is not supported: this build reads version {SCHEMA_VERSION} {}",
                        input::got_value(version)
                    ),
                ));
            }
        }
        let artifact: ModelArtifact = serde_path_to_error::deserialize(&value).map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." {
                "model file".to_string()
            } else {
                path
            };
            let (field, problem) = input::plain_serde_problem(&field, &e.into_inner().to_string());
            ArtifactError::new(field, problem)
        })?;
        artifact.check()?;
        Ok(artifact)
    }

    fn check(&self) -> Result<(), ArtifactError> {
        if self.contract_version != CONTRACT_VERSION {
            return Err(ArtifactError::new(
                "contractVersion",
                format!(
                    "must be {CONTRACT_VERSION}, the data contract this build scores: a model trained under another contract reads its signals differently {}",
                    got(self.contract_version)
                ),
            ));
        }
        if self.features != FEATURES {
            return Err(ArtifactError::new(
                "features",
                format!("must be exactly {}", FEATURES.join(", ")),
            ));
        }
        for (name, list) in [
            ("coefficients", &self.coefficients),
            ("standardizedCoefficients", &self.standardized_coefficients),
            ("scaler.mean", &self.scaler.mean),
            ("scaler.stdDev", &self.scaler.std_dev),
        ] {
            if list.len() != FEATURES.len() {
                return Err(ArtifactError::new(
                    name,
                    format!(
                        "must have {} numbers, one per feature (got {})",
                        FEATURES.len(),
                        list.len()
                    ),
                ));
            }
        }
        self.check_scores_are_finite()?;
        self.thresholds
            .validate()
            .map(|_| ())
            .map_err(|e| ArtifactError::new(e.field, e.problem))
    }

    /// Every user the contract allows must get a finite score: each of the
    /// eight terms (the intercept and weight × largest value) stays below
    /// f64::MAX / 8, so their sum cannot overflow. A finite but huge weight
    /// would otherwise give `"probability": null`.
    fn check_scores_are_finite(&self) -> Result<(), ArtifactError> {
        let bound = f64::MAX / 8.0;
        if !self.intercept.is_finite() || self.intercept.abs() > bound {
            return Err(ArtifactError::new(
                "intercept",
                format!(
                    "must be a finite number below {} in size {}",
                    number(bound),
                    got_number(self.intercept)
                ),
            ));
        }
        for (j, (&w, largest)) in self.coefficients.iter().zip(LARGEST_VALUE).enumerate() {
            if !w.is_finite() {
                return Err(ArtifactError::new(
                    format!("coefficients[{j}]"),
                    format!("must be a finite number {}", got_number(w)),
                ));
            }
            if w.abs() * largest > bound {
                return Err(ArtifactError::new(
                    format!("coefficients[{j}]"),
                    format!(
                        "is too large: with {} at its largest ({}) a score would overflow {}",
                        FEATURES[j],
                        number(largest),
                        got_number(w)
                    ),
                ));
            }
        }
        Ok(())
    }
    /// The raw-unit coefficients as an array.
    pub fn coefficient_array(&self) -> [f64; FEATURES.len()] {
        let mut out = [0.0; FEATURES.len()];
        out.copy_from_slice(&self.coefficients);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fit;
    use crate::world::contract::MAX_ROWS_IN_MEMORY;
    use crate::world::generator::generate;
    use crate::world::params::GeneratorParams;

    fn artifact() -> ModelArtifact {
        let data = generate(
            &GeneratorParams {
                rows: 2_000,
                ..Default::default()
            }
            .validate(MAX_ROWS_IN_MEMORY)
            .unwrap(),
        );
        let (model, _) = fit(&data, &FitParams::default()).unwrap();
        ModelArtifact::new(
            &model,
            &FitParams::default(),
            Thresholds::default(),
            Some(Seed(u64::MAX)),
            None,
        )
    }

    #[test]
    fn round_trips_exactly() {
        let a = artifact();
        let text = a.to_json();
        assert!(text.contains("\"seed\": \"18446744073709551615\""));
        let back = ModelArtifact::from_json(&text).unwrap();
        assert_eq!(back, a);
        assert_eq!(back.to_json(), text);
    }

    #[test]
    fn malformed_files_are_refused_with_the_reason() {
        let good: serde_json::Value = serde_json::from_str(&artifact().to_json()).unwrap();
        let refused = |v: &serde_json::Value| {
            ModelArtifact::from_json(&v.to_string())
                .unwrap_err()
                .to_string()
        };
        let mut v = good.clone();
        v["schemaVersion"] = 2.into();
        assert_eq!(
            refused(&v),
            "schemaVersion is not supported: this build reads version 1 (got 2)"
        );
        let mut v = good.clone();
        v.as_object_mut().unwrap().remove("intercept");
        assert_eq!(refused(&v), "intercept is missing");
        let mut v = good.clone();
        v["training"].as_object_mut().unwrap().remove("iterations");
        assert_eq!(refused(&v), "training.iterations is missing");
        let mut v = good.clone();
        v["coefficients"].as_array_mut().unwrap().pop();
        assert_eq!(
            refused(&v),
            "coefficients must have 7 numbers, one per feature (got 6)"
        );
        let mut v = good.clone();
        v["thresholds"]["medium"] = 0.9.into();
        assert!(refused(&v).starts_with("thresholds.medium must not be above"));
        let mut v = good.clone();
        v["coefficients"][0] = "x".into();
        assert_eq!(refused(&v), "coefficients[0] must be a number (got \"x\")");
        let mut v = good.clone();
        v["training"]["stopReason"] = "tired".into();
        assert!(refused(&v).starts_with("training.stopReason must be one of running, converged"));
        let mut v = good.clone();
        v["contractVersion"] = 2.into();
        assert!(refused(&v)
            .starts_with("contractVersion must be 1, the data contract this build scores"));
        let mut v = good.clone();
        v["coefficients"][1] = 1e300.into();
        assert_eq!(
            refused(&v),
            "coefficients[1] is too large: with sessions_7d at its largest (4294967295) a score would overflow (got \"1e300\")"
        );
        let mut v = good.clone();
        v["intercept"] = 1.7e308.into();
        assert!(refused(&v).starts_with("intercept must be a finite number below"));
        let mut v = good;
        v["extra"] = 1.into();
        assert_eq!(refused(&v), "extra is not a known field");
        assert!(ModelArtifact::from_json("not json")
            .unwrap_err()
            .to_string()
            .starts_with("model file is not valid JSON"));
    }
}
