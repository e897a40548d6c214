//! How a model does on a world's users: the metrics (with the truth's
//! ceilings when the world is known), the intent bands and, given the
//! economics, what each policy is worth. The one place that gathers the evaluation
//! rows; the CLI, the page's own fit and the explicit evaluation of a model
//! on another world ([`super::evaluate_on_world`]) all call it.

use serde::Serialize;
use serde_json::Value;

use super::features::Q;
use super::fitted::predict;
use super::split::Split;
use crate::decide::bands::{Band, Thresholds};
use crate::decide::economics::Economics;
use crate::decide::metrics::{evaluate, Metrics, Orders, Pointwise, Truth};
use crate::decide::ranking::{JudgedBy, Policies, Ranking};
use crate::decide::DecideError;
use crate::errors::got_number;
use crate::input::Object;
use crate::parallel::join;
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
    /// With these, what each policy is worth and the best threshold.
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
    /// What the bands' and the policies' profits are judged by: the truth
    /// (q(x)) when the world is known, else the labels.
    pub judged_by: JudgedBy,
    /// With economics: what contacting everyone above each threshold is
    /// worth, its best threshold, everyone, no one and the oracles.
    pub policies: Option<Policies>,
}

/// The evaluation users of a model: who they are, what they did, what the
/// model says of them, and the truth about them when it is known.
struct Measured {
    y: Vec<bool>,
    p: Vec<f64>,
    in_sample: bool,
    /// q(x) and each user's own p, for a known world.
    best: Option<Vec<f64>>,
    oracle: Option<Vec<f64>>,
}

impl Measured {
    fn new(
        weights: &[f64; Q],
        data: &Dataset,
        split: &Split,
        generated_by: Option<&GeneratorParams>,
    ) -> Measured {
        let (rows, in_sample) = split.evaluation_rows();
        let known = generated_by.zip(data.latent.as_ref());
        Measured {
            y: rows.iter().map(|&i| data.converted[i]).collect(),
            p: predict(weights, data, rows),
            in_sample,
            best: known.map(|(params, _)| noise_averaged(params, data, rows)),
            oracle: known.map(|(_, l)| rows.iter().map(|&i| l.probability[i]).collect()),
        }
    }

    fn truth(&self) -> Option<Truth<'_>> {
        self.best
            .as_deref()
            .zip(self.oracle.as_deref())
            .map(|(best, oracle)| Truth { best, oracle })
    }
}

/// Measures the model with raw `weights` (intercept last) on `split`'s
/// evaluation users of `data`: the held-out ones, or every training user
/// (in-sample, and said so) without a split. `generated_by` is the
/// parameters that drew `data`, when they are known: then q(x) and each
/// user's true p give the ceilings and judge the policies.
pub fn evaluate_model(
    weights: &[f64; Q],
    data: &Dataset,
    split: &Split,
    options: &EvaluateOptions,
    generated_by: Option<&GeneratorParams>,
) -> Evaluation {
    let measured = Measured::new(weights, data, split, generated_by);
    let (y, p, truth) = (&measured.y, &measured.p, measured.truth());
    // Where there are cores, the figures read user by user are worked out
    // while the users are sorted; then the metrics and the decisions read
    // the same orders side by side.
    let (orders, pointwise) = join(
        y.len(),
        || Orders::new(p, truth),
        || Pointwise::new(y, p, truth, options.threshold),
    );
    let (metrics, ranking) = join(
        y.len(),
        || evaluate(y, &orders, pointwise, measured.in_sample),
        || Ranking::in_orders(y, truth, &orders),
    );
    Evaluation {
        metrics,
        bands: ranking.bands(options.thresholds, options.economics),
        judged_by: ranking.judged_by(),
        policies: options.economics.map(|e| ranking.policies(e)),
    }
}

/// The same evaluation users ranked once, for decisions read at any
/// threshold: the bands, profits and gains of [`evaluate_model`], bit for
/// bit. The flag says whether they are the training users (no split).
pub fn rank_model(
    weights: &[f64; Q],
    data: &Dataset,
    split: &Split,
    generated_by: Option<&GeneratorParams>,
) -> (Ranking, bool) {
    let measured = Measured::new(weights, data, split, generated_by);
    (
        Ranking::new(&measured.y, &measured.p, measured.truth()),
        measured.in_sample,
    )
}
