//! The model artifact: a fitted model as JSON, written by `conversion fit
//! --output` and the page, read by `conversion score` and the page.

use serde::{Deserialize, Serialize};

use crate::decide::bands::Thresholds;
use crate::decide::metrics::Metrics;
use crate::errors::{field_error, got, got_number, number};
use crate::input;
use crate::model::{
    included, weight_rows, FitParams, FittedModel, Separation, Start, StopReason, WeightRow,
    FEATURES,
};
use crate::world::contract::{CONTRACT_VERSION, MAX_CONTENT_HOURS};
use crate::world::params::Seed;

field_error!(
    /// A model file that cannot be used, named by the path of the field at
    /// fault (`coefficients[2]`, `thresholds.medium`, `schemaVersion`, …).
    ArtifactError
);

/// Version of this file's layout, written into every file. Loading reads
/// this one and version 1 (which lacks the fields added since and called
/// the oracle AUC `ceilingAuc` and the objective `finalLoss`), and refuses
/// any other.
pub const SCHEMA_VERSION: u32 = 2;

/// The oldest layout still read.
pub const OLDEST_SCHEMA_VERSION: u32 = 1;

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

fn cold() -> Start {
    Start::Cold
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
    /// `cold` (from weights 0: `conversion fit` and the page's **Fit**, the
    /// same data and options giving the same bits) or `warm` (the page's
    /// refit as the world moved). Schema 1 files were always cold.
    #[serde(default = "cold")]
    pub start: Start,
    pub iterations: usize,
    pub stop_reason: StopReason,
    /// Set when the data let no finite weights maximise the likelihood.
    #[serde(default)]
    pub separation: Option<Separation>,
    /// What the descent minimised, at its end: the mean training log-loss
    /// plus the L2 penalty (equal to the log-loss without L2).
    #[serde(alias = "finalLoss")]
    pub objective: f64,
    /// The mean training log-loss at the final weights, without penalty.
    #[serde(default)]
    pub training_log_loss: Option<f64>,
    /// Metrics on the held-out users (in-sample when there were none).
    pub metrics: Option<ArtifactMetrics>,
    pub warnings: Vec<String>,
}

fn half() -> f64 {
    0.5
}

/// The headline metrics (the curves and intervals stay out of the file).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ArtifactMetrics {
    pub users: usize,
    pub in_sample: bool,
    pub log_loss: f64,
    /// Predicting the base rate for everyone.
    #[serde(default)]
    pub baseline_log_loss: Option<f64>,
    /// The mean entropy of q(x) (generated data only).
    #[serde(default)]
    pub irreducible_log_loss: Option<f64>,
    /// Threshold of accuracy, precision and recall.
    #[serde(default = "half")]
    pub threshold: f64,
    pub accuracy: f64,
    pub precision: f64,
    pub recall: f64,
    pub auc: Option<f64>,
    /// AUC of q(x), the best achievable (generated data only).
    #[serde(default)]
    pub best_auc: Option<f64>,
    /// AUC of each user's true p, an oracle no model reaches (generated data
    /// only; `ceilingAuc` in schema 1).
    #[serde(alias = "ceilingAuc")]
    pub oracle_auc: Option<f64>,
}

impl From<&Metrics> for ArtifactMetrics {
    fn from(m: &Metrics) -> Self {
        ArtifactMetrics {
            users: m.users,
            in_sample: m.in_sample,
            log_loss: m.log_loss.value,
            baseline_log_loss: Some(m.baseline_log_loss),
            irreducible_log_loss: m.irreducible_log_loss,
            threshold: m.threshold,
            accuracy: m.accuracy.value,
            precision: m.precision.value,
            recall: m.recall.value,
            auc: m.auc.map(|e| e.value),
            best_auc: m.best_auc.map(|e| e.value),
            oracle_auc: m.oracle_auc.map(|e| e.value),
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
                start: model.start,
                iterations: model.iterations,
                stop_reason: model.stop,
                separation: model.separation,
                objective: model.objective,
                training_log_loss: model.training_log_loss,
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
            let known = u64::from(OLDEST_SCHEMA_VERSION)..=u64::from(SCHEMA_VERSION);
            if !version.as_u64().is_some_and(|v| known.contains(&v)) {
                return Err(ArtifactError::new(
                    "schemaVersion",
                    format!(
                        "is not supported: this build reads versions {OLDEST_SCHEMA_VERSION} to {SCHEMA_VERSION} {}",
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
        self.training
            .fit
            .validate()
            .map_err(|e| ArtifactError::new(format!("training.fit.{}", e.field), e.problem))?;
        let used = included(&self.training.fit.leave_out);
        for (j, &c) in self.coefficients.iter().enumerate() {
            if !used[j] && c != 0.0 {
                return Err(ArtifactError::new(
                    format!("coefficients[{j}]"),
                    format!(
                        "must be 0: {} is left out of the model (training.fit.leaveOut) {}",
                        FEATURES[j],
                        got(c)
                    ),
                ));
            }
        }
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

    /// The raw-unit weights, intercept last.
    pub fn weights(&self) -> [f64; FEATURES.len() + 1] {
        std::array::from_fn(|k| self.coefficients.get(k).copied().unwrap_or(self.intercept))
    }

    /// The weights as table rows (no intervals: they need the training data).
    pub fn weight_rows(&self) -> Vec<WeightRow> {
        let p = FEATURES.len();
        // The average training user's log-odds: the intercept per standard
        // deviation.
        let average = self.intercept
            + (0..p)
                .map(|j| self.coefficients[j] * self.scaler.mean[j])
                .sum::<f64>();
        let per_sd: [f64; FEATURES.len() + 1] = std::array::from_fn(|k| {
            self.standardized_coefficients
                .get(k)
                .copied()
                .unwrap_or(average)
        });
        weight_rows(
            &self.weights(),
            &per_sd,
            &included(&self.training.fit.leave_out),
            None,
        )
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
    fn schema_1_files_still_read() {
        // A file as `conversion fit --output` wrote it before schema 2.
        let v1 = r#"{"schemaVersion": 1, "contractVersion": 1,
          "features": ["days_since_signup", "sessions_7d", "content_hours_7d", "downloads_7d", "paywall_views_7d", "tier_2", "tier_3"],
          "coefficients": [-0.02, 0.27, 0.23, 0.46, 0.37, -0.47, -0.9], "intercept": 0.65,
          "standardizedCoefficients": [-0.3, 0.47, 0.5, 0.46, 0.41, -0.23, -0.39],
          "scaler": {"mean": [30, 3, 3, 1, 1.2, 0.4, 0.25], "stdDev": [17, 1.7, 2.1, 1, 1.1, 0.49, 0.43]},
          "thresholds": {"high": 0.7, "medium": 0.4},
          "training": {"rows": 4000, "seed": null,
            "fit": {"testFraction": 0.2, "splitSeed": 42, "l2": 0, "tolerance": 1e-6, "maxIterations": 5000},
            "iterations": 24, "stopReason": "looks_separable", "finalLoss": 0.36,
            "metrics": {"users": 1000, "inSample": false, "logLoss": 0.37, "accuracy": 0.86,
              "precision": 0.87, "recall": 0.98, "auc": 0.74, "ceilingAuc": null},
            "warnings": []}}"#;
        let a = ModelArtifact::from_json(v1).unwrap();
        assert_eq!(a.training.start, Start::Cold);
        assert_eq!(a.training.objective, 0.36);
        assert_eq!(a.training.stop_reason, StopReason::IterationCap);
        assert_eq!(a.training.fit, FitParams::default());
        assert_eq!(a.training.metrics.as_ref().unwrap().threshold, 0.5);
        assert_eq!(a.weights()[7], 0.65);
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
        v["schemaVersion"] = 3.into();
        assert_eq!(
            refused(&v),
            "schemaVersion is not supported: this build reads versions 1 to 2 (got 3)"
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
        v["training"]["fit"]["leaveOut"] = serde_json::json!(["downloads_7d"]);
        assert!(refused(&v).starts_with("coefficients[3] must be 0: downloads_7d is left out"));
        let mut v = good.clone();
        v["training"]["fit"]["optimizer"] = "adam".into();
        assert!(
            refused(&v).starts_with("training.fit.optimizer must be one of gd, nesterov, whitened"),
            "{}",
            refused(&v)
        );
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
