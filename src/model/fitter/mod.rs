//! The gradient-descent fit, a given number of iterations at a time, so a
//! page can animate it, cancel it (drop it) and warm-start it when the world
//! moves.
//!
//! Three ways to descend, the lesson of the optimiser choice
//! ([`Optimizer`]): plain gradient descent and Nesterov momentum on the
//! standardized features with a person's learning rate, and the default,
//! Nesterov momentum in *whitened* coordinates (the standardized design
//! times the inverse Cholesky factor of its Gram matrix). Whitening is only a
//! change of variables, so the objective and its minimum are the same, but
//! every direction then has the same scale, the Lipschitz constant of the
//! gradient is exactly 1/4 (plus the L2 term) and the step 1/L comes from the
//! data: tens of iterations where plain descent on correlated features needs
//! thousands. The plain optimisers are the same loop with the identity for
//! the whitening factor and the learning rate for the step.

// Small dense matrix maths (8×8) reads clearest with index loops.
#![allow(clippy::needless_range_loop)]

mod geometry;
mod progress;
mod settle;
mod warm;

pub use progress::FitProgress;

use geometry::whitening;
use settle::Settled;

use super::design::{Design, Labels};
use super::features::{included, FEATURES, P, Q};
use super::fitted::{FittedModel, Start};
use super::intervals::{intervals, Intervals};
use super::kernels::PARTS;
use super::linalg::{cholesky, norm, solve_lower_transposed, solve_upper};
use super::params::{FitError, FitParams, Optimizer, Pace, Separation, StopReason, ValidFitParams};
use super::split::Split;
use crate::world::dataset::Dataset;

/// The loss at which a descent counts as diverged: this many times the
/// loss it started from (plus 1, for losses near 0).
const DIVERGED_FACTOR: f64 = 4.0;

/// A point a warm start's Newton-like descent kept: where to retry from.
#[derive(Clone, Debug)]
struct Accepted {
    beta: [f64; Q],
    gradient: [f64; Q],
    loss: f64,
    gradient_norm: f64,
}

/// How the descent moves: the whitening factor (standardized β = R⁻¹ θ),
/// the step and whether it uses momentum.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    r: [[f64; Q]; Q],
    step: f64,
    momentum: bool,
    /// True when R whitens the curvature at the start (a warm start):
    /// steps are then Newton-like, and a step that raises the loss falls
    /// back to the optimiser's own geometry.
    curvature: bool,
}

/// A gradient-descent fit in progress. Advance it with [`Fitter::step`];
/// read the model so far with [`Fitter::model`].
#[derive(Clone, Debug)]
pub struct Fitter {
    params: FitParams,
    design: Design,
    /// The held-out users on the training scale, when their loss is tracked.
    held_out: Option<Design>,
    /// Which users train the model and which are held out.
    split: Split,
    /// How the descent moves now.
    geometry: Geometry,
    /// The optimiser's own geometry: the Gram whitening and 1/L for the
    /// default, the identity and the learning rate for the plain ones.
    base: Geometry,
    theta: [f64; Q],
    previous: [f64; Q],
    momentum_k: usize,
    iterations: usize,
    history: Vec<f64>,
    held_out_history: Vec<f64>,
    gradient_history: Vec<f64>,
    /// The objective at the starting point: the yardstick of divergence.
    start_loss: f64,
    gradient_norm: f64,
    stop: StopReason,
    start: Start,
    /// A warm start's last kept point (Newton-like steps only).
    accepted: Option<Accepted>,
    /// Tries since then that did not lower the objective.
    retries: usize,
    settled: Option<Settled>,
    warnings: Vec<String>,
}

/// Where a descent starts.
enum StartPoint<'a> {
    /// Weights 0 and the training base rate.
    BaseRate,
    /// Raw weights, intercept last (an earlier model).
    Raw(&'a [f64; Q]),
    /// The current point, kept (the same design, new labels).
    Kept,
}

impl Fitter {
    /// Prepares a cold fit of `data` (split, standardized, whitened for the
    /// default optimiser), starting from weights 0 and the base rate. Fails
    /// only when there is nothing to fit.
    pub fn new(data: &Dataset, params: &ValidFitParams) -> Result<Fitter, FitError> {
        let mut fitter = Fitter::prepare(data, params)?;
        fitter.begin(StartPoint::BaseRate);
        Ok(fitter)
    }

    fn prepare(data: &Dataset, params: &ValidFitParams) -> Result<Fitter, FitError> {
        let p = params.get();
        if data.is_empty() {
            return Err(FitError::new(
                "data",
                "have no rows: there is nothing to fit",
            ));
        }
        let split = Split::new(data.len(), p.test_fraction, p.split_seed);
        let used = included(&p.leave_out);
        let design = Design::new(data, &split.train, used);
        let mut warnings = Vec::new();
        let n = design.rows();
        if n < 50 {
            warnings.push(format!(
                "tiny dataset: only {n} training users, so the weights are unreliable"
            ));
        }
        for (j, name) in FEATURES.iter().enumerate() {
            if used[j] && !design.active[j] {
                warnings.push(format!(
                    "{name} is constant in the training users: its weight stays 0"
                ));
            }
        }
        let mut identity = [[0.0; Q]; Q];
        for (k, row) in identity.iter_mut().enumerate() {
            row[k] = 1.0;
        }
        let (r, step, momentum) = match p.optimizer {
            Optimizer::Whitened => {
                let (r, step) = whitening(&design, p.l2)?;
                (r, step, true)
            }
            Optimizer::Nesterov => (identity, p.learning_rate, true),
            Optimizer::Gd => (identity, p.learning_rate, false),
        };
        let base = Geometry {
            r,
            step,
            momentum,
            curvature: false,
        };
        Ok(Fitter {
            params: p.clone(),
            design,
            held_out: None,
            split,
            geometry: base,
            base,
            theta: [0.0; Q],
            previous: [0.0; Q],
            momentum_k: 0,
            iterations: 0,
            history: Vec::new(),
            held_out_history: Vec::new(),
            gradient_history: Vec::new(),
            start_loss: f64::NAN,
            gradient_norm: f64::INFINITY,
            stop: StopReason::Running,
            start: Start::Cold,
            accepted: None,
            retries: 0,
            settled: None,
            warnings,
        })
    }

    /// Tracks the held-out users' log-loss after every iteration (the
    /// page's live chart). Call before stepping.
    pub fn with_held_out_history(mut self, data: &Dataset) -> Fitter {
        if !self.split.test.is_empty() {
            let scaler = self.design.scaler();
            self.held_out = Some(Design::scaled(
                data,
                &self.split.test,
                &scaler,
                Labels::Converted,
            ));
        }
        self
    }

    /// Resets the descent to start from `point`.
    fn begin(&mut self, point: StartPoint<'_>) {
        // Back to the optimiser's own geometry, keeping the current point.
        let kept = self.standardized(&self.theta);
        self.geometry = self.base;
        self.accepted = None;
        self.retries = 0;
        self.iterations = 0;
        self.history.clear();
        self.held_out_history.clear();
        self.gradient_history.clear();
        self.gradient_norm = f64::INFINITY;
        self.stop = StopReason::Running;
        self.settled = None;
        self.momentum_k = 0;
        let n = self.design.rows();
        let positives = self.design.y.iter().filter(|&&y| y > 0.5).count();
        if positives == 0 || positives == n {
            self.one_class(positives == n);
            return;
        }
        let base_rate = || {
            let rate = positives as f64 / n as f64;
            let mut beta = [0.0; Q];
            beta[P] = libm::log(rate / (1.0 - rate));
            beta
        };
        let theta = match point {
            StartPoint::Kept if kept.iter().all(|t| t.is_finite()) => self.whiten(&kept),
            StartPoint::Raw(w) if w.iter().all(|t| t.is_finite()) => {
                let beta = self.standardize_raw(w);
                self.whiten(&beta)
            }
            _ => self.whiten(&base_rate()),
        };
        self.theta = theta;
        self.previous = theta;
        self.start_loss = self.objective(&self.standardized(&theta)).0;
    }

    /// Objective (mean log-loss + L2) and its gradient, in standardized β.
    fn objective(&self, beta: &[f64; Q]) -> (f64, [f64; Q]) {
        let (mut loss, mut grad) = self.design.loss_and_gradient(beta);
        if self.params.l2 > 0.0 {
            for j in 0..P {
                loss += 0.5 * self.params.l2 * beta[j] * beta[j];
                grad[j] += self.params.l2 * beta[j];
            }
        }
        for j in 0..P {
            if !self.design.active[j] {
                grad[j] = 0.0;
            }
        }
        (loss, grad)
    }

    /// Runs up to `iterations` more iterations and reports progress (the
    /// histories of these iterations only: see [`Fitter::progress_since`]).
    pub fn step(&mut self, iterations: usize) -> FitProgress {
        let from = self.iterations;
        for _ in 0..iterations {
            if self.stop != StopReason::Running {
                break;
            }
            if self.iterations >= self.params.max_iterations {
                self.finish(StopReason::IterationCap);
                break;
            }
            self.iterate();
        }
        if self.stop == StopReason::Running && self.iterations >= self.params.max_iterations {
            self.finish(StopReason::IterationCap);
        }
        self.progress_since(from)
    }

    /// One iteration: gradient descent from the current point, or from the
    /// momentum's look-ahead point y = θ + (k−1)/(k+2)·(θ − θ_prev).
    /// Counts one iteration: its training loss, gradient norm and (when
    /// asked for) held-out loss join the histories. True when the gradient
    /// fell below the tolerance: the caller finishes as converged.
    fn record(&mut self, loss: f64, gradient_norm: f64, beta: &[f64; Q]) -> bool {
        self.iterations += 1;
        self.history.push(loss);
        self.gradient_history.push(gradient_norm);
        if let Some(h) = &self.held_out {
            self.held_out_history.push(h.loss_and_gradient(beta).0);
        }
        self.gradient_norm = gradient_norm;
        gradient_norm < self.params.tolerance
    }

    fn iterate(&mut self) {
        if self.geometry.curvature {
            self.newton_iterate();
            return;
        }
        let mut ahead = self.theta;
        if self.geometry.momentum {
            let k = self.momentum_k as f64;
            for i in 0..Q {
                ahead[i] += (k - 1.0).max(0.0) / (k + 2.0) * (self.theta[i] - self.previous[i]);
            }
        }
        let beta = self.standardized(&ahead);
        let (loss, grad_beta) = self.objective(&beta);
        let gradient_norm = norm(&grad_beta);
        if !loss.is_finite() || !gradient_norm.is_finite() {
            // The weights stay at the last finite point: never a NaN on screen.
            self.finish(StopReason::Diverged);
            return;
        }
        if self.record(loss, gradient_norm, &beta) {
            self.theta = ahead;
            self.previous = ahead;
            self.finish(StopReason::Converged);
            return;
        }
        if loss > DIVERGED_FACTOR * self.start_loss + 1.0 {
            self.theta = ahead;
            self.finish(StopReason::Diverged);
            return;
        }
        let grad_theta = solve_lower_transposed(&self.geometry.r, &grad_beta);
        let mut next = ahead;
        for i in 0..Q {
            next[i] -= self.geometry.step * grad_theta[i];
        }
        if next.iter().any(|t| !t.is_finite()) {
            self.theta = ahead;
            self.finish(StopReason::Diverged);
            return;
        }
        // Restart the momentum when it points uphill (O'Donoghue & Candès).
        let uphill: f64 = (0..Q)
            .map(|i| grad_theta[i] * (next[i] - self.theta[i]))
            .sum();
        self.previous = self.theta;
        self.theta = next;
        self.momentum_k = if uphill > 0.0 { 0 } else { self.momentum_k + 1 };
    }

    /// Sets how many threads each iteration runs on natively (default: the
    /// machine's cores, at most 4, for 65,536 training rows or more; always 1
    /// in the browser). The result is the same, bit for bit, for any count.
    pub fn with_threads(mut self, threads: usize) -> Fitter {
        self.design.threads = if cfg!(target_arch = "wasm32") {
            1
        } else {
            threads.clamp(1, PARTS)
        };
        self
    }

    /// Threads each iteration runs on.
    pub fn threads(&self) -> usize {
        self.design.threads
    }

    /// Which users train the model and which are held out.
    pub fn split(&self) -> &Split {
        &self.split
    }

    /// The options this fit runs with.
    pub fn params(&self) -> &FitParams {
        &self.params
    }

    /// Runs to the end (convergence, cap, divergence or one class).
    pub fn run(&mut self) -> FitProgress {
        while self.stop == StopReason::Running {
            self.step(256);
        }
        self.progress()
    }

    /// The model at the current point, in raw and standardized units.
    pub fn model(&self) -> FittedModel {
        let beta = self.standardized(&self.theta);
        let (coefficients, intercept) = self.raw(&beta);
        let d = &self.design;
        let settled = self.settled.as_ref();
        FittedModel {
            coefficients,
            intercept,
            standardized_coefficients: beta[..P].try_into().expect("P coefficients"),
            standardized_intercept: beta[P],
            mean: d.mean,
            std_dev: d.std_dev,
            used: d.active,
            optimizer: self.params.optimizer,
            start: self.start,
            iterations: self.iterations,
            objective: self.history.last().copied().unwrap_or(self.start_loss),
            training_log_loss: settled.map(|s| s.training_log_loss),
            gradient_norm: self.gradient_norm,
            stop: self.stop,
            pace: self.pace(),
            separation: settled.and_then(|s| s.separation),
            intervals: settled.and_then(|s| s.intervals.clone()),
            warnings: self.warnings.clone(),
            training_rows: d.rows(),
        }
    }
}

#[cfg(test)]
mod tests;
