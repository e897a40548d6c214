//! The loops every fit iteration runs: simple passes over contiguous
//! columns that the compiler turns into vector instructions, in partial sums
//! added in a fixed order so every platform and thread count gives the same
//! bits.

// Lane loops read clearest with index loops.
#![allow(clippy::needless_range_loop)]

use std::ops::Range;

use super::features::Q;

/// Rows an iteration handles at a time: its scratch stays in the L1 cache.
pub(super) const BLOCK: usize = 256;
/// Independent accumulators per sum: lets the processor (and its vector
/// units) work on several rows at once instead of waiting on one chain of
/// additions.
pub(super) const LANES: usize = 4;

/// Σ a·f64(b) over two equally long slices, in [`LANES`] partial sums.
#[inline(always)]
pub(super) fn dot_f32(a: &[f64], b: &[f32]) -> f64 {
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
pub(super) fn sum_lanes(a: &[f64]) -> f64 {
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
pub(super) const PARTS: usize = 4;
/// Threads worth using for `rows` training rows: one unless the rows are
/// worth splitting ([`crate::parallel::splits`]), else the machine's cores,
/// at most [`PARTS`].
pub(super) fn threads_for(rows: usize) -> usize {
    if !crate::parallel::splits(rows) {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().min(PARTS))
}

/// The [`PARTS`] ranges of `n` rows, each a whole number of blocks.
pub(super) fn part_ranges(n: usize) -> [Range<usize>; PARTS] {
    let per_part = n.div_ceil(PARTS).div_ceil(BLOCK) * BLOCK;
    std::array::from_fn(|k| (k * per_part).min(n)..((k + 1) * per_part).min(n))
}

/// Adds the parts in order and takes the means.
pub(super) fn finish(parts: &[(f64, [f64; Q]); PARTS], n: usize) -> (f64, [f64; Q]) {
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
pub(super) fn sum_squared_deviations(a: &[f64], mean: f64) -> f64 {
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

/// max(x, 0) as a plain comparison: one vector instruction on every target
/// (`f64::max`'s NaN rules cost extra ones in wasm; η is never NaN).
#[inline(always)]
pub(super) fn positive_part(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

/// Σ max(η, 0) − y·η, the part of the log-loss that needs no logarithm.
#[inline(always)]
pub(super) fn linear_loss(eta: &[f64], y: &[f64]) -> f64 {
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
pub(super) fn log_product(e: &[f64]) -> f64 {
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
