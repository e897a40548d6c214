//! How to fit, as a person asked for it ([`FitParams`]), checked
//! ([`ValidFitParams`]); why a fit fails ([`FitError`]), why it stopped
//! ([`StopReason`]), how it is going ([`Pace`]) and whether the data let the
//! weights exist at all ([`Separation`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::features::Signal;
use crate::errors::{field_error, got, got_number};
use crate::input::{got_value, Object};

/// How the descent moves: the lesson of the optimiser choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Optimizer {
    /// Plain gradient descent on standardized features, a fixed step (the
    /// learning rate): too high overshoots and diverges, too low crawls.
    Gd,
    /// Gradient descent with Nesterov momentum on standardized features, the
    /// same learning rate: each step remembers the last one.
    Nesterov,
    /// Nesterov momentum in whitened coordinates, the step derived from the
    /// data (no learning rate): about 24 steps whatever the data (default).
    #[default]
    Whitened,
}

impl Optimizer {
    /// Every optimiser, for messages and the page's choice.
    pub const ALL: [Optimizer; 3] = [Optimizer::Gd, Optimizer::Nesterov, Optimizer::Whitened];

    /// The name in options, the CLI and files.
    pub fn as_str(self) -> &'static str {
        match self {
            Optimizer::Gd => "gd",
            Optimizer::Nesterov => "nesterov",
            Optimizer::Whitened => "whitened",
        }
    }

    /// The optimiser of that name.
    pub fn parse(name: &str) -> Option<Optimizer> {
        Optimizer::ALL.into_iter().find(|o| o.as_str() == name)
    }

    /// True when the step is the person's learning rate.
    pub fn uses_learning_rate(self) -> bool {
        self != Optimizer::Whitened
    }
}

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
    /// How the descent moves (default whitened).
    pub optimizer: Optimizer,
    /// Step size of `gd` and `nesterov` on the standardized features
    /// (default 1; whitened descent derives its own step).
    pub learning_rate: f64,
    /// Signals left out of the model (default none): their weights stay 0.
    pub leave_out: Vec<Signal>,
}

impl Default for FitParams {
    fn default() -> Self {
        FitParams {
            test_fraction: 0.2,
            split_seed: 42,
            l2: 0.0,
            tolerance: 1e-6,
            max_iterations: 5_000,
            optimizer: Optimizer::Whitened,
            learning_rate: 1.0,
            leave_out: Vec::new(),
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

/// Smallest and largest learning rate: beyond them a step is either nothing
/// or an explosion, and the lesson is the same.
pub const LEARNING_RATES: (f64, f64) = (1e-4, 1e3);

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
        if let Some(name) = o.string("optimizer")? {
            params.optimizer = Optimizer::parse(name).ok_or_else(|| {
                FitError::new(
                    "optimizer",
                    format!("must be one of gd, nesterov, whitened {}", got(name)),
                )
            })?;
        }
        if let Some(x) = o.number("learningRate")? {
            params.learning_rate = x;
        }
        if let Some(value) = o.value("leaveOut") {
            params.leave_out = signals(value)?;
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
        let (lowest, highest) = LEARNING_RATES;
        if !(lowest..=highest).contains(&self.learning_rate) {
            return bad(
                "learningRate",
                format!(
                    "must be from {lowest} to {highest} {}",
                    got_number(self.learning_rate)
                ),
            );
        }
        for (k, signal) in self.leave_out.iter().enumerate() {
            if self.leave_out[..k].contains(signal) {
                return bad("leaveOut", format!("names {} twice", signal.as_str()));
            }
        }
        Ok(ValidFitParams(self.clone()))
    }
}

/// A JSON list of signal names.
fn signals(value: &Value) -> Result<Vec<Signal>, FitError> {
    let names = Signal::ALL.map(Signal::as_str).join(", ");
    let list = value.as_array().ok_or_else(|| {
        FitError::new(
            "leaveOut",
            format!("must be a list of signals {}", got_value(value)),
        )
    })?;
    list.iter()
        .enumerate()
        .map(|(k, item)| {
            item.as_str().and_then(Signal::parse).ok_or_else(|| {
                FitError::new(
                    format!("leaveOut[{k}]"),
                    format!("must be one of {names} {}", got_value(item)),
                )
            })
        })
        .collect()
}

/// Why a fit stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Still running (a stepwise fit between steps).
    Running,
    /// The gradient norm fell below the tolerance.
    Converged,
    /// The iteration cap came first. (Model files of schema 1 said
    /// `looks_separable` for a cap on separable data; they read as this, and
    /// the separation is reported apart, see [`Separation`].)
    #[serde(alias = "looks_separable")]
    IterationCap,
    /// The loss rose far above where it started (or stopped being a
    /// number): the learning rate is too high. The weights are the last
    /// finite ones.
    Diverged,
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
            StopReason::Diverged => {
                "diverged: the loss rose instead of falling, so the learning rate is too high"
            }
            StopReason::OneClass => {
                "every training user has the same label: only the rate can be learned"
            }
        }
    }
}

/// How a descent is going, read from its recent losses: what the page says
/// about the learning rate while it runs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Pace {
    /// The loss falls steadily, fast enough to converge within the cap.
    Steady,
    /// The loss rose in several of the last iterations: the steps overshoot
    /// the minimum (learning rate too high).
    Overshooting,
    /// The loss falls, but at this pace the fit needs about
    /// `iterations_needed` more iterations than the cap leaves (learning
    /// rate too low).
    #[serde(rename_all = "camelCase")]
    Crawling { iterations_needed: f64 },
}

impl Pace {
    /// In words, for people.
    pub fn describe(self) -> String {
        match self {
            Pace::Steady => "the loss falls steadily".into(),
            Pace::Overshooting => "overshooting: the loss rose in several of the last steps, so the learning rate is too high".into(),
            Pace::Crawling { iterations_needed } => format!(
                "crawling: at this pace the fit needs about {} more iterations, so the learning rate is too low",
                crate::errors::number(libm::round(iterations_needed))
            ),
        }
    }
}

/// Whether the training users can be split perfectly by some setting of
/// the weights, in which case the likelihood has no maximum: the weights
/// grow without bound the longer the fit runs, and their size means nothing.
/// Checked whatever stopped the fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Separation {
    /// The model puts every training user on the side of 0.5 of their label.
    Separable,
    /// Some group of users is almost perfectly predicted: a weight is huge
    /// (over 5 per standard deviation) or its standard error is.
    NearlySeparable,
}

impl Separation {
    /// In words, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Separation::Separable => "the data are perfectly separable: every training user is on the right side of 0.5, so no finite weights maximise the likelihood; they grow the longer the fit runs and their size (and odds ratios) mean nothing",
            Separation::NearlySeparable => "the data look nearly separable: some group of users is almost perfectly predicted, so a weight is huge and poorly determined; read its size (and odds ratio) as \"very large\", nothing more",
        }
    }
}
