//! The gradient-descent fit, a given number of iterations at a time, so a
//! page can animate it, cancel it (drop it) and warm-start it when labels
//! change.
//!
//! How it is fast enough to refit while a slider moves: features are
//! standardized with the training split's mean and standard deviation, and
//! the descent runs in *whitened* coordinates (the standardized design times
//! the inverse Cholesky factor of its Gram matrix). That is only a change of
//! variables, so the objective and its minimum are the same, but every
//! direction then has the same scale, the Lipschitz constant of the gradient
//! is exactly 1/4 (plus the L2 term) and the step 1/L is derived from the
//! data. Gradient descent on correlated features needs thousands of steps;
//! whitened, it needs tens.

// Small dense matrix maths (8×8) reads clearest with index loops.
#![allow(clippy::needless_range_loop)]

use serde::Serialize;

use super::design::Design;
use super::features::{FEATURES, P, Q};
use super::fitted::FittedModel;
use super::kernels::PARTS;
use super::linalg::{cholesky, norm, solve_lower_transposed, solve_upper};
use super::params::{FitError, FitParams, StopReason, ValidFitParams};
use super::split::Split;
use crate::world::dataset::Dataset;

/// Progress of a stepwise fit.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FitProgress {
    /// Iterations run so far.
    pub iterations: usize,
    /// Mean training log-loss after each iteration so far (with the L2 term).
    pub loss_history: Vec<f64>,
    /// Gradient norm on the standardized scale at the current point.
    pub gradient_norm: f64,
    pub stop: StopReason,
    /// True once the fit has stopped (converged, capped or one class).
    pub done: bool,
}

/// A gradient-descent fit in progress. Advance it with [`Fitter::step`];
/// read the model so far with [`Fitter::model`].
#[derive(Clone, Debug)]
pub struct Fitter {
    params: FitParams,
    design: Design,
    /// Which users train and which are held out.
    split: Split,
    /// Whitening factor: standardized β = R⁻¹ θ.
    r: [[f64; Q]; Q],
    step: f64,
    theta: [f64; Q],
    previous: [f64; Q],
    momentum_k: usize,
    iterations: usize,
    history: Vec<f64>,
    gradient_norm: f64,
    stop: StopReason,
    warnings: Vec<String>,
}

impl Fitter {
    /// Prepares a fit of `data` (split, standardized, whitened). Fails only
    /// when there is nothing to fit.
    pub fn new(data: &Dataset, params: &ValidFitParams) -> Result<Fitter, FitError> {
        let p = params.get();
        if data.is_empty() {
            return Err(FitError::new(
                "data",
                "have no rows: there is nothing to fit",
            ));
        }
        let split = Split::new(data.len(), p.test_fraction, p.split_seed);
        let design = Design::new(data, &split.train);
        let mut warnings = Vec::new();
        let n = design.rows();
        if n < 50 {
            warnings.push(format!(
                "tiny dataset: only {n} training users, so the weights are unreliable"
            ));
        }
        for (j, name) in FEATURES.iter().enumerate() {
            if !design.active[j] {
                warnings.push(format!(
                    "{name} is constant in the training users: its weight stays 0"
                ));
            }
        }
        let g = design.gram();
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
        let lipschitz = 0.25 + p.l2 * inv_frobenius;
        let positives = design.y.iter().filter(|&&y| y > 0.5).count();
        let mut fitter = Fitter {
            params: p.clone(),
            design,
            split,
            r,
            step: 1.0 / lipschitz,
            theta: [0.0; Q],
            previous: [0.0; Q],
            momentum_k: 0,
            iterations: 0,
            history: Vec::new(),
            gradient_norm: f64::INFINITY,
            stop: StopReason::Running,
            warnings,
        };
        if positives == 0 || positives == n {
            fitter.one_class(positives == n);
        } else {
            fitter.start_at_base_rate(positives as f64 / n as f64);
        }
        Ok(fitter)
    }

    /// Starts from weights 0 and the training base rate: one step closer.
    fn start_at_base_rate(&mut self, rate: f64) {
        let mut beta = [0.0; Q];
        beta[P] = libm::log(rate / (1.0 - rate));
        self.theta = self.whiten(&beta);
        self.previous = self.theta;
        self.momentum_k = 0;
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
        self.gradient_norm = 0.0;
        self.stop = StopReason::OneClass;
    }

    fn whiten(&self, beta: &[f64; Q]) -> [f64; Q] {
        let mut theta = [0.0; Q];
        for (i, t) in theta.iter_mut().enumerate() {
            *t = (i..Q).map(|k| self.r[i][k] * beta[k]).sum();
        }
        theta
    }

    fn standardized(&self, theta: &[f64; Q]) -> [f64; Q] {
        let mut beta = solve_upper(&self.r, theta);
        for j in 0..P {
            if !self.design.active[j] {
                beta[j] = 0.0;
            }
        }
        beta
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

    /// Runs up to `iterations` more iterations of Nesterov-accelerated
    /// gradient descent (with adaptive restart) and reports progress.
    pub fn step(&mut self, iterations: usize) -> FitProgress {
        for _ in 0..iterations {
            if self.stop != StopReason::Running {
                break;
            }
            if self.iterations >= self.params.max_iterations {
                self.stop = self.capped_reason();
                break;
            }
            // Look-ahead point y = θ + (k−1)/(k+2)·(θ − θ_prev).
            let k = self.momentum_k as f64;
            let mut ahead = self.theta;
            for i in 0..Q {
                ahead[i] += (k - 1.0).max(0.0) / (k + 2.0) * (self.theta[i] - self.previous[i]);
            }
            let beta = self.standardized(&ahead);
            let (loss, grad_beta) = self.objective(&beta);
            self.iterations += 1;
            self.history.push(loss);
            self.gradient_norm = norm(&grad_beta);
            if self.gradient_norm < self.params.tolerance {
                self.theta = ahead;
                self.previous = ahead;
                self.stop = StopReason::Converged;
                break;
            }
            let grad_theta = solve_lower_transposed(&self.r, &grad_beta);
            let mut next = ahead;
            for i in 0..Q {
                next[i] -= self.step * grad_theta[i];
            }
            // Restart the momentum when it points uphill (O'Donoghue & Candès).
            let uphill: f64 = (0..Q)
                .map(|i| grad_theta[i] * (next[i] - self.theta[i]))
                .sum();
            self.previous = self.theta;
            self.theta = next;
            self.momentum_k = if uphill > 0.0 { 0 } else { self.momentum_k + 1 };
        }
        if self.stop == StopReason::Running && self.iterations >= self.params.max_iterations {
            self.stop = self.capped_reason();
        }
        self.progress()
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

    /// Runs to the end (convergence, cap or one class).
    pub fn run(&mut self) -> FitProgress {
        while self.stop == StopReason::Running {
            self.step(256);
        }
        self.progress()
    }

    fn capped_reason(&self) -> StopReason {
        // Separable: every training user is on the right side of 0.5 and
        // the loss is still falling towards 0.
        let beta = self.standardized(&self.theta);
        let correct = self.design.separates(&beta);
        if correct {
            StopReason::LooksSeparable
        } else {
            StopReason::IterationCap
        }
    }

    /// Progress so far.
    pub fn progress(&self) -> FitProgress {
        FitProgress {
            iterations: self.iterations,
            loss_history: self.history.clone(),
            gradient_norm: self.gradient_norm,
            stop: self.stop,
            done: self.stop != StopReason::Running,
        }
    }

    /// New labels for the same users (a weight slider moved): keep the
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
        self.design.y = self
            .split
            .train
            .iter()
            .map(|&i| f64::from(u8::from(data.converted[i])))
            .collect();
        self.warnings
            .retain(|w| !w.starts_with("every training user"));
        let n = self.design.rows();
        let positives = self.design.y.iter().filter(|&&y| y > 0.5).count();
        self.iterations = 0;
        self.history.clear();
        self.gradient_norm = f64::INFINITY;
        self.stop = StopReason::Running;
        self.momentum_k = 0;
        self.previous = self.theta;
        if positives == 0 || positives == n {
            self.one_class(positives == n);
        } else if self.theta.iter().any(|t| !t.is_finite()) {
            self.start_at_base_rate(positives as f64 / n as f64);
        }
        Ok(())
    }

    /// The model at the current point, in raw and standardized units.
    pub fn model(&self) -> FittedModel {
        let beta = self.standardized(&self.theta);
        let d = &self.design;
        let mut coefficients = [0.0; P];
        let mut intercept = beta[P];
        for j in 0..P {
            coefficients[j] = beta[j] / d.std_dev[j];
            intercept -= coefficients[j] * d.mean[j];
        }
        FittedModel {
            coefficients,
            intercept,
            standardized_coefficients: beta[..P].try_into().expect("P coefficients"),
            standardized_intercept: beta[P],
            mean: d.mean,
            std_dev: d.std_dev,
            iterations: self.iterations,
            final_loss: self.history.last().copied().unwrap_or(f64::NAN),
            gradient_norm: self.gradient_norm,
            stop: self.stop,
            warnings: self.warnings.clone(),
            training_rows: d.rows(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fit;
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
    }

    #[test]
    fn separable_data_stop_at_the_cap_without_nan() {
        let mut data = world(400);
        for i in 0..data.len() {
            data.converted[i] = data.sessions_7d[i] >= 3;
        }
        let params = FitParams {
            max_iterations: 300,
            ..Default::default()
        };
        let (model, _) = fit(&data, &params).unwrap();
        assert_eq!(model.stop, StopReason::LooksSeparable);
        assert!(model.coefficients.iter().all(|w| w.is_finite()));
        assert!(model.final_loss.is_finite());
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
