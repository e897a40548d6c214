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

use serde::Serialize;

use super::design::{Design, Labels};
use super::features::{included, FEATURES, P, Q};
use super::fitted::{FittedModel, Start};
use super::intervals::{intervals, Intervals, METHOD};
use super::kernels::PARTS;
use super::linalg::{cholesky, norm, solve_lower_transposed, solve_upper};
use super::params::{FitError, FitParams, Optimizer, Pace, Separation, StopReason, ValidFitParams};
use super::split::Split;
use crate::world::dataset::Dataset;

/// The loss at which a descent counts as diverged: this many times the
/// loss it started from (plus 1, for losses near 0).
const DIVERGED_FACTOR: f64 = 4.0;
/// Iterations the pace is judged over.
const PACE_WINDOW: usize = 10;
/// A standardized weight beyond this (odds × e^5 ≈ 150 per standard
/// deviation), or a standardized standard error beyond [`HUGE_ERROR`],
/// means a group of users is (nearly) perfectly predicted.
const HUGE_WEIGHT: f64 = 5.0;
const HUGE_ERROR: f64 = 3.0;

/// Progress of a stepwise fit.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FitProgress {
    /// Iterations run so far.
    pub iterations: usize,
    /// The iteration the histories below start after (0: from the start).
    pub history_from: usize,
    /// What the descent minimised after each iteration (mean training
    /// log-loss, plus the L2 term when there is one).
    pub loss_history: Vec<f64>,
    /// Mean log-loss of the held-out users at the same weights (empty
    /// without held-out tracking or held-out users).
    pub held_out_history: Vec<f64>,
    /// Gradient norm on the standardized scale at the current point.
    pub gradient_norm: f64,
    pub stop: StopReason,
    /// How the descent is going (`None` before enough iterations).
    pub pace: Option<Pace>,
    /// True once the fit has stopped (converged, capped, diverged or one
    /// class).
    pub done: bool,
}

/// What is known once a fit stops.
#[derive(Clone, Debug)]
struct Settled {
    training_log_loss: f64,
    separation: Option<Separation>,
    intervals: Option<Intervals>,
    /// The mean Hessian at the final point (standardized): a warm start from
    /// here whitens with it.
    hessian: Option<[[f64; Q]; Q]>,
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

    /// Prepares a fit of `data` that starts from `from`'s weights: a warm
    /// start for a world whose users were redrawn (new users, similar
    /// weights). Left-out inputs start at 0.
    pub fn warm(
        data: &Dataset,
        params: &ValidFitParams,
        from: &FittedModel,
    ) -> Result<Fitter, FitError> {
        let mut fitter = Fitter::prepare(data, params)?;
        fitter.begin(StartPoint::Raw(&from.weights()));
        fitter.start = Start::Warm;
        if fitter.stop == StopReason::Running {
            let beta = fitter.standardized(&fitter.theta);
            let hessian = fitter.design.curvature(&beta, false).hessian;
            fitter.whiten_with_curvature(&hessian);
        }
        Ok(fitter)
    }

    /// For the default optimiser, descends from here in coordinates that
    /// whiten the curvature `hessian` at the current point: the objective is
    /// then nearly the identity's bowl, and step 1 is nearly Newton's (2 to 5
    /// steps after a slider move instead of about 20). The plain optimisers
    /// keep their own steps: their slowness is the lesson.
    fn whiten_with_curvature(&mut self, hessian: &[[f64; Q]; Q]) {
        if self.params.optimizer != Optimizer::Whitened {
            return;
        }
        let mut h = *hessian;
        for j in 0..P {
            if self.design.active[j] {
                h[j][j] += self.params.l2;
            } else {
                h[j] = [0.0; Q];
                for row in h.iter_mut() {
                    row[j] = 0.0;
                }
                h[j][j] = 1.0;
            }
        }
        if let Some(r) = cholesky(&h, 1e-12) {
            let beta = self.standardized(&self.theta);
            self.geometry = Geometry {
                r,
                step: 1.0,
                momentum: false,
                curvature: true,
            };
            self.theta = self.whiten(&beta);
            self.previous = self.theta;
            self.momentum_k = 0;
        }
    }

    /// Back to the optimiser's own geometry from the point `theta` (in the
    /// current coordinates).
    fn fall_back(&mut self, theta: [f64; Q]) {
        let beta = self.standardized(&theta);
        self.geometry = self.base;
        self.theta = self.whiten(&beta);
        self.previous = self.theta;
        self.momentum_k = 0;
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

    fn one_class(&mut self, all_converted: bool) {
        let n = self.design.rows() as f64;
        // The best finite intercept a person can read: the rate as if one
        // user in 2n had the other label.
        let rate = if all_converted {
            1.0 - 0.5 / n
        } else {
            0.5 / n
        };
        let mut beta = [0.0; Q];
        beta[P] = libm::log(rate / (1.0 - rate));
        self.theta = self.whiten(&beta);
        self.previous = self.theta;
        let label = if all_converted {
            "converted"
        } else {
            "did not convert"
        };
        self.warnings.push(format!(
            "every training user {label}: the model can only learn the rate, so every weight is 0"
        ));
        let (loss, _) = self.design.loss_and_gradient(&beta);
        self.history.push(loss);
        self.gradient_history.push(0.0);
        if let Some(h) = &self.held_out {
            self.held_out_history.push(h.loss_and_gradient(&beta).0);
        }
        self.start_loss = loss;
        self.gradient_norm = 0.0;
        self.stop = StopReason::OneClass;
        self.settled = Some(Settled {
            training_log_loss: loss,
            separation: None,
            intervals: None,
            hessian: None,
        });
    }

    fn whiten(&self, beta: &[f64; Q]) -> [f64; Q] {
        let mut theta = [0.0; Q];
        for (i, t) in theta.iter_mut().enumerate() {
            *t = (i..Q).map(|k| self.geometry.r[i][k] * beta[k]).sum();
        }
        theta
    }

    fn standardized(&self, theta: &[f64; Q]) -> [f64; Q] {
        let mut beta = solve_upper(&self.geometry.r, theta);
        for j in 0..P {
            if !self.design.active[j] {
                beta[j] = 0.0;
            }
        }
        beta
    }

    /// Raw weights (intercept last) on this design's standardized scale.
    fn standardize_raw(&self, w: &[f64; Q]) -> [f64; Q] {
        let d = &self.design;
        let mut beta = [0.0; Q];
        beta[P] = w[P];
        for j in 0..P {
            if d.active[j] {
                beta[j] = w[j] * d.std_dev[j];
                beta[P] += w[j] * d.mean[j];
            }
        }
        beta
    }

    /// Standardized weights in raw units: the coefficients, then the intercept.
    fn raw(&self, beta: &[f64; Q]) -> ([f64; P], f64) {
        let d = &self.design;
        let mut coefficients = [0.0; P];
        let mut intercept = beta[P];
        for j in 0..P {
            coefficients[j] = beta[j] / d.std_dev[j];
            intercept -= coefficients[j] * d.mean[j];
        }
        (coefficients, intercept)
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
    fn iterate(&mut self) {
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
        if self.geometry.curvature && self.history.last().is_some_and(|&last| loss > last) {
            // A Newton-like step overshot: back to where it came from, in the
            // optimiser's own geometry (which always descends).
            self.fall_back(self.previous);
            return;
        }
        self.iterations += 1;
        self.history.push(loss);
        self.gradient_history.push(gradient_norm);
        if let Some(h) = &self.held_out {
            self.held_out_history.push(h.loss_and_gradient(&beta).0);
        }
        self.gradient_norm = gradient_norm;
        if gradient_norm < self.params.tolerance {
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

    /// Stops the fit and works out what is known at its final point: the
    /// plain training log-loss, whether the data are separable, and (for a
    /// converged fit) the 95% intervals.
    fn finish(&mut self, reason: StopReason) {
        self.stop = reason;
        let beta = self.standardized(&self.theta);
        let c = self.design.curvature(&beta, true);
        let (coefficients, intercept) = self.raw(&beta);
        let estimate: [f64; Q] =
            std::array::from_fn(|k| if k < P { coefficients[k] } else { intercept });
        let scaler = self.design.scaler();
        let n = self.design.rows();
        let intervals = intervals(&c, n, self.params.l2, &scaler, &estimate, METHOD);
        let separation = if reason == StopReason::Diverged {
            None
        } else if self.design.separates(&beta) {
            Some(Separation::Separable)
        } else {
            let huge_weight = beta[..P].iter().any(|b| b.abs() > HUGE_WEIGHT);
            let huge_error = intervals.as_ref().is_none_or(|i| {
                i.standardized_standard_errors[..P]
                    .iter()
                    .any(|&s| s > HUGE_ERROR)
            });
            (huge_weight || huge_error).then_some(Separation::NearlySeparable)
        };
        self.settled = Some(Settled {
            training_log_loss: c.loss,
            separation,
            intervals: intervals.filter(|_| reason == StopReason::Converged),
            hessian: Some(c.hessian),
        });
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

    /// How the descent is going, judged on its last iterations.
    fn pace(&self) -> Option<Pace> {
        let n = self.history.len();
        if matches!(self.stop, StopReason::Converged | StopReason::OneClass) {
            return None;
        }
        if self.stop == StopReason::Diverged {
            return Some(Pace::Overshooting);
        }
        if n <= PACE_WINDOW {
            return None;
        }
        let recent = &self.history[n - PACE_WINDOW - 1..];
        let rises = recent.windows(2).filter(|w| w[1] > w[0]).count();
        if rises >= 3 {
            return Some(Pace::Overshooting);
        }
        let now = self.gradient_history[n - 1];
        let then = self.gradient_history[n - 1 - PACE_WINDOW];
        let rate = libm::pow(now / then, 1.0 / PACE_WINDOW as f64);
        let left = self.params.max_iterations.saturating_sub(self.iterations) as f64;
        let needed = if rate < 1.0 {
            libm::log(self.params.tolerance / now) / libm::log(rate)
        } else {
            f64::INFINITY
        };
        if needed > left {
            Some(Pace::Crawling {
                iterations_needed: needed.min(1e12),
            })
        } else {
            Some(Pace::Steady)
        }
    }

    /// Progress so far, with the full histories.
    pub fn progress(&self) -> FitProgress {
        self.progress_since(0)
    }

    /// Progress so far, with the histories after iteration `from` only (what
    /// a page animating the fit needs each frame).
    pub fn progress_since(&self, from: usize) -> FitProgress {
        let tail = |h: &[f64]| h.get(from.min(h.len())..).unwrap_or_default().to_vec();
        FitProgress {
            iterations: self.iterations,
            history_from: from,
            loss_history: tail(&self.history),
            held_out_history: tail(&self.held_out_history),
            gradient_norm: self.gradient_norm,
            stop: self.stop,
            pace: self.pace(),
            done: self.stop != StopReason::Running,
        }
    }

    /// New labels for the same users (a score parameter moved): keep the
    /// current weights as a warm start and fit on.
    pub fn relabel(&mut self, data: &Dataset) -> Result<(), FitError> {
        if data.len() != self.split.users() {
            return Err(FitError::new(
                "data",
                format!(
                    "must be the {} users the fit started with (got {})",
                    self.split.users(),
                    data.len()
                ),
            ));
        }
        self.design.y = Labels::Converted.gather(data, &self.split.train);
        if let Some(h) = self.held_out.as_mut() {
            h.y = Labels::Converted.gather(data, &self.split.test);
        }
        self.warnings
            .retain(|w| !w.starts_with("every training user"));
        // The curvature depends on the weights, not the labels: the one at
        // the last stop is the curvature at the warm start.
        let hessian = self.settled.as_ref().and_then(|s| s.hessian);
        self.begin(StartPoint::Kept);
        self.start = Start::Warm;
        if let (Some(h), StopReason::Running) = (hessian, self.stop) {
            self.whiten_with_curvature(&h);
        }
        Ok(())
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
            separation: settled.and_then(|s| s.separation),
            intervals: settled.and_then(|s| s.intervals.clone()),
            warnings: self.warnings.clone(),
            training_rows: d.rows(),
        }
    }
}

/// The whitening factor R (Gram = RᵀR) of a design and the step 1/L it
/// allows.
fn whitening(design: &Design, l2: f64) -> Result<([[f64; Q]; Q], f64), FitError> {
    let mut g = design.gram();
    // Columns out of the model (left out, or constant) take no part.
    for j in 0..P {
        if !design.active[j] {
            g[j] = [0.0; Q];
            for row in g.iter_mut() {
                row[j] = 0.0;
            }
        }
    }
    // A tiny ridge keeps the whitening defined when columns are collinear
    // (e.g. every user in tier_2 or tier_3); it changes only the
    // coordinates the descent moves in, never the objective.
    let mut r = cholesky(&g, 1e-10)
        .ok_or_else(|| FitError::new("data", "have degenerate training features"))?;
    for (j, row) in r.iter_mut().enumerate().take(P) {
        if !design.active[j] {
            // Inactive columns are all zero: pin their coordinate.
            *row = [0.0; Q];
            row[j] = 1.0;
        }
    }
    // Lipschitz constant of the gradient in whitened coordinates: the
    // log-loss Hessian is at most ¼·WᵀW/n = ¼·I, plus the L2 term's
    // largest curvature, bounded by λ‖R⁻¹‖²_F.
    let mut inv_frobenius = 0.0;
    for k in 0..Q {
        let mut e = [0.0; Q];
        e[k] = 1.0;
        let col = solve_upper(&r, &e);
        inv_frobenius += col.iter().take(P).map(|x| x * x).sum::<f64>();
    }
    Ok((r, 1.0 / (0.25 + l2 * inv_frobenius)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{fit, Signal};
    use crate::world::contract::MAX_ROWS_IN_MEMORY;
    use crate::world::generator::generate;
    use crate::world::params::GeneratorParams;

    fn world(rows: u64) -> Dataset {
        generate(
            &GeneratorParams {
                rows,
                ..Default::default()
            }
            .validate(MAX_ROWS_IN_MEMORY)
            .unwrap(),
        )
    }

    #[test]
    fn split_is_deterministic_and_complete() {
        let a = Split::new(1000, 0.2, 7);
        assert_eq!(a, Split::new(1000, 0.2, 7));
        assert_ne!(a, Split::new(1000, 0.2, 8));
        assert_eq!(a.test.len(), 200);
        let mut all: Vec<usize> = a.train.iter().chain(&a.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
        assert_eq!(Split::new(1, 0.5, 1).train, vec![0]);
    }

    #[test]
    fn converges_and_the_gradient_is_zero_at_the_answer() {
        let data = world(5_000);
        let (model, _) = fit(&data, &FitParams::default()).unwrap();
        assert_eq!(model.stop, StopReason::Converged, "{model:?}");
        assert!(model.gradient_norm < 1e-6);
        assert!(model.iterations < 1000, "{} iterations", model.iterations);
        assert!(
            model.coefficients[3] > 0.2,
            "downloads push up: {:?}",
            model.coefficients
        );
    }

    #[test]
    fn stepwise_fit_equals_the_one_shot_fit() {
        let data = world(3_000);
        let params = FitParams::default().validate().unwrap();
        let mut stepwise = Fitter::new(&data, &params).unwrap();
        let mut last = 0;
        while !stepwise.progress().done {
            let p = stepwise.step(7);
            assert!(p.iterations >= last);
            last = p.iterations;
        }
        let (once, _) = fit(&data, params.get()).unwrap();
        assert_eq!(stepwise.model(), once);
        assert!(once.intervals.is_some() && once.training_log_loss.is_some());
        assert_eq!(stepwise.progress().loss_history.len(), once.iterations);
    }

    #[test]
    fn any_thread_count_gives_the_same_bits() {
        let data = world(70_000);
        let params = FitParams::default().validate().unwrap();
        let models: Vec<FittedModel> = [1, 2, 3, 4]
            .iter()
            .map(|&threads| {
                let mut fitter = Fitter::new(&data, &params).unwrap().with_threads(threads);
                assert_eq!(fitter.threads(), threads);
                fitter.run();
                fitter.model()
            })
            .collect();
        assert_eq!(models[0].stop, StopReason::Converged);
        for model in &models[1..] {
            assert_eq!(model, &models[0]);
        }
    }

    #[test]
    fn one_class_constant_column_and_tiny_data_fit_with_warnings() {
        let mut data = world(300);
        data.converted.iter_mut().for_each(|c| *c = true);
        let (model, _) = fit(&data, &FitParams::default()).unwrap();
        assert_eq!(model.stop, StopReason::OneClass);
        assert!(model.coefficients.iter().all(|&w| w == 0.0));
        assert!(model
            .warnings
            .iter()
            .any(|w| w.contains("every training user converted")));

        let mut data = world(2_000);
        data.downloads_7d.iter_mut().for_each(|d| *d = 2);
        let (model, _) = fit(&data, &FitParams::default()).unwrap();
        assert_eq!(model.coefficients[3], 0.0);
        assert!(model
            .warnings
            .iter()
            .any(|w| w.contains("downloads_7d is constant")));
        assert_eq!(model.stop, StopReason::Converged);

        let data = world(12);
        let (model, _) = fit(&data, &FitParams::default()).unwrap();
        assert!(model.warnings.iter().any(|w| w.contains("tiny dataset")));
        assert!(model.coefficients.iter().all(|w| w.is_finite()));
        assert!(
            model.separation.is_some(),
            "12 users in 7 dimensions separate"
        );
    }

    #[test]
    fn separable_data_say_so_whatever_stopped_the_fit() {
        let mut data = world(400);
        for i in 0..data.len() {
            data.converted[i] = data.sessions_7d[i] >= 3;
        }
        for max_iterations in [300, 5_000] {
            let params = FitParams {
                max_iterations,
                ..Default::default()
            };
            let (model, _) = fit(&data, &params).unwrap();
            assert_eq!(model.separation, Some(Separation::Separable), "{model:?}");
            assert!(model.coefficients.iter().all(|w| w.is_finite()));
            assert!(model.objective.is_finite());
            if model.stop == StopReason::Converged {
                assert!(model.coefficients[1] > 5.0, "a huge weight, flagged");
            }
        }
    }

    #[test]
    fn a_tier_with_no_converters_is_nearly_separable() {
        // Quasi-complete separation: every tier_3 user has the same label,
        // so the tier_3 weight runs to minus infinity while the others stay
        // finite; the fit "converges" on the gradient and must still say so.
        let mut data = world(5_000);
        for i in 0..data.len() {
            if data.country_tier[i] == crate::world::contract::Tier::Tier3 {
                data.converted[i] = false;
            }
        }
        let (model, _) = fit(&data, &FitParams::default()).unwrap();
        assert_eq!(
            model.separation,
            Some(Separation::NearlySeparable),
            "{model:?}"
        );
        let (clean, _) = fit(&world(5_000), &FitParams::default()).unwrap();
        assert_eq!(clean.separation, None);
        assert!(clean.intervals.is_some());
    }

    #[test]
    fn plain_descent_converges_crawls_or_diverges_with_its_learning_rate() {
        let data = world(5_000);
        let run = |optimizer, learning_rate, max_iterations| {
            let params = FitParams {
                optimizer,
                learning_rate,
                max_iterations,
                ..Default::default()
            }
            .validate()
            .unwrap();
            let mut fitter = Fitter::new(&data, &params).unwrap();
            let progress = fitter.run();
            (fitter.model(), progress)
        };
        let (whitened, _) = run(Optimizer::Whitened, 1.0, 5_000);
        for optimizer in [Optimizer::Gd, Optimizer::Nesterov] {
            let (model, progress) = run(optimizer, 2.0, 20_000);
            assert_eq!(model.stop, StopReason::Converged, "{optimizer:?}");
            assert!(progress.loss_history.iter().all(|l| l.is_finite()));
            for j in 0..P {
                assert!((model.coefficients[j] - whitened.coefficients[j]).abs() < 1e-4);
            }
        }
        let (slow, progress) = run(Optimizer::Gd, 0.001, 300);
        assert_eq!(slow.stop, StopReason::IterationCap);
        assert!(
            matches!(progress.pace, Some(Pace::Crawling { .. })),
            "{:?}",
            progress.pace
        );
        let (wild, progress) = run(Optimizer::Gd, 1000.0, 5_000);
        assert_eq!(wild.stop, StopReason::Diverged, "{:?}", progress.stop);
        assert_eq!(progress.pace, Some(Pace::Overshooting));
        assert!(wild.coefficients.iter().all(|w| w.is_finite()));
        assert!(wild.intervals.is_none());
    }

    #[test]
    fn held_out_loss_is_tracked_and_warm_starts_are_short() {
        let data = world(5_000);
        let params = FitParams::default().validate().unwrap();
        let mut fitter = Fitter::new(&data, &params)
            .unwrap()
            .with_held_out_history(&data);
        let progress = fitter.run();
        assert_eq!(progress.held_out_history.len(), progress.loss_history.len());
        let cold = fitter.model();
        assert_eq!(cold.start, Start::Cold);
        let mut warm = Fitter::warm(&data, &params, &cold).unwrap();
        let again = warm.run();
        assert!(
            again.iterations <= 2,
            "{} iterations from the answer",
            again.iterations
        );
        assert_eq!(warm.model().start, Start::Warm);
        let since = fitter.progress_since(5);
        assert_eq!(since.history_from, 5);
        assert_eq!(since.loss_history, progress.loss_history[5..]);
    }

    #[test]
    fn bad_fit_parameters_are_named() {
        for (params, name) in [
            (
                FitParams {
                    test_fraction: 1.0,
                    ..Default::default()
                },
                "testFraction",
            ),
            (
                FitParams {
                    l2: -1.0,
                    ..Default::default()
                },
                "l2",
            ),
            (
                FitParams {
                    tolerance: 0.0,
                    ..Default::default()
                },
                "tolerance",
            ),
            (
                FitParams {
                    max_iterations: 0,
                    ..Default::default()
                },
                "maxIterations",
            ),
            (
                FitParams {
                    learning_rate: 0.0,
                    ..Default::default()
                },
                "learningRate",
            ),
            (
                FitParams {
                    leave_out: vec![Signal::Sessions7d, Signal::Sessions7d],
                    ..Default::default()
                },
                "leaveOut",
            ),
        ] {
            assert_eq!(params.validate().unwrap_err().field, name);
        }
        assert_eq!(
            fit(&Dataset::default(), &FitParams::default())
                .unwrap_err()
                .to_string(),
            "data have no rows: there is nothing to fit"
        );
    }
}
