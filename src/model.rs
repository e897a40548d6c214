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
use std::ops::Range;

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
    /// Standardized features, column by column (`rows()` values per column;
    /// all 0 for a constant column), stored as f32: half the memory traffic
    /// per iteration, and standardized values need no more than f32's 7
    /// digits (the fit itself accumulates in f64). Columns, not rows, so each
    /// stage of an iteration is a straight loop over contiguous numbers that
    /// the compiler turns into vector instructions.
    x: Vec<f32>,
    /// Labels, 0 or 1.
    y: Vec<f64>,
    mean: [f64; P],
    std_dev: [f64; P],
    /// False for a constant column: its weight stays 0.
    active: [bool; P],
    /// Threads an iteration runs on (1 in the browser and for small data).
    threads: usize,
}

/// Rows an iteration handles at a time: its scratch stays in the L1 cache.
const BLOCK: usize = 256;
/// Independent accumulators per sum: lets the processor (and its vector
/// units) work on several rows at once instead of waiting on one chain of
/// additions.
const LANES: usize = 4;

/// Σ a·f64(b) over two equally long slices, in [`LANES`] partial sums.
#[inline(always)]
fn dot_f32(a: &[f64], b: &[f32]) -> f64 {
    let mut lanes = [0.0; LANES];
    let (a_main, a_tail) = a.split_at(a.len() - a.len() % LANES);
    let (b_main, b_tail) = b.split_at(a_main.len());
    for (ac, bc) in a_main.chunks_exact(LANES).zip(b_main.chunks_exact(LANES)) {
        for l in 0..LANES {
            lanes[l] += ac[l] * f64::from(bc[l]);
        }
    }
    for (&av, &bv) in a_tail.iter().zip(b_tail) {
        lanes[0] += av * f64::from(bv);
    }
    lanes.iter().sum()
}

/// Σ a, in [`LANES`] partial sums.
#[inline(always)]
fn sum_lanes(a: &[f64]) -> f64 {
    let mut lanes = [0.0; LANES];
    let (main, tail) = a.split_at(a.len() - a.len() % LANES);
    for chunk in main.chunks_exact(LANES) {
        for l in 0..LANES {
            lanes[l] += chunk[l];
        }
    }
    lanes[0] += tail.iter().sum::<f64>();
    lanes.iter().sum()
}

/// Row ranges whose sums are taken separately and then added in a fixed
/// order, so a fit gives the same bits whether one thread or several do the
/// work, natively or in the browser.
const PARTS: usize = 4;
/// Below this many training rows one thread does everything: starting a
/// thread would cost more than it saves.
const PARALLEL_ROWS: usize = 65_536;

/// Threads worth using for `rows` training rows.
fn threads_for(rows: usize) -> usize {
    if cfg!(target_arch = "wasm32") || rows < PARALLEL_ROWS {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().min(PARTS))
}

/// The [`PARTS`] ranges of `n` rows, each a whole number of blocks.
fn part_ranges(n: usize) -> [Range<usize>; PARTS] {
    let per_part = n.div_ceil(PARTS).div_ceil(BLOCK) * BLOCK;
    std::array::from_fn(|k| (k * per_part).min(n)..((k + 1) * per_part).min(n))
}

/// Adds the parts in order and takes the means.
fn finish(parts: &[(f64, [f64; Q]); PARTS], n: usize) -> (f64, [f64; Q]) {
    let mut loss = 0.0;
    let mut grad = [0.0; Q];
    for (part_loss, part_grad) in parts {
        loss += part_loss;
        for (g, p) in grad.iter_mut().zip(part_grad) {
            *g += p;
        }
    }
    let n = n.max(1) as f64;
    grad.iter_mut().for_each(|g| *g /= n);
    (loss / n, grad)
}

/// Σ (a − mean)², in [`LANES`] partial sums.
#[inline(always)]
fn sum_squared_deviations(a: &[f64], mean: f64) -> f64 {
    let mut lanes = [0.0; LANES];
    let (main, tail) = a.split_at(a.len() - a.len() % LANES);
    for chunk in main.chunks_exact(LANES) {
        for l in 0..LANES {
            let d = chunk[l] - mean;
            lanes[l] += d * d;
        }
    }
    lanes[0] += tail.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>();
    lanes.iter().sum()
}

/// Feature `j` (in [`FEATURES`] order) of users `rows`, in raw units, into
/// `out` (one loop per column type rather than a branch per value).
fn gather(data: &Dataset, j: usize, rows: &[usize], out: &mut Vec<f64>) {
    out.clear();
    let tier = |t: Tier| {
        rows.iter()
            .map(move |&i| f64::from(u8::from(data.country_tier[i] == t)))
    };
    match j {
        0 => out.extend(rows.iter().map(|&i| f64::from(data.days_since_signup[i]))),
        1 => out.extend(rows.iter().map(|&i| f64::from(data.sessions_7d[i]))),
        2 => out.extend(rows.iter().map(|&i| data.content_hours_7d[i])),
        3 => out.extend(rows.iter().map(|&i| f64::from(data.downloads_7d[i]))),
        4 => out.extend(rows.iter().map(|&i| f64::from(data.paywall_views_7d[i]))),
        5 => out.extend(tier(Tier::Tier2)),
        _ => out.extend(tier(Tier::Tier3)),
    }
}

/// max(x, 0) as a plain comparison: one vector instruction on every target
/// (`f64::max`'s NaN rules cost extra ones in wasm; η is never NaN).
#[inline(always)]
fn positive_part(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

/// Σ max(η, 0) − y·η, the part of the log-loss that needs no logarithm.
#[inline(always)]
fn linear_loss(eta: &[f64], y: &[f64]) -> f64 {
    let mut lanes = [0.0; LANES];
    let whole = eta.len() - eta.len() % LANES;
    for (ec, yc) in eta[..whole]
        .chunks_exact(LANES)
        .zip(y[..whole].chunks_exact(LANES))
    {
        for l in 0..LANES {
            lanes[l] += positive_part(ec[l]) - yc[l] * ec[l];
        }
    }
    for (&eta_i, &y_i) in eta[whole..].iter().zip(&y[whole..]) {
        lanes[0] += positive_part(eta_i) - y_i * eta_i;
    }
    lanes.iter().sum()
}

/// Σ log(1 + e_i) for e_i in [0, 1], as one log per lane of a product.
#[inline(always)]
fn log_product(e: &[f64]) -> f64 {
    let mut lanes = [1.0; LANES];
    let whole = e.len() - e.len() % LANES;
    for chunk in e[..whole].chunks_exact(LANES) {
        for l in 0..LANES {
            lanes[l] *= 1.0 + chunk[l];
        }
    }
    for &e_i in &e[whole..] {
        lanes[0] *= 1.0 + e_i;
    }
    lanes.iter().map(|&f| libm::log(f)).sum()
}

impl Design {
    fn new(data: &Dataset, rows: &[usize]) -> Design {
        let n = rows.len();
        let mut x = Vec::with_capacity(n * P);
        let mut mean = [0.0; P];
        let mut std_dev = [0.0; P];
        let mut active = [false; P];
        let mut column = Vec::with_capacity(n);
        for j in 0..P {
            gather(data, j, rows, &mut column);
            let count = n.max(1) as f64;
            let m = sum_lanes(&column) / count;
            let var = sum_squared_deviations(&column, m) / count;
            let sd = var.sqrt();
            active[j] = sd > 1e-12 * m.abs().max(1.0);
            mean[j] = m;
            std_dev[j] = if active[j] { sd } else { 1.0 };
            if active[j] {
                x.extend(column.iter().map(|&v| ((v - m) / sd) as f32));
            } else {
                x.resize(x.len() + n, 0.0);
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
            threads: threads_for(n),
        }
    }

    fn rows(&self) -> usize {
        self.y.len()
    }

    /// Feature `j` of every training row, standardized.
    fn column(&self, j: usize) -> &[f32] {
        let n = self.rows();
        &self.x[j * n..(j + 1) * n]
    }

    /// Gram matrix of [standardized features, 1] over n.
    fn gram(&self) -> [[f64; Q]; Q] {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has AVX2, checked just above.
                return unsafe { self.gram_avx2() };
            }
        }
        self.gram_with()
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn gram_avx2(&self) -> [[f64; Q]; Q] {
        self.gram_with()
    }

    #[inline(always)]
    fn gram_with(&self) -> [[f64; Q]; Q] {
        let mut g = [[0.0; Q]; Q];
        let n = self.rows();
        let mut a = vec![0.0f64; BLOCK.min(n)];
        for start in (0..n).step_by(BLOCK) {
            let end = (start + BLOCK).min(n);
            for i in 0..P {
                let a = &mut a[..end - start];
                for (av, &v) in a.iter_mut().zip(&self.column(i)[start..end]) {
                    *av = f64::from(v);
                }
                for k in i..P {
                    g[i][k] += dot_f32(a, &self.column(k)[start..end]);
                }
                g[i][P] += sum_lanes(a);
            }
        }
        g[P][P] = n as f64;
        let n = n.max(1) as f64;
        for a in 0..Q {
            for b in a..Q {
                g[a][b] /= n;
                g[b][a] = g[a][b];
            }
        }
        g
    }

    /// The score η = β·x + intercept of rows `start..start + eta.len()`:
    /// one pass reading every column side by side.
    #[inline(always)]
    fn scores(&self, beta: &[f64; Q], start: usize, eta: &mut [f64]) {
        let m = eta.len();
        let columns: [&[f32]; P] = std::array::from_fn(|j| &self.column(j)[start..start + m]);
        for (i, e) in eta.iter_mut().enumerate() {
            let mut s = beta[P];
            for j in 0..P {
                s += beta[j] * f64::from(columns[j][i]);
            }
            *e = s;
        }
    }

    /// Mean log-loss and its gradient at standardized coefficients `beta`
    /// (intercept last). Stable for any score: log(1 + e^η) is computed as
    /// max(η, 0) + log(1 + e^−|η|).
    fn loss_and_gradient(&self, beta: &[f64; Q]) -> (f64, [f64; Q]) {
        let n = self.rows();
        let ranges = part_ranges(n);
        let mut parts = [(0.0, [0.0; Q]); PARTS];
        #[cfg(not(target_arch = "wasm32"))]
        if self.threads > 1 {
            let per_thread = PARTS.div_ceil(self.threads);
            std::thread::scope(|scope| {
                let mut groups = parts.chunks_mut(per_thread).zip(ranges.chunks(per_thread));
                let here = groups.next();
                for (slots, ranges) in groups {
                    scope.spawn(move || self.fill_parts(beta, ranges, slots));
                }
                if let Some((slots, ranges)) = here {
                    self.fill_parts(beta, ranges, slots);
                }
            });
            return finish(&parts, n);
        }
        self.fill_parts(beta, &ranges, &mut parts);
        finish(&parts, n)
    }

    fn fill_parts(&self, beta: &[f64; Q], ranges: &[Range<usize>], slots: &mut [(f64, [f64; Q])]) {
        for (slot, range) in slots.iter_mut().zip(ranges) {
            *slot = self.part_loss_gradient(beta, range.clone());
        }
    }

    /// Σ log-loss and Σ gradient over rows `range` (not yet divided by n).
    fn part_loss_gradient(&self, beta: &[f64; Q], range: Range<usize>) -> (f64, [f64; Q]) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has AVX2, checked just above.
                return unsafe { self.part_loss_gradient_avx2(beta, range) };
            }
        }
        self.part_loss_gradient_with(beta, range)
    }

    /// The same loops compiled for 4-wide vectors (twice the baseline's
    /// width). No FMA: every platform rounds the same operations alike.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn part_loss_gradient_avx2(&self, beta: &[f64; Q], range: Range<usize>) -> (f64, [f64; Q]) {
        self.part_loss_gradient_with(beta, range)
    }

    #[inline(always)]
    fn part_loss_gradient_with(&self, beta: &[f64; Q], range: Range<usize>) -> (f64, [f64; Q]) {
        // Each stage is its own simple loop over a block of rows, so the
        // compiler turns it into vector instructions and the processor
        // overlaps many rows' work.
        let mut grad = [0.0; Q];
        let mut loss = 0.0;
        let mut eta = [0.0f64; BLOCK];
        let mut e = [0.0f64; BLOCK];
        let mut residual = [0.0f64; BLOCK];
        for start in range.clone().step_by(BLOCK) {
            let m = BLOCK.min(range.end - start);
            let (eta, e, residual) = (&mut eta[..m], &mut e[..m], &mut residual[..m]);
            let ys = &self.y[start..start + m];
            self.scores(beta, start, eta);
            for (e_i, &eta_i) in e.iter_mut().zip(&*eta) {
                *e_i = exp_non_positive(-eta_i.abs());
            }
            for ((r, (&eta_i, &e_i)), &y) in residual.iter_mut().zip(eta.iter().zip(&*e)).zip(ys) {
                let p = if eta_i >= 0.0 { 1.0 } else { e_i } / (1.0 + e_i);
                *r = p - y;
            }
            loss += linear_loss(eta, ys);
            // Each factor 1 + e^−|η| is in (1, 2]: BLOCK / LANES of them
            // cannot overflow, and one log per lane replaces a log per row.
            loss += log_product(e);
            for j in 0..P {
                grad[j] += dot_f32(residual, &self.column(j)[start..start + m]);
            }
            grad[P] += sum_lanes(residual);
        }
        (loss, grad)
    }

    /// True when every training row is on the right side of 0.5 at `beta`.
    fn separates(&self, beta: &[f64; Q]) -> bool {
        let n = self.rows();
        let mut eta = [0.0f64; BLOCK];
        (0..n).step_by(BLOCK).all(|start| {
            let m = BLOCK.min(n - start);
            let eta = &mut eta[..m];
            self.scores(beta, start, eta);
            eta.iter()
                .zip(&self.y[start..start + m])
                .all(|(&e, &y)| (e > 0.0) == (y > 0.5))
        })
    }
}

/// e^x for x ≤ 0, to a relative error below 1e-14 (far below anything the
/// fit's tolerance can see), from basic IEEE operations only (so every
/// platform gets the same bits) and without branches, so a loop over many
/// rows becomes vector instructions: x = k·ln2 + r with |r| ≤ ln2/2, e^r by
/// its Taylor series to degree 11 (truncation error about 6e-15), then
/// scaled by 2^k through the exponent bits. Below −708.3 (where e^x is no
/// longer a normal number) it returns 0.
#[inline(always)]
fn exp_non_positive(x: f64) -> f64 {
    const LOG2_E: f64 = std::f64::consts::LOG2_E;
    // ln 2 split so that k·LN2_HI is exact (fdlibm's constants).
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    const ROUND: f64 = 6_755_399_441_055_744.0; // 1.5 × 2^52: adding it rounds to an integer
    const SMALLEST: f64 = -708.3;
    // A plain comparison rather than f64::max: one vector instruction on
    // every target (x is never NaN here).
    let clamped = if x < SMALLEST { SMALLEST } else { x };
    let shifted = clamped * LOG2_E + ROUND;
    let k = shifted - ROUND;
    let r = (clamped - k * LN2_HI) - k * LN2_LO;
    let mut poly = 1.0 / 39_916_800.0;
    for inv_factorial in [
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
    // shifted = 1.5·2^52 + k exactly, so its low bits hold k (in [−1022, 0]
    // here): adding the exponent bias and shifting builds 2^k's bits with
    // integer operations only.
    let scale = f64::from_bits(shifted.to_bits().wrapping_add(1023) << 52);
    if x < SMALLEST {
        0.0
    } else {
        poly * scale
    }
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
    fn exp_matches_libm_to_1e_14() {
        let mut worst = 0.0f64;
        for i in 0..200_000 {
            let x = -(i as f64) * 0.003_7 - 1e-9 * i as f64;
            let (ours, reference) = (exp_non_positive(x), libm::exp(x));
            if x >= -708.0 {
                worst = worst.max(((ours - reference) / reference).abs());
            }
        }
        assert!(worst < 1e-14, "worst relative error {worst}");
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
    fn vector_width_does_not_change_a_bit() {
        // The dispatched loops (AVX2 where the processor has it) against the
        // baseline build of the same loops.
        let data = world(5_000);
        let rows: Vec<usize> = (0..data.len()).collect();
        let design = Design::new(&data, &rows);
        let beta = [-0.3, 0.5, 0.6, 0.45, 0.4, -0.25, -0.4, 2.1];
        let baseline = design.part_loss_gradient_with(&beta, 0..design.rows());
        let dispatched = design.part_loss_gradient(&beta, 0..design.rows());
        assert_eq!(baseline.0.to_bits(), dispatched.0.to_bits());
        assert_eq!(baseline.1.map(f64::to_bits), dispatched.1.map(f64::to_bits));
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
            assert!(params.validate().unwrap_err().0.starts_with(name));
        }
        assert!(fit(&Dataset::default(), &FitParams::default())
            .unwrap_err()
            .0
            .contains("no rows"));
    }
}
