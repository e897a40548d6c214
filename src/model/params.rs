//! How to fit, as a person asked for it ([`FitParams`]), checked
//! ([`ValidFitParams`]); why a fit fails ([`FitError`]) and why it stopped
//! ([`StopReason`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::errors::{field_error, got, got_number};
use crate::input::Object;

/// How to fit, as a person asked for it. `Default` is the baseline model's
/// settings, the CLI's and the page's defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct FitParams {
    /// Share of users held out for the metrics (default 0.2). 0 fits on
    /// every user, and the metrics are then in-sample.
    pub test_fraction: f64,
    /// Seed of the train/test split (default 42).
    pub split_seed: u64,
    /// L2 penalty on the standardized weights, not the intercept (default 0, off).
    pub l2: f64,
    /// Stop when the gradient norm on the standardized scale falls below
    /// this (default 1e-6).
    pub tolerance: f64,
    /// Stop after this many iterations at the latest (default 5,000).
    pub max_iterations: usize,
}

impl Default for FitParams {
    fn default() -> Self {
        FitParams {
            test_fraction: 0.2,
            split_seed: 42,
            l2: 0.0,
            tolerance: 1e-6,
            max_iterations: 5_000,
        }
    }
}

field_error!(
    /// A fitting problem, named by the option (`testFraction`, `l2`, …) or by
    /// `data` when the data are at fault.
    FitError
);

/// Largest `maxIterations`.
pub const MAX_ITERATIONS: usize = 1_000_000;

/// Fit parameters that passed validation.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidFitParams(FitParams);

impl ValidFitParams {
    /// The checked parameters.
    pub fn get(&self) -> &FitParams {
        &self.0
    }
}

impl FitParams {
    /// Reads fit options from a JSON object (as the page sends them): every
    /// field optional, none unknown. Check the result with
    /// [`FitParams::validate`].
    pub fn from_value(value: &Value) -> Result<FitParams, FitError> {
        let mut params = FitParams::default();
        if value.is_null() {
            return Ok(params);
        }
        let mut o = Object::new(value, "", "fitOptions")?;
        if let Some(x) = o.number("testFraction")? {
            params.test_fraction = x;
        }
        if let Some(n) = o.whole("splitSeed")? {
            params.split_seed = n;
        }
        if let Some(x) = o.number("l2")? {
            params.l2 = x;
        }
        if let Some(x) = o.number("tolerance")? {
            params.tolerance = x;
        }
        if let Some(n) = o.whole("maxIterations")? {
            params.max_iterations = usize::try_from(n).unwrap_or(usize::MAX);
        }
        o.finish()?;
        Ok(params)
    }

    /// Checks every parameter, naming the one at fault.
    pub fn validate(&self) -> Result<ValidFitParams, FitError> {
        let bad = |field: &str, problem: String| Err(FitError::new(field, problem));
        if !(0.0..1.0).contains(&self.test_fraction) {
            return bad(
                "testFraction",
                format!(
                    "must be at least 0 and below 1 {}",
                    got_number(self.test_fraction)
                ),
            );
        }
        if !self.l2.is_finite() || self.l2 < 0.0 {
            return bad(
                "l2",
                format!("must be a finite number, 0 or more {}", got_number(self.l2)),
            );
        }
        if !self.tolerance.is_finite() || self.tolerance <= 0.0 {
            return bad(
                "tolerance",
                format!(
                    "must be a finite number above 0 {}",
                    got_number(self.tolerance)
                ),
            );
        }
        if self.max_iterations == 0 || self.max_iterations > MAX_ITERATIONS {
            return bad(
                "maxIterations",
                format!(
                    "must be from 1 to {MAX_ITERATIONS} {}",
                    got(self.max_iterations)
                ),
            );
        }
        Ok(ValidFitParams(self.clone()))
    }
}

/// Why a fit stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Still running (a stepwise fit between steps).
    Running,
    /// The gradient norm fell below the tolerance.
    Converged,
    /// The iteration cap came first.
    IterationCap,
    /// The iteration cap came first and the classes look perfectly
    /// separable: the weights grow without bound.
    LooksSeparable,
    /// Every training user has the same label: nothing to learn but the rate.
    OneClass,
}

impl StopReason {
    /// In words, for people.
    pub fn describe(self) -> &'static str {
        match self {
            StopReason::Running => "still fitting",
            StopReason::Converged => "converged (gradient below the tolerance)",
            StopReason::IterationCap => "stopped at the iteration cap before converging",
            StopReason::LooksSeparable => "stopped at the iteration cap: the data look perfectly separable, so the weights grow without bound",
            StopReason::OneClass => "every training user has the same label: only the rate can be learned",
        }
    }
}
