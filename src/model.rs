//! The baseline model: a logistic regression on the five numeric signals and
//! the tier (one-hot, `tier_1` the reference), fitted by full-batch gradient
//! descent with Nesterov momentum.
//!
//! Three types, as in linfa: [`FitParams`] (what a person asked for),
//! [`ValidFitParams`] (checked) and [`FittedModel`] (what came out). A
//! [`Fitter`] runs the descent a given number of iterations at a time so a
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

use std::fmt;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::contract::Tier;
use crate::dataset::Dataset;
use crate::generator::Features;

/// The model's inputs, in order: five signals in raw units, then the tier
/// one-hot columns (`tier_1` is the reference level).
pub const FEATURES: [&str; 7] = [
    "days_since_signup",
    "sessions_7d",
    "content_hours_7d",
    "downloads_7d",
    "paywall_views_7d",
    "tier_2",
    "tier_3",
];

const P: usize = FEATURES.len();
/// Coefficients plus the intercept (last).
const Q: usize = P + 1;

/// A user's model inputs in raw units, in [`FEATURES`] order.
pub fn feature_vector(x: &Features) -> [f64; P] {
    [
        f64::from(x.days_since_signup),
        f64::from(x.sessions_7d),
        x.content_hours_7d,
        f64::from(x.downloads_7d),
        f64::from(x.paywall_views_7d),
        f64::from(u8::from(x.country_tier == Tier::Tier2)),
        f64::from(u8::from(x.country_tier == Tier::Tier3)),
    ]
}

/// User `i`'s model inputs in raw units.
pub fn raw_features(data: &Dataset, i: usize) -> [f64; P] {
    feature_vector(&data.features(i))
}

/// How to fit, as a person asked for it. `Default` is the baseline.
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

/// A fitting problem, named by the parameter or the data at fault.
#[derive(Clone, Debug, PartialEq)]
pub struct FitError(pub String);

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FitError {}

/// Fit parameters that passed validation.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidFitParams(FitParams);

impl ValidFitParams {
    pub fn get(&self) -> &FitParams {
        &self.0
    }
}

impl FitParams {
    /// Checks every parameter, naming the one at fault.
    pub fn validate(&self) -> Result<ValidFitParams, FitError> {
        let bad = |m: String| Err(FitError(m));
        if !(0.0..1.0).contains(&self.test_fraction) {
            return bad(format!(
                "testFraction must be at least 0 and below 1 (got {})",
                self.test_fraction
            ));
        }
        if !self.l2.is_finite() || self.l2 < 0.0 {
            return bad(format!("l2 must be a finite number ≥ 0 (got {})", self.l2));
        }
        if !self.tolerance.is_finite() || self.tolerance <= 0.0 {
            return bad(format!(
                "tolerance must be a finite number above 0 (got {})",
                self.tolerance
            ));
        }
        if self.max_iterations == 0 || self.max_iterations > 1_000_000 {
            return bad(format!(
                "maxIterations must be from 1 to 1000000 (got {})",
                self.max_iterations
            ));
        }
        Ok(ValidFitParams(self.clone()))
    }
}

/// Which users train the model and which are held out.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

impl Split {
    /// A deterministic split of `n` users: round(n × fraction) test users
    /// chosen by a seeded shuffle; at least one user always trains.
    pub fn new(n: usize, test_fraction: f64, seed: u64) -> Split {
        let tests = ((n as f64 * test_fraction).round() as usize).min(n.saturating_sub(1));
        if tests == 0 {
            return Split {
                train: (0..n).collect(),
                test: Vec::new(),
            };
        }
        // A partial Fisher–Yates shuffle picks the test users; a mask then
        // lists both sides in user order (no sort).
        let mut order: Vec<usize> = (0..n).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for i in 0..tests {
            let j = rng.random_range(i..n);
            order.swap(i, j);
        }
        let mut in_test = vec![false; n];
        for &i in &order[..tests] {
            in_test[i] = true;
        }
        let (test, train) = (0..n).partition(|&i| in_test[i]);
        Split { train, test }
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

/// The training rows, standardized, ready for the descent.
#[derive(Clone, Debug)]
struct Design {
    /// Row-major standardized features, `P` per row (0 for a constant
    /// column), stored as f32: half the memory traffic per iteration, and
    /// standardized values need no more than f32's 7 digits (the fit itself
    /// accumulates in f64).
    x: Vec<f32>,
    /// Labels, 0 or 1.
    y: Vec<f64>,
    mean: [f64; P],
    std_dev: [f64; P],
    /// False for a constant column: its weight stays 0.
    active: [bool; P],
}

impl Design {
    fn new(data: &Dataset, rows: &[usize]) -> Design {
        let n = rows.len().max(1) as f64;
        let mut mean = [0.0; P];
        for &i in rows {
            for (m, v) in mean.iter_mut().zip(raw_features(data, i)) {
                *m += v;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = [0.0; P];
        for &i in rows {
            for ((s, v), m) in var.iter_mut().zip(raw_features(data, i)).zip(&mean) {
                *s += (v - m) * (v - m);
            }
        }
        let mut std_dev = [0.0; P];
        let mut active = [false; P];
        for j in 0..P {
            std_dev[j] = (var[j] / n).sqrt();
            active[j] = std_dev[j] > 1e-12 * mean[j].abs().max(1.0);
            if !active[j] {
                std_dev[j] = 1.0;
            }
        }
        let mut x = Vec::with_capacity(rows.len() * P);
        for &i in rows {
            let raw = raw_features(data, i);
            for j in 0..P {
                x.push(if active[j] {
                    ((raw[j] - mean[j]) / std_dev[j]) as f32
                } else {
                    0.0
                });
            }
        }
        let y = rows
            .iter()
            .map(|&i| f64::from(u8::from(data.converted[i])))
            .collect();
        Design {
            x,
            y,
            mean,
            std_dev,
            active,
        }
    }

    fn rows(&self) -> usize {
        self.y.len()
    }

    /// Gram matrix of [standardized features, 1] over n.
    fn gram(&self) -> [[f64; Q]; Q] {
        let mut g = [[0.0; Q]; Q];
        for row in self.x.chunks_exact(P) {
            let mut z = [1.0; Q];
            for (zj, &v) in z.iter_mut().zip(row) {
                *zj = f64::from(v);
            }
            for a in 0..Q {
                for b in a..Q {
                    g[a][b] += z[a] * z[b];
                }
            }
        }
        let n = self.rows().max(1) as f64;
        for a in 0..Q {
            for b in a..Q {
                g[a][b] /= n;
                g[b][a] = g[a][b];
            }
        }
        g
    }

    /// Mean log-loss and its gradient at standardized coefficients `beta`
    /// (intercept last). Stable for any score: log(1 + e^η) is computed as
    /// max(η, 0) + log(1 + e^−|η|).
    fn loss_and_gradient(&self, beta: &[f64; Q]) -> (f64, [f64; Q]) {
        // Rows go through in blocks, one simple loop per stage, so the
        // processor overlaps many rows' work instead of waiting on one
        // row's chain of dependent operations.
        const BLOCK: usize = 256;
        let mut grad = [0.0; Q];
        let mut loss = 0.0;
        let mut eta = [0.0f64; BLOCK];
        let mut e = [0.0f64; BLOCK];
        let mut residual = [0.0f64; BLOCK];
        for (rows, ys) in self.x.chunks(P * BLOCK).zip(self.y.chunks(BLOCK)) {
            let m = ys.len();
            for (eta_i, row) in eta.iter_mut().zip(rows.chunks_exact(P)) {
                let mut s = beta[P];
                for j in 0..P {
                    s += beta[j] * f64::from(row[j]);
                }
                *eta_i = s;
            }
            for (e_i, &eta_i) in e[..m].iter_mut().zip(&eta[..m]) {
                *e_i = exp_non_positive(-eta_i.abs());
            }
            let mut product = 1.0;
            for i in 0..m {
                let (eta_i, e_i, y) = (eta[i], e[i], ys[i]);
                let p = if eta_i >= 0.0 { 1.0 } else { e_i } / (1.0 + e_i);
                loss += eta_i.max(0.0) - y * eta_i;
                product *= 1.0 + e_i;
                residual[i] = p - y;
            }
            // Each factor is in (1, 2]: 256 of them cannot overflow, and one
            // log of their product replaces 256 logs.
            loss += libm::log(product);
            for (row, &r) in rows.chunks_exact(P).zip(&residual[..m]) {
                for j in 0..P {
                    grad[j] += r * f64::from(row[j]);
                }
                grad[P] += r;
            }
        }
        let n = self.rows().max(1) as f64;
        grad.iter_mut().for_each(|g| *g /= n);
        (loss / n, grad)
    }
}

/// e^x for x ≤ 0, to within about 2 ulp, from basic IEEE operations only (so
/// every platform gets the same bits) and without branches on the hot path:
/// x = k·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor series to degree 13
/// (truncation error below 1e-17), then scaled by 2^k through the exponent
/// bits. About three times faster than a general-purpose exp here.
#[inline]
fn exp_non_positive(x: f64) -> f64 {
    const LOG2_E: f64 = std::f64::consts::LOG2_E;
    // ln 2 split so that k·LN2_HI is exact (fdlibm's constants).
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    const ROUND: f64 = 6_755_399_441_055_744.0; // 1.5 × 2^52: adding it rounds to an integer
    if x < -708.3 {
        return 0.0; // below e^−708.3 the result is no longer a normal number
    }
    let shifted = x * LOG2_E + ROUND;
    let k = shifted - ROUND;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut poly = 1.0 / 6_227_020_800.0;
    for inv_factorial in [
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        poly = poly * r + inv_factorial;
    }
    // k is in [−1022, 0] here, so 2^k is a normal number.
    let scale = f64::from_bits(((k as i64 + 1023) as u64) << 52);
    poly * scale
}

/// Cholesky factor R (upper triangular, G = RᵀR) of a symmetric positive
/// definite matrix, after adding `ridge` to the diagonal.
fn cholesky(g: &[[f64; Q]; Q], ridge: f64) -> Option<[[f64; Q]; Q]> {
    let mut r = [[0.0; Q]; Q];
    for j in 0..Q {
        let mut d = g[j][j] + ridge;
        for k in 0..j {
            d -= r[k][j] * r[k][j];
        }
        if d <= 0.0 || !d.is_finite() {
            return None;
        }
        r[j][j] = d.sqrt();
        for i in j + 1..Q {
            let mut s = g[j][i];
            for k in 0..j {
                s -= r[k][j] * r[k][i];
            }
            r[j][i] = s / r[j][j];
        }
    }
    Some(r)
}

/// Solves R β = θ for upper-triangular R.
fn solve_upper(r: &[[f64; Q]; Q], theta: &[f64; Q]) -> [f64; Q] {
    let mut beta = [0.0; Q];
    for i in (0..Q).rev() {
        let mut s = theta[i];
        for k in i + 1..Q {
            s -= r[i][k] * beta[k];
        }
        beta[i] = s / r[i][i];
    }
    beta
}

/// Solves Rᵀ g = h for upper-triangular R (lower-triangular system).
fn solve_lower_transposed(r: &[[f64; Q]; Q], h: &[f64; Q]) -> [f64; Q] {
    let mut g = [0.0; Q];
    for i in 0..Q {
        let mut s = h[i];
        for k in 0..i {
            s -= r[k][i] * g[k];
        }
        g[i] = s / r[i][i];
    }
    g
}

fn norm(v: &[f64; Q]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

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
    /// Users in the dataset the fit started with.
    users: usize,
    train_rows: Vec<usize>,
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
            return Err(FitError("the data have no rows: nothing to fit".into()));
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
            .ok_or_else(|| FitError("the training features are degenerate".into()))?;
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
            users: data.len(),
            train_rows: split.train,
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
        let correct = self
            .design
            .x
            .chunks_exact(P)
            .zip(&self.design.y)
            .all(|(row, &y)| {
                let eta: f64 = beta[P] + (0..P).map(|j| beta[j] * f64::from(row[j])).sum::<f64>();
                (eta > 0.0) == (y > 0.5)
            });
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
        if data.len() != self.users {
            return Err(FitError(format!(
                "relabel needs the same {} users the fit started with (got {})",
                self.users,
                data.len()
            )));
        }
        self.design.y = self
            .train_rows
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
            standardized: beta[..P].try_into().expect("P coefficients"),
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

/// What a fit produced.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FittedModel {
    /// Weights per unit of each feature, in [`FEATURES`] order.
    pub coefficients: [f64; P],
    /// Log-odds of a user with every feature 0 (raw units).
    pub intercept: f64,
    /// Weights per standard deviation of each feature.
    pub standardized: [f64; P],
    /// Log-odds of an average user.
    pub standardized_intercept: f64,
    /// Training means and standard deviations (the scaler).
    pub mean: [f64; P],
    pub std_dev: [f64; P],
    pub iterations: usize,
    /// Mean training log-loss (with the L2 term) at the last iteration.
    pub final_loss: f64,
    pub gradient_norm: f64,
    pub stop: StopReason,
    pub warnings: Vec<String>,
    pub training_rows: usize,
}

impl FittedModel {
    /// Log-odds of conversion for raw features.
    pub fn score(&self, x: &[f64; P]) -> f64 {
        self.intercept
            + self
                .coefficients
                .iter()
                .zip(x)
                .map(|(w, v)| w * v)
                .sum::<f64>()
    }

    /// Predicted probability for each user of `data`.
    pub fn predict(&self, data: &Dataset) -> Vec<f64> {
        (0..data.len())
            .map(|i| crate::generator::sigmoid(self.score(&raw_features(data, i))))
            .collect()
    }
}

/// Fits to the end in one call.
pub fn fit(data: &Dataset, params: &FitParams) -> Result<(FittedModel, Split), FitError> {
    let valid = params.validate()?;
    let mut fitter = Fitter::new(data, &valid)?;
    fitter.run();
    let split = Split::new(data.len(), params.test_fraction, params.split_seed);
    Ok((fitter.model(), split))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::MAX_ROWS_IN_MEMORY;
    use crate::params::GeneratorParams;

    fn world(rows: u64) -> Dataset {
        Dataset::generate(
            &GeneratorParams {
                rows,
                ..Default::default()
            }
            .validate(MAX_ROWS_IN_MEMORY)
            .unwrap(),
        )
    }

    #[test]
    fn exp_matches_libm_to_a_few_ulp() {
        let mut worst = 0.0f64;
        for i in 0..200_000 {
            let x = -(i as f64) * 0.003_7 - 1e-9 * i as f64;
            let (ours, reference) = (exp_non_positive(x), libm::exp(x));
            if x >= -708.0 {
                worst = worst.max(((ours - reference) / reference).abs());
            }
        }
        assert!(worst < 5e-16, "worst relative error {worst}");
        assert_eq!(exp_non_positive(0.0), 1.0);
        assert_eq!(exp_non_positive(-1000.0), 0.0);
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
            assert!(params.validate().unwrap_err().0.starts_with(name));
        }
        assert!(fit(&Dataset::default(), &FitParams::default())
            .unwrap_err()
            .0
            .contains("no rows"));
    }
}
