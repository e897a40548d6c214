//! How a model does on a world's users: the metrics (with the truth's
//! ceilings when the world is known), the intent bands and, given the
//! economics, the profit curve. The one place that gathers the evaluation
//! rows; the CLI, the page's own fit and the explicit evaluation of a model
//! on another world ([`super::evaluate_on_world`]) all call it.

use serde::Serialize;
use serde_json::Value;

use super::features::Q;
use super::fitted::predict;
use super::split::Split;
use crate::decide::bands::{bands, Band, Thresholds};
use crate::decide::economics::{profit_curve, Economics, ProfitPoint};
use crate::decide::metrics::{evaluate, Metrics, Truth};
use crate::decide::DecideError;
use crate::errors::got_number;
use crate::input::Object;
use crate::world::dataset::Dataset;
use crate::world::params::GeneratorParams;
use crate::world::truth::noise_averaged;

/// What to measure besides the model itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvaluateOptions {
    /// Threshold of the accuracy and confusion matrix (default 0.5).
    pub threshold: f64,
    /// The intent bands' thresholds (default 0.7 / 0.4).
    pub thresholds: Thresholds,
    /// With these, the profit curve and its best threshold.
    pub economics: Option<Economics>,
}

impl Default for EvaluateOptions {
    fn default() -> Self {
        EvaluateOptions {
            threshold: 0.5,
            thresholds: Thresholds::default(),
            economics: None,
        }
    }
}

impl EvaluateOptions {
    /// Reads options from a JSON object (as the page sends them): `threshold`,
    /// `thresholds` and `economics`, each optional; null means the defaults.
    pub fn from_value(value: &Value) -> Result<EvaluateOptions, DecideError> {
        let mut options = EvaluateOptions::default();
        if value.is_null() {
            return Ok(options);
        }
        let mut o = Object::new(value, "", "options")?;
        if let Some(t) = o.number("threshold")? {
            options.threshold = t;
        }
        if let Some(v) = o.value("thresholds") {
            options.thresholds = Thresholds::from_value(v, "thresholds")?;
        }
        if let Some(v) = o.value("economics") {
            options.economics = Some(Economics::from_value(v, "economics")?);
        }
        o.finish()?;
        options.validate()
    }

    /// Checks the classification threshold is a probability.
    pub fn validate(self) -> Result<EvaluateOptions, DecideError> {
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(DecideError::new(
                "threshold",
                format!(
                    "must be a probability from 0 to 1 {}",
                    got_number(self.threshold)
                ),
            ));
        }
        self.thresholds.validate()?;
        if let Some(e) = self.economics {
            e.validate()?;
        }
        Ok(self)
    }
}

/// A model measured on its evaluation users.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    pub metrics: Metrics,
    pub bands: Vec<Band>,
    /// Expected profit at thresholds 0, 0.01, … 1 (with economics).
    pub profit_curve: Option<Vec<ProfitPoint>>,
    /// The most profitable threshold (with economics).
    pub best_threshold: Option<ProfitPoint>,
}

/// Measures the model with raw `weights` (intercept last) on `split`'s
/// evaluation users of `data`: the held-out ones, or every training user
/// (in-sample, and said so) without a split. `generated_by` is the
/// parameters that drew `data`, when they are known: then q(x) and each
/// user's true p give the ceilings.
pub fn evaluate_model(
    weights: &[f64; Q],
    data: &Dataset,
    split: &Split,
    options: &EvaluateOptions,
    generated_by: Option<&GeneratorParams>,
) -> Evaluation {
    let (rows, in_sample) = split.evaluation_rows();
    let y: Vec<bool> = rows.iter().map(|&i| data.converted[i]).collect();
    let p = predict(weights, data, rows);
    let known = generated_by.zip(data.latent.as_ref());
    let best = known.map(|(params, _)| noise_averaged(params, data, rows));
    let oracle: Option<Vec<f64>> =
        known.map(|(_, l)| rows.iter().map(|&i| l.probability[i]).collect());
    let truth = best
        .as_deref()
        .zip(oracle.as_deref())
        .map(|(best, oracle)| Truth { best, oracle });
    let (profit_curve, best_threshold) = match options.economics {
        Some(e) => {
            let (curve, best) = profit_curve(&p, e);
            (Some(curve), Some(best))
        }
        None => (None, None),
    };
    Evaluation {
        metrics: evaluate(&y, &p, truth, options.threshold, in_sample),
        bands: bands(&y, &p, options.thresholds, options.economics),
        profit_curve,
        best_threshold,
    }
}
