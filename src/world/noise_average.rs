//! The noise-averaged probability q(s) = E[sigmoid(s + σZ)], Z ~ Normal(0, 1):
//! how often a user with systematic score s converts, on average over the
//! noise that no signal records. A model that sees only the signals can at
//! best learn q, never the sigmoid of each user's own score.
//!
//! How it is computed. The integrand φ(z)·sigmoid(s + σz) has two scales:
//! the normal density's (1) and the sigmoid's transition (1/σ in z). The
//! classic Gauss–Hermite rule (a weighted sum at a few dozen fixed z) is
//! exact to 1e-12 at σ = 0.8 but not beyond: the sigmoid's poles at
//! z = (−s ± iπ)/σ approach the real line as σ grows, and 40 nodes leave an
//! error of 1e-8 at σ = 2, 4e-6 at σ = 3 and 1e-2 at σ = 10 (the contract
//! allows σ up to 100). So the integral is split into panels, each at most 1
//! wide in z and 2 wide in score units, placed around the transition, with a
//! 10-point Gauss–Legendre rule on each: within about 1e-15 of the integral
//! for every σ the contract allows (the test checks it against an
//! independent Simpson rule and against Gauss–Hermite where that is exact).
//!
//! A world holds up to a million users, so q is tabulated once per σ on a
//! fine grid of s (q and its slope q′ at each point, interpolated by cubic
//! Hermite polynomials: error below 2e-11) and read per user. Each
//! interval keeps its polynomial's four coefficients, so a reading is
//! three multiplications and three additions (Horner's rule). Scores far
//! outside the grid are integrated directly.

use crate::math::{exp_non_positive, sigmoid};
use crate::world::score::BLOCK;

/// Points of the Gauss–Legendre rule on each panel.
const RULE_POINTS: usize = 10;
/// The normal's mass beyond |z| = 9 is 2.3e-19: left out.
const Z_LIMIT: f64 = 9.0;
/// Beyond |s + σz| = 40 the sigmoid is within 4.3e-18 of 0 or 1: smooth at
/// the normal's scale.
const SCORE_LIMIT: f64 = 40.0;
/// Widest panel, in score units, where the sigmoid turns.
const SCORE_PANEL: f64 = 2.0;
/// Grid spacing of the table per unit of max(1, σ): q varies on the scale
/// of max(1, σ), so the interpolation error (h⁴/384·max|q⁗|, with
/// |q⁗| ≤ min(|sigmoid⁗|, |φ‴|/σ³)) stays below 2e-11 whatever σ.
const GRID_STEP: f64 = 0.01;
/// Beyond |s| = this + 10σ, scores are integrated one by one (never for
/// worlds a page can make; it bounds the table at about 11,000 points).
const TABLE_REACH: f64 = 45.0;

/// 1/√(2π).
const INV_SQRT_TWO_PI: f64 = 0.398_942_280_401_432_7;

/// The Gauss–Legendre nodes and weights on [−1, 1]: Newton's method on the
/// Legendre recurrence from the usual cosine guesses, in basic IEEE
/// operations (libm's cos for the guesses), so every platform gets the
/// same bits.
fn gauss_legendre() -> ([f64; RULE_POINTS], [f64; RULE_POINTS]) {
    let n = RULE_POINTS;
    let mut nodes = [0.0; RULE_POINTS];
    let mut weights = [0.0; RULE_POINTS];
    for i in 0..n.div_ceil(2) {
        let mut x = libm::cos(std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5));
        let mut derivative = 0.0;
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0, x);
            for k in 2..=n {
                let k = k as f64;
                let p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            derivative = n as f64 * (x * p1 - p0) / (x * x - 1.0);
            let next = x - p1 / derivative;
            let done = (next - x).abs() <= 1e-16;
            x = next;
            if done {
                break;
            }
        }
        let w = 2.0 / ((1.0 - x * x) * derivative * derivative);
        nodes[i] = -x;
        nodes[n - 1 - i] = x;
        weights[i] = w;
        weights[n - 1 - i] = w;
    }
    (nodes, weights)
}

/// q(s) and its slope at any s, for one σ.
#[derive(Clone, Debug)]
pub struct NoiseAverage {
    sigma: f64,
    nodes: [f64; RULE_POINTS],
    weights: [f64; RULE_POINTS],
    table: Option<Table>,
}

/// q and q′ on the grid first·step, (first + 1)·step, …: points of one
/// grid of all scores, whatever range a table covers, so that every table
/// for a σ reads the same bits for a score it holds. (A lab's table grows
/// as the offer's effect reaches further; a view must not depend on the
/// effects seen before it.)
#[derive(Clone, Debug)]
struct Table {
    /// The grid index of the first point, a whole number.
    first: f64,
    step: f64,
    /// 1 / step.
    scale: f64,
    /// Per interval k, the cubic Hermite polynomial through q and q′ at
    /// its ends, as its coefficients a, b, c, d of a + b·u + c·u² + d·u³
    /// with u = (s − left) / step from 0 to 1, left = (first + k)·step:
    /// everything one reading needs in one cache line, for loops over a
    /// million users.
    intervals: Vec<Cubic>,
}

/// An interval's polynomial: its four coefficients, 32 bytes aligned to
/// 32, so that no record straddles two cache lines.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(32))]
struct Cubic([f64; 4]);

impl Table {
    /// The left end of interval `k`: grid point first + k.
    #[inline(always)]
    fn left(&self, k: usize) -> f64 {
        (self.first + k as f64) * self.step
    }

    /// The interval that holds `s`, as a whole number: ⌊s·scale⌋ − first,
    /// exact (the grid index of `s` does not depend on the table).
    #[inline(always)]
    fn position(&self, s: f64) -> f64 {
        (s * self.scale).floor() - self.first
    }

    /// The last interval's position.
    fn last(&self) -> f64 {
        (self.intervals.len() - 1) as f64
    }

    /// The cubic Hermite interpolant at `s`, in interval `k`.
    #[inline(always)]
    fn read(&self, s: f64, k: usize) -> f64 {
        let u = (s - self.left(k)) * self.scale;
        horner(self.intervals[k].0, u)
    }
}

/// a + b·u + c·u² + d·u³ by Horner's rule.
#[inline(always)]
fn horner([a, b, c, d]: [f64; 4], u: f64) -> f64 {
    ((d * u + c) * u + b) * u + a
}

/// [`NoiseAverage::at_tabulated_shifted_less`] for at most [`BLOCK`]
/// pairs, all in `table`.
fn read_block(
    table: &Table,
    (s, t): (&[f64], &[f64]),
    out: &mut [f64],
    (base, less): (&[f64], &mut [f64]),
) {
    let m = out.len();
    assert!(m <= BLOCK && s.len() == m && t.len() == m);
    debug_assert!(base.len() == m && less.len() == m);
    let last = table.last();
    let mut interval = [0u32; BLOCK];
    let mut x = [0.0f64; BLOCK];
    // Two at a time on wasm's vector instructions: the loop below's
    // operations on each pair, its cap and truncation as
    // `floor_within_pair` does them.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let done = {
        use core::arch::wasm32::*;
        let (first, scale) = (f64x2_splat(table.first), f64x2_splat(table.scale));
        let mut j = 0;
        while j + 2 <= m {
            // SAFETY: j + 2 ≤ m, the length of `s` and `t` (asserted
            // above), and m ≤ BLOCK, that of `x`.
            let sum = unsafe {
                let at = |v: &[f64]| v128_load(v.as_ptr().add(j).cast::<v128>());
                let sum = f64x2_add(at(s), at(t));
                v128_store(x.as_mut_ptr().add(j).cast::<v128>(), sum);
                sum
            };
            let position = f64x2_sub(f64x2_floor(f64x2_mul(sum, scale)), first);
            let k = crate::math::floor_within_pair(position, last);
            interval[j] = u64x2_extract_lane::<0>(k) as u32;
            interval[j + 1] = u64x2_extract_lane::<1>(k) as u32;
            j += 2;
        }
        j
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let done = 0;
    let each = (interval[done..m].iter_mut().zip(&mut x[done..m]))
        .zip(&s[done..])
        .zip(&t[done..]);
    for (((k, x), &s), &t) in each {
        *x = s + t;
        let position = table.position(*x);
        // Capped at the last interval (and 0 for a position below the
        // table, where it never is).
        let capped = if position < last { position } else { last };
        let capped = if capped > 0.0 { capped } else { 0.0 };
        // SAFETY: from 0 to the last interval (NaN became the last
        // above): converts as `as` would, without its checks.
        *k = unsafe { capped.to_int_unchecked::<i32>() } as u32;
    }
    for j in 0..m {
        out[j] = table.read(x[j], interval[j] as usize);
        less[j] = out[j] - base[j];
    }
}

impl NoiseAverage {
    /// q for noise `sigma` (≥ 0), tabulated for scores from `lowest` to
    /// `highest` (the range of the users it will be asked about).
    pub fn new(sigma: f64, lowest: f64, highest: f64) -> NoiseAverage {
        let (nodes, weights) = gauss_legendre();
        let mut average = NoiseAverage {
            sigma,
            nodes,
            weights,
            table: None,
        };
        if sigma > 0.0 {
            let reach = TABLE_REACH + 10.0 * sigma;
            let (from, to) = (lowest.max(-reach), highest.min(reach));
            if from <= to {
                let step = GRID_STEP * sigma.max(1.0);
                let scale = 1.0 / step;
                // The grid's intervals that hold `from` to `to`, and one more.
                let first = (from * scale).floor();
                let points = ((to * scale).floor() - first) as usize + 2;
                let (values, slopes): (Vec<f64>, Vec<f64>) = (0..points)
                    .map(|k| average.integrate((first + k as f64) * step))
                    .unzip();
                let intervals = (0..points - 1)
                    .map(|k| {
                        // The Hermite basis' coefficients gathered by
                        // power of u (slopes in units of u).
                        let (v0, v1) = (values[k], values[k + 1]);
                        let (s0, s1) = (step * slopes[k], step * slopes[k + 1]);
                        let c = 3.0 * (v1 - v0) - 2.0 * s0 - s1;
                        let d = 2.0 * (v0 - v1) + s0 + s1;
                        Cubic([v0, s0, c, d])
                    })
                    .collect();
                average.table = Some(Table {
                    first,
                    step,
                    scale,
                    intervals,
                });
            }
        }
        average
    }

    /// q(s): from the table within its range, integrated beyond it.
    pub fn at(&self, s: f64) -> f64 {
        if self.sigma == 0.0 {
            return sigmoid(s);
        }
        if let Some(t) = &self.table {
            let position = t.position(s);
            if position >= 0.0 && position <= t.last() {
                return t.read(s, position as usize);
            }
        }
        self.integrate(s).0
    }

    /// True when q of every score from `lowest` to `highest` is read from
    /// the table (or needs none: σ = 0).
    pub fn tabulates(&self, lowest: f64, highest: f64) -> bool {
        match &self.table {
            Some(t) => t.position(lowest) >= 0.0 && t.position(highest) <= t.last(),
            None => self.sigma == 0.0,
        }
    }

    /// q(s + t) of each pair into `out`, and each less `base` into `less`
    /// (in the same loop, while it is at hand), for scores the table holds
    /// ([`NoiseAverage::tabulates`]): the same bits as [`NoiseAverage::at`]
    /// without its range checks, in two loops: where each lies (two at a
    /// time on wasm's vector instructions), then its interval's polynomial
    /// (one record read whole). Any number of pairs, [`BLOCK`] at a time.
    pub fn at_tabulated_shifted_less(
        &self,
        (s, t): (&[f64], &[f64]),
        out: &mut [f64],
        (base, less): (&[f64], &mut [f64]),
    ) {
        let n = out.len();
        assert!(s.len() == n && t.len() == n && base.len() == n && less.len() == n);
        let Some(table) = &self.table else {
            for ((q, &s), &t) in out.iter_mut().zip(s).zip(t) {
                *q = sigmoid(s + t);
            }
            for ((d, &q), &b) in less.iter_mut().zip(&*out).zip(base) {
                *d = q - b;
            }
            return;
        };
        for at in (0..n).step_by(BLOCK) {
            let to = (at + BLOCK).min(n);
            let pairs = (&s[at..to], &t[at..to]);
            let less = (&base[at..to], &mut less[at..to]);
            read_block(table, pairs, &mut out[at..to], less);
        }
    }

    /// q(s) and q′(s) = E[sigmoid′(s + σZ)] by the panelled rule.
    pub fn integrate(&self, s: f64) -> (f64, f64) {
        let sigma = self.sigma;
        if sigma == 0.0 {
            let p = sigmoid(s);
            return (p, p * (1.0 - p));
        }
        // Panel edges: every 1 in z, merged with every SCORE_PANEL / σ where
        // the sigmoid turns (|s + σz| ≤ SCORE_LIMIT).
        let turn_start = (-SCORE_LIMIT - s) / sigma;
        let turn_step = SCORE_PANEL / sigma;
        let turns = (2.0 * SCORE_LIMIT / SCORE_PANEL) as usize;
        let turn = |j: usize| turn_start + j as f64 * turn_step;
        let base = |i: usize| -Z_LIMIT + i as f64;
        let bases = (2.0 * Z_LIMIT) as usize;
        let (mut i, mut j) = (1, 0);
        while j <= turns && turn(j) <= -Z_LIMIT {
            j += 1;
        }
        let (mut q, mut slope) = (0.0, 0.0);
        let mut a = -Z_LIMIT;
        while a < Z_LIMIT {
            let next_base = if i <= bases { base(i) } else { f64::INFINITY };
            let next_turn = if j <= turns { turn(j) } else { f64::INFINITY };
            let b = next_base.min(next_turn).min(Z_LIMIT);
            let (half, middle) = (0.5 * (b - a), 0.5 * (a + b));
            for (&x, &w) in self.nodes.iter().zip(&self.weights) {
                let z = middle + half * x;
                let density = w * half * INV_SQRT_TWO_PI * exp_non_positive(-0.5 * z * z);
                let p = sigmoid(s + sigma * z);
                q += density * p;
                slope += density * p * (1.0 - p);
            }
            if next_base <= b {
                i += 1;
            }
            if next_turn <= b {
                j += 1;
            }
            a = b;
        }
        (q, slope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Composite Simpson on z in [−12, 12] with 2,000,000 intervals: slow,
    /// simple and independent of the panels.
    fn simpson(s: f64, sigma: f64) -> f64 {
        let n = 2_000_000;
        let (a, b) = (-12.0, 12.0);
        let h = (b - a) / n as f64;
        let f = |z: f64| {
            (-0.5 * z * z).exp()
                / (2.0 * std::f64::consts::PI).sqrt()
                / (1.0 + (-(s + sigma * z)).exp())
        };
        let mut total = f(a) + f(b);
        for k in 1..n {
            total += if k % 2 == 1 { 4.0 } else { 2.0 } * f(a + k as f64 * h);
        }
        total * h / 3.0
    }

    #[test]
    fn the_rule_integrates_polynomials_exactly() {
        let (x, w) = gauss_legendre();
        assert!((w.iter().sum::<f64>() - 2.0).abs() < 1e-14);
        // Exact for degree 2n − 1 = 19: ∫ x^18 = 2/19.
        let moment: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(18)).sum();
        assert!((moment - 2.0 / 19.0).abs() < 1e-14);
    }

    #[test]
    fn q_equals_an_independent_integral_for_any_sigma() {
        for sigma in [0.05, 0.8, 2.0, 5.0, 20.0, 100.0] {
            let average = NoiseAverage::new(sigma, -1.0, 1.0);
            for s in [-30.0, -6.0, -1.3, 0.0, 0.4, 2.5, 9.0, 60.0] {
                let (q, _) = average.integrate(s);
                let reference = simpson(s, sigma);
                assert!(
                    (q - reference).abs() < 1e-12,
                    "σ {sigma}, s {s}: {q} vs {reference}"
                );
            }
        }
    }

    #[test]
    fn q_at_the_defaults_equals_gauss_hermite() {
        // 40-point Gauss–Hermite (Golub–Welsch nodes, published to 16 digits
        // for the probabilists' weight would do; here by the same Newton
        // recurrence as Numerical Recipes' gauher), exact to 1e-13 at σ = 0.8.
        let n = 40usize;
        let mut nodes = vec![0.0; n];
        let mut weights = vec![0.0; n];
        let pim4 = std::f64::consts::PI.powf(-0.25);
        let mut z = 0.0f64;
        for i in 0..n.div_ceil(2) {
            let nf = n as f64;
            z = match i {
                0 => (2.0 * nf + 1.0).sqrt() - 1.85575 * (2.0 * nf + 1.0).powf(-0.16667),
                1 => z - 1.14 * nf.powf(0.426) / z,
                2 => 1.86 * z - 0.86 * nodes[0],
                3 => 1.91 * z - 0.91 * nodes[1],
                _ => 2.0 * z - nodes[i - 2],
            };
            let mut pp = 0.0;
            for _ in 0..100 {
                let (mut p1, mut p2) = (pim4, 0.0);
                for j in 0..n {
                    let p3 = p2;
                    p2 = p1;
                    let jf = j as f64;
                    p1 = z * (2.0 / (jf + 1.0)).sqrt() * p2 - (jf / (jf + 1.0)).sqrt() * p3;
                }
                pp = (2.0 * nf).sqrt() * p2;
                let previous = z;
                z = previous - p1 / pp;
                if (z - previous).abs() <= 1e-15 {
                    break;
                }
            }
            nodes[i] = z;
            nodes[n - 1 - i] = -z;
            weights[i] = 2.0 / (pp * pp);
            weights[n - 1 - i] = weights[i];
        }
        let sigma = 0.8;
        let average = NoiseAverage::new(sigma, -5.0, 10.0);
        for s in [-4.0, -0.7, 0.0, 1.9, 3.3, 8.0] {
            let hermite: f64 = nodes
                .iter()
                .zip(&weights)
                .map(|(&t, &w)| {
                    w / std::f64::consts::PI.sqrt()
                        / (1.0 + (-(s + sigma * std::f64::consts::SQRT_2 * t)).exp())
                })
                .sum();
            assert!((average.at(s) - hermite).abs() < 1e-12, "s {s}");
        }
    }

    #[test]
    fn the_table_reads_the_integral_back() {
        for sigma in [0.3, 0.8, 3.0, 40.0] {
            let average = NoiseAverage::new(sigma, -12.0, 15.0);
            let mut worst = 0.0f64;
            for k in 0..20_000 {
                // Irregular points, including grid points and both ends.
                let s = -12.0 + 27.0 * ((k as f64 * 0.618_033_988_749_894_9) % 1.0);
                worst = worst.max((average.at(s) - average.integrate(s).0).abs());
            }
            assert!(worst < 2e-11, "σ {sigma}: {worst}");
            // Beyond the table: integrated directly.
            assert_eq!(average.at(500.0), average.integrate(500.0).0);
        }
        let none = NoiseAverage::new(0.0, -1.0, 1.0);
        assert_eq!(none.at(0.7), sigmoid(0.7));
    }

    #[test]
    fn tables_of_any_range_read_the_same_bits() {
        // A lab's table grows as the offer reaches further: the scores it
        // held before read what they did, and what a table made for them
        // alone reads, in one score's reading and in a block's.
        for sigma in [0.3, 0.8, 3.0] {
            let tables = [(-3.1, 2.7), (-7.93, 2.7), (-3.1, 11.2), (-20.0, 20.0)]
                .map(|(lo, hi)| NoiseAverage::new(sigma, lo, hi));
            let s: Vec<f64> = (0..BLOCK)
                .map(|k| -3.1 + 5.8 * ((k as f64 * 0.618_033_988_749_894_9) % 1.0))
                .collect();
            // Grid points themselves too, where two intervals meet.
            let step = GRID_STEP * sigma.max(1.0);
            let mut s = s;
            for (k, x) in s.iter_mut().take(40).enumerate() {
                *x = (k as f64 - 20.0) * step / 8.0;
            }
            let t = vec![0.0; BLOCK];
            let reads = tables.each_ref().map(|average| {
                assert!(average.tabulates(-3.1, 2.7));
                let (mut out, mut less) = (vec![0.0; BLOCK], vec![0.0; BLOCK]);
                average.at_tabulated_shifted_less((&s, &t), &mut out, (&t, &mut less));
                let one: Vec<u64> = s.iter().map(|&x| average.at(x).to_bits()).collect();
                (out.iter().map(|q| q.to_bits()).collect::<Vec<_>>(), one)
            });
            for read in &reads[1..] {
                assert_eq!(read, &reads[0], "σ {sigma}");
            }
        }
    }

    #[test]
    fn a_block_reads_the_table_as_one_score_does() {
        // One block, and several with a short one last.
        for (sigma, users) in [
            (0.0, BLOCK),
            (0.8, BLOCK),
            (3.0, BLOCK),
            (0.8, 3 * BLOCK + 5),
        ] {
            let average = NoiseAverage::new(sigma, -12.0, 15.0);
            let s: Vec<f64> = (0..users)
                .map(|k| -10.0 + 20.0 * ((k as f64 * 0.618_033_988_749_894_9) % 1.0))
                .collect();
            let t: Vec<f64> = (0..users).map(|k| (k % 7) as f64 * 0.35 - 1.0).collect();
            // The table's last point too.
            let (mut s, mut t) = (s, t);
            s[0] = 15.0;
            t[0] = 0.0;
            let base: Vec<f64> = s.iter().map(|&s| average.at(s)).collect();
            let (mut out, mut less) = (vec![0.0; users], vec![0.0; users]);
            average.at_tabulated_shifted_less((&s, &t), &mut out, (&base, &mut less));
            for ((&s, &t), &q) in s.iter().zip(&t).zip(&out) {
                assert_eq!(
                    q.to_bits(),
                    average.at(s + t).to_bits(),
                    "σ {sigma}, {s} + {t}"
                );
            }
            // And less a base, in the same loop: the same bits as after.
            for ((&q, &b), &d) in out.iter().zip(&base).zip(&less) {
                assert_eq!(d.to_bits(), (q - b).to_bits(), "σ {sigma}");
            }
        }
    }

    #[test]
    fn noise_flattens_the_curve() {
        // q(0) = ½ by symmetry; q is flatter than the sigmoid: below it for
        // s > 0 and above it for s < 0; its slope is q′.
        let average = NoiseAverage::new(0.8, -10.0, 10.0);
        assert!((average.at(0.0) - 0.5).abs() < 1e-15);
        for s in [0.5, 2.0, 6.0] {
            assert!(average.at(s) < sigmoid(s));
            assert!((average.at(-s) + average.at(s) - 1.0).abs() < 1e-14);
        }
        let h = 1e-5;
        let (_, slope) = average.integrate(1.1);
        let numeric = (average.integrate(1.1 + h).0 - average.integrate(1.1 - h).0) / (2.0 * h);
        assert!((slope - numeric).abs() < 1e-9);
    }
}
