//! What a fit produced: the model in raw and standardized units, how sure it
//! is of each weight, and how it got there.

use serde::{Deserialize, Serialize};

use super::features::{feature_vector, FEATURES, P, Q};
use super::intervals::Intervals;
use super::params::{Optimizer, Pace, Separation, StopReason};
use crate::math::probabilities_of;
use crate::parallel::fill_halves;
use crate::world::dataset::Dataset;

/// Where a fit started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// From weights 0 and the base rate: what **Fit** and `conversion fit`
    /// do, so the same data and options give the same bits.
    Cold,
    /// From the weights of an earlier fit (the world moved under it): fast,
    /// and the same optimum within the tolerance, but not the same bits.
    Warm,
}

/// What a fit produced.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FittedModel {
    /// Weights per unit of each feature, in [`FEATURES`] order.
    pub coefficients: [f64; P],
    /// Log-odds of a user with every feature 0 (raw units).
    pub intercept: f64,
    /// Weights per standard deviation of each feature.
    pub standardized_coefficients: [f64; P],
    /// Log-odds of an average user.
    pub standardized_intercept: f64,
    /// Training means and standard deviations (the scaler).
    pub mean: [f64; P],
    pub std_dev: [f64; P],
    /// False for an input left out of the model or constant in the
    /// training users: its weight is 0 and says nothing.
    pub used: [bool; P],
    pub optimizer: Optimizer,
    pub start: Start,
    pub iterations: usize,
    /// What the descent minimised at the last iteration: the mean training
    /// log-loss plus the L2 penalty (the plain log-loss without L2).
    pub objective: f64,
    /// Mean training log-loss at the final weights, without any penalty
    /// (`None` until the fit stops).
    pub training_log_loss: Option<f64>,
    pub gradient_norm: f64,
    pub stop: StopReason,
    /// How the descent was going at its last iterations (overshooting or
    /// crawling tell that the learning rate is wrong).
    pub pace: Option<Pace>,
    /// Set when the data let no finite weights maximise the likelihood.
    pub separation: Option<Separation>,
    /// 95% intervals, once the fit has stopped (`None` while running, for
    /// one class, or when the curvature is singular).
    pub intervals: Option<Intervals>,
    pub warnings: Vec<String>,
    pub training_rows: usize,
}

/// Predicted probability of users `rows` of `data` under raw `weights`
/// (intercept last).
pub fn predict(weights: &[f64; Q], data: &Dataset, rows: &[usize]) -> Vec<f64> {
    const BLOCK: usize = 1024;
    let mut probabilities = vec![0.0; rows.len()];
    // Each user's probability depends on their row alone: the two halves
    // side by side give the same bits as one pass.
    fill_halves(&mut probabilities, |start, out| {
        let mut scores = [0.0f64; BLOCK];
        let rows = &rows[start..start + out.len()];
        for (out, rows) in out.chunks_mut(BLOCK).zip(rows.chunks(BLOCK)) {
            let scores = &mut scores[..rows.len()];
            for (s, &i) in scores.iter_mut().zip(rows) {
                let x = feature_vector(&data.features(i));
                *s = weights[P] + weights[..P].iter().zip(&x).map(|(w, v)| w * v).sum::<f64>();
            }
            // The same bits as `sigmoid` of each score, in vectorised loops.
            probabilities_of(scores, out);
        }
    });
    probabilities
}

/// One weight as the page's table and the CLI show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WeightRow {
    /// A name from [`FEATURES`], or `intercept`.
    pub feature: &'static str,
    /// Per unit (the intercept: log-odds of a `tier_1` user with every
    /// signal 0).
    pub weight: f64,
    /// How the odds of converting multiply per unit (`None` for the
    /// intercept).
    pub odds_ratio: Option<f64>,
    /// Per standard deviation of the training users (the intercept: the
    /// average user's log-odds).
    pub per_sd: f64,
    /// False when the input is left out or constant.
    pub used: bool,
    /// The 95% interval per unit, when known.
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// The interval of the odds ratio.
    pub odds_low: Option<f64>,
    pub odds_high: Option<f64>,
}

impl FittedModel {
    /// Log-odds of conversion for raw features.
    pub fn score(&self, x: &[f64; P]) -> f64 {
        self.intercept
            + self
                .coefficients
                .iter()
                .zip(x)
                .map(|(w, v)| w * v)
                .sum::<f64>()
    }

    /// Predicted probability of users `rows` of `data`.
    pub fn predict(&self, data: &Dataset, rows: &[usize]) -> Vec<f64> {
        predict(&self.weights(), data, rows)
    }

    /// The weights and the intercept, raw units, intercept last.
    pub fn weights(&self) -> [f64; Q] {
        std::array::from_fn(|k| {
            if k < P {
                self.coefficients[k]
            } else {
                self.intercept
            }
        })
    }

    /// Each weight, then the intercept, as a table row.
    pub fn weight_rows(&self) -> Vec<WeightRow> {
        let per_sd: [f64; Q] = std::array::from_fn(|k| {
            if k < P {
                self.standardized_coefficients[k]
            } else {
                self.standardized_intercept
            }
        });
        weight_rows(
            &self.weights(),
            &per_sd,
            &self.used,
            self.intervals.as_ref(),
        )
    }
}

/// Table rows of raw `weights` and `per_sd` weights (intercept last), with
/// `intervals` when known; inputs not `used` are marked.
pub fn weight_rows(
    weights: &[f64; Q],
    per_sd: &[f64; Q],
    used: &[bool; P],
    intervals: Option<&Intervals>,
) -> Vec<WeightRow> {
    (0..Q)
        .map(|k| {
            let is_weight = k < P;
            let in_model = !is_weight || used[k];
            let interval = intervals.filter(|_| in_model);
            let low = interval.map(|i| i.low[k]);
            let high = interval.map(|i| i.high[k]);
            WeightRow {
                feature: if is_weight { FEATURES[k] } else { "intercept" },
                weight: weights[k],
                odds_ratio: is_weight.then(|| libm::exp(weights[k])),
                per_sd: per_sd[k],
                used: in_model,
                low,
                high,
                odds_low: low.filter(|_| is_weight).map(libm::exp),
                odds_high: high.filter(|_| is_weight).map(libm::exp),
            }
        })
        .collect()
}
