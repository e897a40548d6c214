//! The logistic model fitted to probabilities instead of 0/1 labels: the
//! weights that minimise the mean cross-entropy −[q ln p + (1 − q) ln(1 − p)]
//! over users whose chance of converting is known to be q. With q the
//! world's noise-averaged probability, that is the best any logistic model
//! can learn ([`crate::world::truth::best_possible`]).
//!
//! Newton's method with a backtracking line search, on the standardized
//! design of every user: the labels are strictly between 0 and 1 and the
//! objective strictly convex, so it reaches the optimum to machine
//! precision in a few steps. The gradient is exact (every user); the
//! Hessian, which only steers, comes from an evenly spread sample of at
//! most 131,072 users, so a step costs little more than a gradient pass.
//! A [`ProbabilityFitter`] keeps the design, so a world whose labels move
//! (q changes with the weights, the users stay) refits in a few passes.

// Small dense matrix maths (8×8) reads clearest with index loops.
#![allow(clippy::needless_range_loop)]

use super::design::{Design, Labels};
use super::features::{included, Signal, P, Q};
use super::linalg::{cholesky, norm, solve_lower_transposed, solve_upper};
use super::params::FitError;
use crate::world::dataset::Dataset;

/// Stop once the standardized gradient is this small (the optimum then
/// moves by about 1e-11 in any weight), or the Newton decrement shows the
/// loss cannot fall by more than its rounding.
const TOLERANCE: f64 = 1e-11;
/// At most this many Newton steps (it needs 2 to 8).
const MAX_STEPS: usize = 60;
/// Users the Hessian is estimated on, at most.
const HESSIAN_SAMPLE: usize = 131_072;

/// A logistic fit to probabilities.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbabilityFit {
    /// Raw-unit weights in [`super::FEATURES`] order, then the intercept.
    pub weights: [f64; Q],
    /// False for an input left out or constant (its weight is 0).
    pub used: [bool; P],
    /// The mean cross-entropy at the optimum.
    pub log_loss: f64,
    /// Newton steps taken.
    pub iterations: usize,
}

/// Fits a logistic model on every signal but `leave_out` to the
/// probabilities `q` (one per user of `data`), on every user. `start` (raw
/// weights, intercept last) is where Newton begins; the optimum does not
/// depend on it.
pub fn fit_probabilities(
    data: &Dataset,
    q: &[f64],
    leave_out: &[Signal],
    start: Option<&[f64; Q]>,
) -> Result<ProbabilityFit, FitError> {
    ProbabilityFitter::new(data)?.fit(q, leave_out, start)
}

/// Every user of a dataset, standardized, ready for fits to probabilities
/// that change while the users stay.
#[derive(Clone, Debug)]
pub struct ProbabilityFitter {
    design: Design,
    /// The users the Hessian is estimated on (`None`: all of them).
    sample: Option<Design>,
}

impl ProbabilityFitter {
    /// Standardizes every user of `data`.
    pub fn new(data: &Dataset) -> Result<ProbabilityFitter, FitError> {
        if data.is_empty() {
            return Err(FitError::new(
                "data",
                "have no rows: there is nothing to fit",
            ));
        }
        let n = data.len();
        let zeros = vec![0.0; n];
        let rows: Vec<usize> = (0..n).collect();
        let design = Design::with_labels(data, &rows, [true; P], Labels::Probabilities(&zeros));
        let sample = (n > HESSIAN_SAMPLE).then(|| {
            let stride = n.div_ceil(HESSIAN_SAMPLE);
            let rows: Vec<usize> = (0..n).step_by(stride).collect();
            Design::scaled(data, &rows, &design.scaler(), Labels::Probabilities(&zeros))
        });
        Ok(ProbabilityFitter { design, sample })
    }

    /// Fits to `q` (one probability per user, in order), every signal but
    /// `leave_out`, from `start` when given.
    pub fn fit(
        &mut self,
        q: &[f64],
        leave_out: &[Signal],
        start: Option<&[f64; Q]>,
    ) -> Result<ProbabilityFit, FitError> {
        let n = self.design.rows();
        if q.len() != n {
            return Err(FitError::new(
                "data",
                format!(
                    "need one probability per user: {n} users, {} probabilities",
                    q.len()
                ),
            ));
        }
        let used = included(leave_out);
        self.design.y.copy_from_slice(q);
        self.design.use_columns(used);
        if let Some(sample) = self.sample.as_mut() {
            let stride = n.div_ceil(HESSIAN_SAMPLE);
            for (y, &p) in sample.y.iter_mut().zip(q.iter().step_by(stride)) {
                *y = p;
            }
            sample.use_columns(used);
        }
        let design = &self.design;
        let active = design.active;
        let pin = |mut g: [f64; Q]| {
            for j in 0..P {
                if !active[j] {
                    g[j] = 0.0;
                }
            }
            g
        };
        let mut beta = match start {
            Some(w) if w.iter().all(|x| x.is_finite()) => standardize(design, w),
            _ => {
                let rate = (q.iter().sum::<f64>() / n as f64).clamp(1e-12, 1.0 - 1e-12);
                let mut beta = [0.0; Q];
                beta[P] = libm::log(rate / (1.0 - rate));
                beta
            }
        };
        let (mut loss, gradient) = design.loss_and_gradient(&beta);
        let mut gradient = pin(gradient);
        let mut iterations = 0;
        while iterations < MAX_STEPS && norm(&gradient) >= TOLERANCE {
            let steer = self.sample.as_ref().unwrap_or(design);
            let direction = newton_direction(&steer.curvature(&beta).hessian, &gradient, &active)
                .ok_or_else(|| {
                FitError::new("data", "have degenerate features: no unique best model")
            })?;
            // The Newton decrement gᵀH⁻¹g: twice the loss still to gain.
            let decrement: f64 = (0..Q).map(|k| gradient[k] * direction[k]).sum();
            if decrement < 1e-24 {
                break;
            }
            // Close to the optimum the full step is safe, and the loss
            // changes below its own rounding: only far from it is the step
            // checked (Armijo, halving).
            let mut t = 1.0;
            let (next_beta, next_loss, next_gradient) = loop {
                let candidate: [f64; Q] = std::array::from_fn(|k| beta[k] - t * direction[k]);
                let (l, g) = design.loss_and_gradient(&candidate);
                if decrement < 1e-4 || l <= loss - 1e-4 * t * decrement || t < 1e-6 {
                    break (candidate, l, pin(g));
                }
                t *= 0.5;
            };
            iterations += 1;
            beta = next_beta;
            loss = next_loss;
            gradient = next_gradient;
        }
        let mut weights = [0.0; Q];
        weights[P] = beta[P];
        for j in 0..P {
            if active[j] {
                weights[j] = beta[j] / design.std_dev[j];
                weights[P] -= weights[j] * design.mean[j];
            }
        }
        Ok(ProbabilityFit {
            weights,
            used: active,
            log_loss: loss,
            iterations,
        })
    }
}

/// Raw weights on the design's standardized scale.
fn standardize(design: &Design, w: &[f64; Q]) -> [f64; Q] {
    let mut beta = [0.0; Q];
    beta[P] = w[P];
    for j in 0..P {
        if design.active[j] {
            beta[j] = w[j] * design.std_dev[j];
            beta[P] += w[j] * design.mean[j];
        }
    }
    beta
}

/// H⁻¹ g with inactive inputs pinned (zero row and column, unit diagonal).
fn newton_direction(
    hessian: &[[f64; Q]; Q],
    gradient: &[f64; Q],
    active: &[bool; P],
) -> Option<[f64; Q]> {
    let mut h = *hessian;
    for j in 0..P {
        if !active[j] {
            h[j] = [0.0; Q];
            for row in h.iter_mut() {
                row[j] = 0.0;
            }
            h[j][j] = 1.0;
        }
    }
    let r = cholesky(&h, 0.0)?;
    Some(solve_upper(&r, &solve_lower_transposed(&r, gradient)))
}
