#![allow(dead_code)]
// each test crate uses some of these
// The reference is textbook linear algebra: index loops read best.
#![allow(clippy::needless_range_loop)]
//! An independent reference for the fit: Newton's method on the objective
//! the fitter minimises, written from its definition with none of the
//! fitter's code (no whitening, no f32 design, no fast exp, no threads).
//!
//! The objective, over the training users, with each feature standardized by
//! the training users' mean and population standard deviation:
//!
//! ```text
//! L(β) = mean_i [ log(1 + e^η_i) − t_i·η_i ] + ½·l2·Σ_j β_j²
//! η_i  = β_0 + Σ_j β_j·(x_ij − mean_j) / sd_j          (β_0 not penalised)
//! ```
//!
//! With labels t_i ∈ {0, 1} that is the mean log-loss. Any targets in [0, 1]
//! are allowed, so the same solver gives the logistic fit to the
//! noise-averaged q(x) (the best weights any logistic model can reach).
//! A constant feature gets weight 0, as in the fitter.

use conversion_playground::model::{feature_vector, FEATURES};
use conversion_playground::world::dataset::Dataset;

/// Model inputs.
pub const P: usize = FEATURES.len();
/// Inputs plus the intercept (last).
pub const Q: usize = P + 1;

/// The objective for one set of users: their standardized features, their
/// targets and the L2 penalty.
#[derive(Clone, Debug)]
pub struct Problem {
    /// Standardized features per user (0 for a constant feature).
    z: Vec<[f64; P]>,
    targets: Vec<f64>,
    l2: f64,
    /// The standardization: training mean and population standard deviation.
    pub mean: [f64; P],
    pub std_dev: [f64; P],
    /// False for a constant feature (its weight stays 0).
    pub active: [bool; P],
}

/// Newton's optimum of a [`Problem`].
#[derive(Clone, Debug)]
pub struct Solution {
    /// Weights per standard deviation, then the intercept of an average user.
    pub standardized: [f64; Q],
    /// Weights per raw unit, in `FEATURES` order.
    pub coefficients: [f64; P],
    /// Log-odds of a user with every raw feature 0.
    pub intercept: f64,
    /// L at the optimum.
    pub objective: f64,
    /// Euclidean norm of ∇L there.
    pub gradient_norm: f64,
    /// Frobenius norm of the inverse Hessian there (at least its spectral
    /// norm, 1 / the smallest curvature). A point whose gradient norm is
    /// g lies within about g times this of the optimum, and its objective
    /// within ½·g² times this of the minimum.
    pub inverse_hessian_norm: f64,
    pub iterations: usize,
}

impl Problem {
    /// Users `rows` of `data` (the training split) with their 0/1 labels.
    pub fn from_data(data: &Dataset, rows: &[usize], l2: f64) -> Problem {
        let x = rows
            .iter()
            .map(|&i| feature_vector(&data.features(i)))
            .collect();
        let targets = rows
            .iter()
            .map(|&i| if data.converted[i] { 1.0 } else { 0.0 })
            .collect();
        Problem::new(x, targets, l2)
    }

    /// Raw features `x` with targets in [0, 1].
    pub fn new(x: Vec<[f64; P]>, targets: Vec<f64>, l2: f64) -> Problem {
        assert_eq!(x.len(), targets.len());
        assert!(!x.is_empty());
        assert!(targets.iter().all(|t| (0.0..=1.0).contains(t)));
        let n = x.len() as f64;
        let mut mean = [0.0; P];
        let mut std_dev = [1.0; P];
        let mut active = [false; P];
        for j in 0..P {
            let m = accurate_sum(x.iter().map(|r| r[j])) / n;
            let var = accurate_sum(x.iter().map(|r| (r[j] - m) * (r[j] - m))) / n;
            mean[j] = m;
            active[j] = var.sqrt() > 1e-12 * m.abs().max(1.0);
            if active[j] {
                std_dev[j] = var.sqrt();
            }
        }
        let z = x
            .iter()
            .map(|r| {
                std::array::from_fn(|j| {
                    if active[j] {
                        (r[j] - mean[j]) / std_dev[j]
                    } else {
                        0.0
                    }
                })
            })
            .collect();
        Problem {
            z,
            targets,
            l2,
            mean,
            std_dev,
            active,
        }
    }

    /// Users in the objective.
    pub fn users(&self) -> usize {
        self.z.len()
    }

    /// Standardized β of raw-unit weights and intercept.
    pub fn standardize(&self, coefficients: &[f64; P], intercept: f64) -> [f64; Q] {
        let mut beta = [0.0; Q];
        beta[P] = intercept;
        for j in 0..P {
            beta[j] = coefficients[j] * self.std_dev[j];
            beta[P] += coefficients[j] * self.mean[j];
        }
        beta
    }

    /// L(β) and ∇L(β), β standardized (intercept last).
    pub fn objective(&self, beta: &[f64; Q]) -> (f64, [f64; Q]) {
        let (loss, gradient, _) = self.derivatives(beta, false);
        (loss, gradient)
    }

    /// L, ∇L and (when asked) the Hessian.
    fn derivatives(&self, beta: &[f64; Q], hessian: bool) -> (f64, [f64; Q], [[f64; Q]; Q]) {
        let n = self.users() as f64;
        let mut loss = 0.0;
        let mut gradient = [0.0; Q];
        let mut h = [[0.0; Q]; Q];
        for (z, &t) in self.z.iter().zip(&self.targets) {
            let mut row = [1.0; Q];
            row[..P].copy_from_slice(z);
            let eta: f64 = (0..Q).map(|k| beta[k] * row[k]).sum();
            // log(1 + e^η) without overflow.
            loss += eta.max(0.0) + (-eta.abs()).exp().ln_1p() - t * eta;
            let p = 1.0 / (1.0 + (-eta).exp());
            for a in 0..Q {
                gradient[a] += (p - t) * row[a];
            }
            if hessian {
                let w = p * (1.0 - p);
                for a in 0..Q {
                    for b in a..Q {
                        h[a][b] += w * row[a] * row[b];
                    }
                }
            }
        }
        loss /= n;
        for a in 0..Q {
            gradient[a] /= n;
            for b in a..Q {
                h[a][b] /= n;
                h[b][a] = h[a][b];
            }
        }
        for j in 0..P {
            loss += 0.5 * self.l2 * beta[j] * beta[j];
            gradient[j] += self.l2 * beta[j];
            h[j][j] += self.l2;
            if !self.active[j] {
                // Held at 0: no gradient, and a row of the identity.
                gradient[j] = 0.0;
                h[j] = [0.0; Q];
                for row in h.iter_mut() {
                    row[j] = 0.0;
                }
                h[j][j] = 1.0;
            }
        }
        (loss, gradient, h)
    }

    /// Newton's method from β = 0, halving a step that would raise L, until
    /// the step is below 1e-13: the optimum to machine precision.
    pub fn solve(&self) -> Solution {
        let mut beta = [0.0; Q];
        let mut iterations = 0;
        for _ in 0..100 {
            iterations += 1;
            let (loss, gradient, h) = self.derivatives(&beta, true);
            let step = solve(h, gradient);
            let largest = step.iter().map(|s| s.abs()).fold(0.0, f64::max);
            // Near the optimum a full step is safe (and the loss can no
            // longer tell steps apart); further out, halve until L falls.
            let mut scale = 1.0;
            let mut next = beta;
            for _ in 0..60 {
                next = std::array::from_fn(|k| beta[k] - scale * step[k]);
                if largest < 1e-6 || self.objective(&next).0 <= loss {
                    break;
                }
                scale *= 0.5;
            }
            beta = next;
            if largest < 1e-13 {
                break;
            }
        }
        let (objective, gradient, h) = self.derivatives(&beta, true);
        let mut inverse_squared = 0.0;
        for k in 0..Q {
            let mut unit = [0.0; Q];
            unit[k] = 1.0;
            inverse_squared += solve(h, unit).iter().map(|x| x * x).sum::<f64>();
        }
        let mut coefficients = [0.0; P];
        let mut intercept = beta[P];
        for j in 0..P {
            coefficients[j] = beta[j] / self.std_dev[j];
            intercept -= coefficients[j] * self.mean[j];
        }
        Solution {
            standardized: beta,
            coefficients,
            intercept,
            objective,
            gradient_norm: gradient.iter().map(|g| g * g).sum::<f64>().sqrt(),
            inverse_hessian_norm: inverse_squared.sqrt(),
            iterations,
        }
    }
}

/// A sum correct to about one rounding whatever the count (Neumaier's
/// compensated summation), so the reference's scaler is exact to f64.
fn accurate_sum(values: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut lost) = (0.0f64, 0.0f64);
    for v in values {
        let t = sum + v;
        lost += if sum.abs() >= v.abs() {
            (sum - t) + v
        } else {
            (v - t) + sum
        };
        sum = t;
    }
    sum + lost
}

/// Solves A x = b by Gaussian elimination with partial pivoting.
pub fn solve<const N: usize>(mut a: [[f64; N]; N], mut b: [f64; N]) -> [f64; N] {
    for col in 0..N {
        let pivot = (col..N)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..N {
            let f = a[row][col] / a[col][col];
            for k in col..N {
                a[row][k] -= f * a[col][k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; N];
    for i in (0..N).rev() {
        let s: f64 = (i + 1..N).map(|k| a[i][k] * x[k]).sum();
        x[i] = (b[i] - s) / a[i][i];
    }
    x
}
