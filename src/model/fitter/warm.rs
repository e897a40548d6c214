//! Warm starts: a fit that starts from an earlier model's weights (new
//! users) or keeps its own (the same users relabelled), and for the default
//! optimiser descends in coordinates that whiten the curvature at the start,
//! so each step is nearly Newton's: 3 or 4 iterations after a slider step
//! instead of about 24 from a cold start.

// Small dense matrix maths (8×8) reads clearest with index loops.
#![allow(clippy::needless_range_loop)]

use super::*;

impl Fitter {
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
            let hessian = fitter.design.curvature(&beta).hessian;
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
        let beta = self.standardized(&self.theta);
        if self.set_curvature(hessian) {
            self.theta = self.whiten(&beta);
            self.previous = self.theta;
            self.momentum_k = 0;
            self.accepted = None;
            self.retries = 0;
        }
    }

    /// Steers by `hessian` (standardized, plus the L2 term) from now on:
    /// step 1, no momentum. False (nothing changed) when it is singular.
    fn set_curvature(&mut self, hessian: &[[f64; Q]; Q]) -> bool {
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
        match cholesky(&h, 1e-12) {
            Some(r) => {
                self.geometry = Geometry {
                    r,
                    step: 1.0,
                    momentum: false,
                    curvature: true,
                };
                true
            }
            None => false,
        }
    }

    /// One step of a warm start's Newton-like descent: the point reached
    /// is kept only if it lowers the objective; otherwise it was a trial of
    /// a line search (not an iteration), and the step from the last kept
    /// point is retried with the curvature measured there, then halved, and
    /// at last in the optimiser's own geometry, which always descends. A kept
    /// step that shrank the gradient by less than 4 (the curvature it
    /// steered by is stale: the world moved far) measures the curvature
    /// again.
    pub(super) fn newton_iterate(&mut self) {
        let beta = self.standardized(&self.theta);
        let (loss, gradient) = self.objective(&beta);
        let gradient_norm = norm(&gradient);
        let worse = !loss.is_finite()
            || !gradient_norm.is_finite()
            || self.accepted.as_ref().is_some_and(|a| loss > a.loss);
        if worse {
            self.retry();
            return;
        }
        let slow = self.retries == 0
            && self
                .accepted
                .as_ref()
                .is_some_and(|a| gradient_norm > 0.25 * a.gradient_norm);
        self.accepted = Some(Accepted {
            beta,
            gradient,
            loss,
            gradient_norm,
        });
        self.retries = 0;
        if self.record(loss, gradient_norm, &beta) {
            self.finish(StopReason::Converged);
            return;
        }
        if slow {
            let hessian = self.design.curvature(&beta).hessian;
            self.set_curvature(&hessian);
        }
        self.geometry.step = 1.0;
        self.newton_step();
    }

    /// The step from the last kept point in the current geometry.
    fn newton_step(&mut self) {
        let Some(a) = self.accepted.clone() else {
            return;
        };
        let from = self.whiten(&a.beta);
        let grad_theta = solve_lower_transposed(&self.geometry.r, &a.gradient);
        self.previous = from;
        self.theta = std::array::from_fn(|i| from[i] - self.geometry.step * grad_theta[i]);
    }

    /// The last Newton-like step did not lower the objective: try again from
    /// the last kept point, more carefully.
    fn retry(&mut self) {
        let Some(a) = self.accepted.clone() else {
            // Not even the start is usable: back to plain descent.
            self.fall_back(self.previous);
            return;
        };
        self.retries += 1;
        if self.retries == 1 {
            let hessian = self.design.curvature(&a.beta).hessian;
            self.set_curvature(&hessian);
        } else if self.geometry.step > 1.0 / 64.0 {
            self.geometry.step *= 0.5;
        } else {
            let from = self.whiten(&a.beta);
            self.fall_back(from);
            return;
        }
        self.newton_step();
    }

    /// Back to the optimiser's own geometry from the point `theta` (in the
    /// current coordinates).
    fn fall_back(&mut self, theta: [f64; Q]) {
        let beta = self.standardized(&theta);
        self.accepted = None;
        self.retries = 0;
        self.geometry = self.base;
        self.theta = self.whiten(&beta);
        self.previous = self.theta;
        self.momentum_k = 0;
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
}
