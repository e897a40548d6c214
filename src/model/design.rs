//! The training rows, standardized, ready for the descent: the design
//! matrix column by column, its Gram matrix, the loss and gradient at a
//! point, and the curvature (the Hessian) for Newton's method and the
//! weights' standard errors.

// Small dense matrix maths (8×8) reads clearest with index loops.
#![allow(clippy::needless_range_loop)]

use std::ops::Range;

use super::features::{P, Q};
use super::kernels::*;
use super::standardize::{standardized, Column, Scaler};
use crate::math::{exp_non_positive, sigmoid_from_exp};
use crate::parallel::join;
use crate::world::dataset::Dataset;

/// The training rows, standardized, ready for the descent.
#[derive(Clone, Debug)]
pub(super) struct Design {
    /// Standardized features, column by column (`rows()` values per column;
    /// all 0 for a constant column), stored as f32: half the memory traffic
    /// per iteration, and standardized values need no more than f32's 7
    /// digits (the fit itself accumulates in f64). Columns, not rows, so each
    /// stage of an iteration is a straight loop over contiguous numbers that
    /// the compiler turns into vector instructions.
    pub(super) x: [Vec<f32>; P],
    /// Labels: 0 or 1, or a probability for a fit to fractional labels.
    pub(super) y: Vec<f64>,
    pub(super) mean: [f64; P],
    pub(super) std_dev: [f64; P],
    /// False for a constant or left-out column: its weight stays 0.
    pub(super) active: [bool; P],
    /// False for a constant column (which can never take part).
    pub(super) varies: [bool; P],
    /// Threads an iteration runs on (1 in the browser and for small data).
    pub(super) threads: usize,
}

/// What a design's rows are labelled with.
#[derive(Clone, Copy, Debug)]
pub(super) enum Labels<'a> {
    /// Each user's `converted`, 0 or 1.
    Converted,
    /// A probability per user of the dataset (indexed like it): a fit to
    /// fractional labels.
    Probabilities(&'a [f64]),
}

impl Labels<'_> {
    pub(super) fn gather(self, data: &Dataset, rows: &[usize]) -> Vec<f64> {
        match self {
            Labels::Converted => rows
                .iter()
                .map(|&i| f64::from(u8::from(data.converted[i])))
                .collect(),
            Labels::Probabilities(q) => rows.iter().map(|&i| q[i]).collect(),
        }
    }
}

/// Sums over rows of the loss's curvature at one point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Curvature {
    /// Mean log-loss.
    pub(super) loss: f64,
    /// Mean gradient.
    pub(super) gradient: [f64; Q],
    /// Mean Hessian: Σ p(1 − p) x xᵀ / n (the observed Fisher information
    /// per user).
    pub(super) hessian: [[f64; Q]; Q],
}

impl Design {
    /// Rows `rows` of `data` with their `converted` labels, standardized with
    /// their own means and standard deviations; the columns not `used` are
    /// left out (kept at 0).
    pub(super) fn new(data: &Dataset, rows: &[usize], used: [bool; P]) -> Design {
        Design::with_labels(data, rows, used, Labels::Converted)
    }

    /// As [`Design::new`], labelled with `labels`.
    pub(super) fn with_labels(
        data: &Dataset,
        rows: &[usize],
        used: [bool; P],
        labels: Labels<'_>,
    ) -> Design {
        let columns = standardized(data, rows, None);
        let scales = columns.each_ref().map(|c| c.1);
        let scaler = Scaler {
            mean: scales.map(|c| c.mean),
            std_dev: scales.map(|c| c.std_dev),
            active: std::array::from_fn(|j| used[j] && scales[j].varies),
            varies: scales.map(|c| c.varies),
        };
        Design::from_columns(data, rows, columns, &scaler, labels)
    }

    /// Rows `rows` of `data` standardized with another design's `scaler`
    /// (the held-out users, measured on the training users' scale). Columns
    /// that vary are stored even when left out, so [`Design::use_columns`]
    /// can bring them back.
    pub(super) fn scaled(
        data: &Dataset,
        rows: &[usize],
        scaler: &Scaler,
        labels: Labels<'_>,
    ) -> Design {
        let columns = standardized(data, rows, Some(scaler));
        Design::from_columns(data, rows, columns, scaler, labels)
    }

    fn from_columns(
        data: &Dataset,
        rows: &[usize],
        columns: [Column; P],
        scaler: &Scaler,
        labels: Labels<'_>,
    ) -> Design {
        Design {
            x: columns.map(|c| c.0),
            y: labels.gather(data, rows),
            mean: scaler.mean,
            std_dev: scaler.std_dev,
            active: scaler.active,
            varies: scaler.varies,
            threads: threads_for(rows.len()),
        }
    }

    /// The scale this design was standardized with.
    pub(super) fn scaler(&self) -> Scaler {
        Scaler {
            mean: self.mean,
            std_dev: self.std_dev,
            active: self.active,
            varies: self.varies,
        }
    }

    /// Takes the columns `used` (those that vary) into the model, the others
    /// out.
    pub(super) fn use_columns(&mut self, used: [bool; P]) {
        for j in 0..P {
            self.active[j] = used[j] && self.varies[j];
        }
    }

    pub(super) fn rows(&self) -> usize {
        self.y.len()
    }

    /// Feature `j` of every training row, standardized.
    fn column(&self, j: usize) -> &[f32] {
        &self.x[j]
    }

    /// Gram matrix of [standardized features, 1] over n.
    pub(super) fn gram(&self) -> [[f64; Q]; Q] {
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
    pub(super) fn loss_and_gradient(&self, beta: &[f64; Q]) -> (f64, [f64; Q]) {
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
                *r = sigmoid_from_exp(eta_i, e_i) - y;
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

    /// The loss, gradient and curvature at `beta` (intercept last): one
    /// pass, in the same fixed order of parts as the gradient, so every
    /// platform gets the same bits.
    pub(super) fn curvature(&self, beta: &[f64; Q]) -> Curvature {
        let n = self.rows();
        let mut total = Curvature {
            loss: 0.0,
            gradient: [0.0; Q],
            hessian: [[0.0; Q]; Q],
        };
        let ranges = part_ranges(n);
        let mut parts = [total; PARTS];
        let fill = |slots: &mut [Curvature], ranges: &[Range<usize>]| {
            for (slot, range) in slots.iter_mut().zip(ranges) {
                *slot = self.part_curvature(beta, range.clone());
            }
        };
        if self.threads > 1 {
            // Half the parts on each thread, then summed in their fixed order.
            let (low, high) = parts.split_at_mut(PARTS / 2);
            let (low_ranges, high_ranges) = ranges.split_at(PARTS / 2);
            join(n, || fill(low, low_ranges), || fill(high, high_ranges));
        } else {
            fill(&mut parts, &ranges);
        }
        for part in parts {
            total.loss += part.loss;
            for a in 0..Q {
                total.gradient[a] += part.gradient[a];
                for b in 0..Q {
                    total.hessian[a][b] += part.hessian[a][b];
                }
            }
        }
        let count = n.max(1) as f64;
        total.loss /= count;
        total.gradient.iter_mut().for_each(|g| *g /= count);
        for a in 0..Q {
            for b in a..Q {
                total.hessian[a][b] /= count;
                total.hessian[b][a] = total.hessian[a][b];
            }
        }
        total
    }

    fn part_curvature(&self, beta: &[f64; Q], range: Range<usize>) -> Curvature {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has AVX2, checked just above.
                return unsafe { self.part_curvature_avx2(beta, range) };
            }
        }
        self.part_curvature_with(beta, range)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn part_curvature_avx2(&self, beta: &[f64; Q], range: Range<usize>) -> Curvature {
        self.part_curvature_with(beta, range)
    }

    /// Sums (not yet means) over rows `range`; only the upper triangle of
    /// the Hessian is filled.
    #[inline(always)]
    fn part_curvature_with(&self, beta: &[f64; Q], range: Range<usize>) -> Curvature {
        let mut out = Curvature {
            loss: 0.0,
            gradient: [0.0; Q],
            hessian: [[0.0; Q]; Q],
        };
        let mut eta = [0.0f64; BLOCK];
        let mut e = [0.0f64; BLOCK];
        let mut residual = [0.0f64; BLOCK];
        let mut weight = [0.0f64; BLOCK];
        let mut weighted = [0.0f64; BLOCK];
        for start in range.clone().step_by(BLOCK) {
            let m = BLOCK.min(range.end - start);
            let (eta, e, residual) = (&mut eta[..m], &mut e[..m], &mut residual[..m]);
            let (weight, weighted) = (&mut weight[..m], &mut weighted[..m]);
            let ys = &self.y[start..start + m];
            self.scores(beta, start, eta);
            for (e_i, &eta_i) in e.iter_mut().zip(&*eta) {
                *e_i = exp_non_positive(-eta_i.abs());
            }
            for (((r, w), (&eta_i, &e_i)), &y) in residual
                .iter_mut()
                .zip(weight.iter_mut())
                .zip(eta.iter().zip(&*e))
                .zip(ys)
            {
                let p = sigmoid_from_exp(eta_i, e_i);
                *r = p - y;
                *w = p * (1.0 - p);
            }
            out.loss += linear_loss(eta, ys) + log_product(e);
            for j in 0..P {
                out.gradient[j] += dot_f32(residual, &self.column(j)[start..start + m]);
            }
            out.gradient[P] += sum_lanes(residual);
            accumulate(self, &mut out.hessian, weight, weighted, start);
        }
        out
    }

    /// True when every training row is on the right side of 0.5 at `beta`.
    pub(super) fn separates(&self, beta: &[f64; Q]) -> bool {
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

/// Adds Σ w x xᵀ over the block at `start` to the upper triangle of `m`
/// (`scratch` holds w·x of one column at a time).
#[inline(always)]
fn accumulate(d: &Design, m: &mut [[f64; Q]; Q], w: &[f64], scratch: &mut [f64], start: usize) {
    let len = w.len();
    for a in 0..P {
        if !d.active[a] {
            continue;
        }
        let column = &d.column(a)[start..start + len];
        for ((s, &wi), &x) in scratch.iter_mut().zip(w).zip(column) {
            *s = wi * f64::from(x);
        }
        for b in a..P {
            m[a][b] += dot_f32(scratch, &d.column(b)[start..start + len]);
        }
        m[a][P] += sum_lanes(scratch);
    }
    m[P][P] += sum_lanes(w);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::MAX_ROWS_IN_MEMORY;
    use crate::world::generator::generate;
    use crate::world::params::GeneratorParams;

    #[test]
    fn vector_width_does_not_change_a_bit() {
        // The dispatched loops (AVX2 where the processor has it) against the
        // baseline build of the same loops.
        let data = generate(
            &GeneratorParams {
                rows: 5_000,
                ..Default::default()
            }
            .validate(MAX_ROWS_IN_MEMORY)
            .unwrap(),
        );
        let rows: Vec<usize> = (0..data.len()).collect();
        let design = Design::new(&data, &rows, [true; P]);
        let beta = [-0.3, 0.5, 0.6, 0.45, 0.4, -0.25, -0.4, 2.1];
        let baseline = design.part_loss_gradient_with(&beta, 0..design.rows());
        let dispatched = design.part_loss_gradient(&beta, 0..design.rows());
        assert_eq!(baseline.0.to_bits(), dispatched.0.to_bits());
        assert_eq!(baseline.1.map(f64::to_bits), dispatched.1.map(f64::to_bits));
        let baseline = design.part_curvature_with(&beta, 0..design.rows());
        let dispatched = design.part_curvature(&beta, 0..design.rows());
        assert_eq!(baseline, dispatched);
    }

    #[test]
    fn curvature_is_the_gradients_derivative() {
        // The Hessian against finite differences of the gradient, and the
        // loss and gradient against the descent's own pass.
        let data = generate(
            &GeneratorParams {
                rows: 3_000,
                ..Default::default()
            }
            .validate(MAX_ROWS_IN_MEMORY)
            .unwrap(),
        );
        let rows: Vec<usize> = (0..data.len()).collect();
        let design = Design::new(&data, &rows, [true; P]);
        let beta = [-0.3, 0.5, 0.6, 0.45, 0.4, -0.25, -0.4, 2.1];
        let c = design.curvature(&beta);
        let (loss, gradient) = design.loss_and_gradient(&beta);
        assert!((c.loss - loss).abs() < 1e-12);
        for a in 0..Q {
            assert!((c.gradient[a] - gradient[a]).abs() < 1e-12);
            let h = 1e-5;
            let mut up = beta;
            up[a] += h;
            let mut down = beta;
            down[a] -= h;
            let (_, g_up) = design.loss_and_gradient(&up);
            let (_, g_down) = design.loss_and_gradient(&down);
            for b in 0..Q {
                let numeric = (g_up[b] - g_down[b]) / (2.0 * h);
                assert!((c.hessian[a][b] - numeric).abs() < 1e-7, "{a},{b}");
            }
        }
    }
}
