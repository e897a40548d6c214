//! The baseline model: a logistic regression on the five numeric signals and
//! the tier (one-hot, `tier_1` the reference), fitted by full-batch gradient
//! descent.
//!
//! Three types, as in linfa: [`FitParams`] (what a person asked for),
//! [`ValidFitParams`] (checked) and [`FittedModel`] (what came out). A
//! [`Fitter`] runs the descent a given number of iterations at a time;
//! [`LiveFit`] ties one to the world it fits. [`fit_probabilities`] fits the
//! same model to known probabilities (the best-possible model of
//! [`crate::world::truth`]).

mod design;
pub mod evaluation;
mod features;
mod fitted;
mod fitter;
mod fractional;
mod intervals;
mod kernels;
mod linalg;
mod live;
mod params;
mod reroll;
mod split;
mod standardize;
mod truth_live;

pub use evaluation::{evaluate_model, rank_model, EvaluateOptions, Evaluation};
pub use features::{feature_vector, included, Signal, FEATURES, P, Q};
pub use fitted::{predict, weight_rows, FittedModel, Start, WeightRow};
pub use fitter::{FitProgress, Fitter};
pub use fractional::{fit_probabilities, ProbabilityFit};
pub use intervals::{Intervals, Z_95};
pub use live::{decisions_on_world, evaluate_on_world, scored_csv_on_world, Follow, LiveFit};
pub use params::{
    FitError, FitParams, Optimizer, Pace, Separation, StopReason, ValidFitParams, LEARNING_RATES,
    MAX_ITERATIONS,
};
pub use reroll::{fit_seed, SeedFit};
pub use split::Split;
pub use truth_live::{LiveTruth, TruthView};

use crate::world::dataset::Dataset;

/// Fits to the end in one call, from a cold start; returns the model and the
/// split it used.
pub fn fit(data: &Dataset, params: &FitParams) -> Result<(FittedModel, Split), FitError> {
    let valid = params.validate()?;
    let mut fitter = Fitter::new(data, &valid)?;
    fitter.run();
    Ok((fitter.model(), fitter.split().clone()))
}
