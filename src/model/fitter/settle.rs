//! When a fit stops: what is known at its final point (the plain training
//! log-loss, whether the data are separable, the 95% intervals, and the
//! curvature a warm start steers by), and the one-class case, where only
//! the rate can be learned.

// Small dense matrix maths (8×8) reads clearest with index loops.
#![allow(clippy::needless_range_loop)]

use super::*;

/// A standardized weight beyond this (odds × e^5 ≈ 150 per standard
/// deviation), or a standardized standard error beyond [`HUGE_ERROR`],
/// means a group of users is (nearly) perfectly predicted.
const HUGE_WEIGHT: f64 = 5.0;
const HUGE_ERROR: f64 = 3.0;

/// What is known once a fit stops.
#[derive(Clone, Debug)]
pub(super) struct Settled {
    pub(super) training_log_loss: f64,
    pub(super) separation: Option<Separation>,
    pub(super) intervals: Option<Intervals>,
    /// The mean Hessian at the final point (standardized): a warm start from
    /// here whitens with it.
    pub(super) hessian: Option<[[f64; Q]; Q]>,
}

impl Fitter {
    /// Stops the fit and works out what is known at its final point: the
    /// plain training log-loss, whether the data are separable, and (for a
    /// converged fit) the 95% intervals.
    pub(super) fn finish(&mut self, reason: StopReason) {
        self.stop = reason;
        let beta = self.standardized(&self.theta);
        let c = self.design.curvature(&beta);
        let (coefficients, intercept) = self.raw(&beta);
        let estimate: [f64; Q] =
            std::array::from_fn(|k| if k < P { coefficients[k] } else { intercept });
        let scaler = self.design.scaler();
        let n = self.design.rows();
        let intervals = intervals(&c, n, self.params.l2, &scaler, &estimate);
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

    pub(super) fn one_class(&mut self, all_converted: bool) {
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
}
