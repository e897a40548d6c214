//! The baseline model: a logistic regression on the five numeric signals and
//! the tier (one-hot, `tier_1` the reference), fitted by full-batch gradient
//! descent.
//!
//! Three types, as in linfa: [`FitParams`] (what a person asked for),
//! [`ValidFitParams`] (checked) and [`FittedModel`] (what came out). A
//! [`Fitter`] runs the descent a given number of iterations at a time.

mod design;
pub mod evaluation;
mod features;
mod fitted;
mod fitter;
mod kernels;
mod linalg;
mod params;
mod split;

pub use evaluation::{evaluate_model, EvaluateOptions, Evaluation};
pub use features::{feature_vector, FEATURES};
pub use fitted::FittedModel;
pub use fitter::{FitProgress, Fitter};
pub use params::{FitError, FitParams, StopReason, ValidFitParams, MAX_ITERATIONS};
pub use split::Split;

use crate::world::dataset::Dataset;

/// Fits to the end in one call; returns the model and the split it used.
pub fn fit(data: &Dataset, params: &FitParams) -> Result<(FittedModel, Split), FitError> {
    let valid = params.validate()?;
    let mut fitter = Fitter::new(data, &valid)?;
    fitter.run();
    Ok((fitter.model(), fitter.split().clone()))
}
