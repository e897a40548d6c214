//! The model artifact: a fitted model as JSON, written by `conversion fit
//! --output` and the page, read by `conversion score` and the page.

use serde::{Deserialize, Serialize};

use crate::contract::CONTRACT_VERSION;
use crate::decisions::Thresholds;
use crate::metrics::Metrics;
use crate::model::{FitParams, FittedModel, StopReason, FEATURES};
use crate::params::Seed;

/// Version of this file's layout. Loading refuses any other.
pub const SCHEMA_VERSION: u32 = 1;

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
            standardized_coefficients: model.standardized.to_vec(),
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
    pub fn from_json(text: &str) -> Result<ModelArtifact, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        let artifact: ModelArtifact = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            if path == "." {
                format!("model file: {}", e.inner())
            } else {
                format!("model file: {path}: {}", e.inner())
            }
        })?;
        artifact.check()?;
        Ok(artifact)
    }

    fn check(&self) -> Result<(), String> {
        if self.schema_version != SCHEMA_VERSION {
            return Err(format!(
                "model file: schemaVersion {} is not supported (this build reads version {SCHEMA_VERSION})",
                self.schema_version
            ));
        }
        if self.features != FEATURES {
            return Err(format!(
                "model file: features must be exactly {FEATURES:?} (got {:?})",
                self.features
            ));
        }
        for (name, list) in [
            ("coefficients", &self.coefficients),
            ("standardizedCoefficients", &self.standardized_coefficients),
            ("scaler.mean", &self.scaler.mean),
            ("scaler.stdDev", &self.scaler.std_dev),
        ] {
            if list.len() != FEATURES.len() {
                return Err(format!(
                    "model file: {name} must have {} numbers, one per feature (got {})",
                    FEATURES.len(),
                    list.len()
                ));
            }
        }
        if !self.intercept.is_finite() || self.coefficients.iter().any(|c| !c.is_finite()) {
            return Err("model file: coefficients and intercept must be finite numbers".into());
        }
        self.thresholds
            .validate()
            .map(|_| ())
            .map_err(|e| format!("model file: {e}"))
    }

    /// The raw-unit coefficients as an array.
    pub fn coefficient_array(&self) -> [f64; 7] {
        let mut out = [0.0; 7];
        out.copy_from_slice(&self.coefficients);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::MAX_ROWS_IN_MEMORY;
    use crate::dataset::Dataset;
    use crate::model::fit;
    use crate::params::GeneratorParams;

    fn artifact() -> ModelArtifact {
        let data = Dataset::generate(
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
        let mut v = good.clone();
        v["schemaVersion"] = 2.into();
        assert!(ModelArtifact::from_json(&v.to_string())
            .unwrap_err()
            .contains("schemaVersion 2 is not supported"));
        let mut v = good.clone();
        v.as_object_mut().unwrap().remove("intercept");
        assert!(ModelArtifact::from_json(&v.to_string())
            .unwrap_err()
            .contains("missing field `intercept`"));
        let mut v = good.clone();
        v["coefficients"].as_array_mut().unwrap().pop();
        assert!(ModelArtifact::from_json(&v.to_string())
            .unwrap_err()
            .contains("coefficients must have 7 numbers"));
        let mut v = good.clone();
        v["thresholds"]["medium"] = 0.9.into();
        assert!(ModelArtifact::from_json(&v.to_string())
            .unwrap_err()
            .contains("thresholds.medium"));
        let mut v = good;
        v["coefficients"][0] = "x".into();
        assert!(ModelArtifact::from_json(&v.to_string())
            .unwrap_err()
            .contains("coefficients[0]"));
        assert!(ModelArtifact::from_json("not json").is_err());
    }
}
