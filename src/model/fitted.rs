//! What a fit produced: the model in raw and standardized units.

use serde::Serialize;

use super::features::{feature_vector, P};
use super::params::StopReason;
use crate::math::sigmoid;
use crate::world::dataset::Dataset;

/// What a fit produced.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FittedModel {
    /// Weights per unit of each feature, in [`super::FEATURES`] order.
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
    pub iterations: usize,
    /// Mean training log-loss (with the L2 term) at the last iteration.
    pub final_loss: f64,
    pub gradient_norm: f64,
    pub stop: StopReason,
    pub warnings: Vec<String>,
    pub training_rows: usize,
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
        rows.iter()
            .map(|&i| sigmoid(self.score(&feature_vector(&data.features(i)))))
            .collect()
    }
}
