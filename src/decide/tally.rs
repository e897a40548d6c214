//! Counting users: a share with its Wilson interval, a mean with its
//! normal interval, the confusion matrix at one threshold, and the users
//! ranked by score — what [`super::metrics`] and [`super::curves`] both
//! stand on.

use serde::Serialize;

/// A figure measured on a sample of users, with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// The normal quantile of a two-sided 95% interval.
const Z: f64 = crate::model::Z_95;

/// The mean of `values` with a normal-approximation interval (the central
/// limit theorem: mean ± 1.96·sd/√n).
pub fn mean_estimate(values: &[f64]) -> Estimate {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = if values.len() > 1 {
        values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    let half = Z * (variance / n).sqrt();
    Estimate {
        value: mean,
        low: mean - half,
        high: mean + half,
    }
}

/// A share `successes / trials` with the Wilson score interval (sound near
/// 0 and 1, unlike the normal approximation).
pub fn wilson(successes: usize, trials: usize) -> Estimate {
    if trials == 0 {
        return Estimate {
            value: 0.0,
            low: 0.0,
            high: 1.0,
        };
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Estimate {
        value: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

pub(super) fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Counts of a confusion matrix at one threshold ("predicted convert" means
/// probability ≥ threshold).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Confusion {
    pub true_positives: usize,
    pub false_positives: usize,
    pub true_negatives: usize,
    pub false_negatives: usize,
}

impl Confusion {
    /// The matrix for labels `y` and probabilities `p` at `threshold`.
    pub fn new(y: &[bool], p: &[f64], threshold: f64) -> Confusion {
        let mut c = Confusion::default();
        for (&label, &prob) in y.iter().zip(p) {
            match (prob >= threshold, label) {
                (true, true) => c.true_positives += 1,
                (true, false) => c.false_positives += 1,
                (false, false) => c.true_negatives += 1,
                (false, true) => c.false_negatives += 1,
            }
        }
        c
    }

    /// Share of users classified correctly.
    pub fn accuracy(&self) -> Estimate {
        let total =
            self.true_positives + self.false_positives + self.true_negatives + self.false_negatives;
        wilson(self.true_positives + self.true_negatives, total)
    }

    /// Of the users predicted to convert, the share who did.
    pub fn precision(&self) -> Estimate {
        wilson(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// Of the users who converted, the share predicted to.
    pub fn recall(&self) -> Estimate {
        wilson(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
}

/// The users' scores and labels in ascending order of score, ties in user
/// order: what the AUC, the curves and the gains walk through, in order.
pub(super) struct Ranked {
    pub(super) scores: Vec<f64>,
    pub(super) labels: Vec<bool>,
}

/// `f64::total_cmp`'s order as an unsigned integer: `a.total_cmp(&b)` is
/// `key(a).cmp(&key(b))`.
fn sort_key(x: f64) -> u64 {
    let bits = x.to_bits();
    // Negative numbers (sign bit set) reverse; positive ones go above them.
    bits ^ ((((bits as i64) >> 63) as u64) | (1 << 63))
}

/// Bits of the key sorted per pass: 2,048 buckets still fit the fastest
/// caches, and probabilities, whose keys differ only in their lowest 54 or
/// so bits, take five passes.
const DIGIT_BITS: u32 = 11;
const BUCKETS: usize = 1 << DIGIT_BITS;

/// The users in ascending order of `keys` (as `f64::total_cmp` orders
/// them), ties in user order: the stable sort by key, which the AUC, the
/// curves, the gains and the decisions' ranking all walk.
///
/// A least-significant-digit radix sort of the keys with the users beside
/// them, 11 bits a pass, over the bits where some keys differ only, and
/// skipping a pass whose digit every user shares: O(n), and the same order
/// as a comparison sort (each pass is stable), so nothing a figure depends
/// on moves. (Two comparison sorts of a million users were a third of
/// evaluating a model on a million rows.)
///
/// # Panics
/// If there are more users than `u32::MAX` (a dataset in memory holds at
/// most [`crate::world::contract::MAX_ROWS_IN_MEMORY`]).
pub(super) fn ascending(keys: &[f64]) -> Vec<u32> {
    let n = keys.len();
    assert!(u32::try_from(n).is_ok(), "too many users to rank: {n}");
    let mut key: Vec<u64> = keys.iter().map(|&k| sort_key(k)).collect();
    let mut user: Vec<u32> = (0..n as u32).collect();
    let first = key.first().copied().unwrap_or(0);
    let differ = key.iter().fold(0, |bits, &k| bits | (k ^ first));
    let passes = (u64::BITS - differ.leading_zeros()).div_ceil(DIGIT_BITS) as usize;
    let mut counts = vec![[0u32; BUCKETS]; passes];
    for &k in &key {
        for (pass, count) in counts.iter_mut().enumerate() {
            count[digit(k, pass)] += 1;
        }
    }
    let (mut key_out, mut user_out) = (vec![0u64; n], vec![0u32; n]);
    for (pass, count) in counts.iter().enumerate() {
        if count.iter().any(|&c| c as usize == n) {
            continue; // every user has the same digit here: order unchanged
        }
        let mut next = [0u32; BUCKETS];
        let mut at = 0;
        for (slot, &c) in next.iter_mut().zip(count) {
            *slot = at;
            at += c;
        }
        for (&k, &u) in key.iter().zip(&user) {
            let d = digit(k, pass);
            let to = next[d] as usize;
            key_out[to] = k;
            user_out[to] = u;
            next[d] += 1;
        }
        std::mem::swap(&mut key, &mut key_out);
        std::mem::swap(&mut user, &mut user_out);
    }
    user
}

/// The `pass`-th digit of a key, lowest first.
fn digit(key: u64, pass: usize) -> usize {
    ((key >> (pass as u32 * DIGIT_BITS)) as usize) & (BUCKETS - 1)
}

impl Ranked {
    /// The users' `scores` and labels `y` in `order`, the scores' order
    /// from [`ascending`].
    pub(super) fn in_order(y: &[bool], scores: &[f64], order: &[u32]) -> Ranked {
        Ranked {
            scores: order.iter().map(|&i| scores[i as usize]).collect(),
            labels: order.iter().map(|&i| y[i as usize]).collect(),
        }
    }
}

/// Ranks the users by score, lowest first, ties in user order.
pub(super) fn rank(y: &[bool], scores: &[f64]) -> Ranked {
    Ranked::in_order(y, scores, &ascending(scores))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_by_hand() {
        // 8 of 10: centre (0.8 + 1.92/20)/(1.384) …: the published values
        // for z = 1.96 are 0.490 and 0.943.
        let e = wilson(8, 10);
        assert_eq!(e.value, 0.8);
        assert!(
            (e.low - 0.4902).abs() < 1e-3 && (e.high - 0.9433).abs() < 1e-3,
            "{e:?}"
        );
        let zero = wilson(0, 50);
        assert_eq!(zero.low, 0.0);
        assert!(zero.high > 0.05 && zero.high < 0.1);
    }

    #[test]
    fn ascending_is_the_stable_sort_by_total_order() {
        // Ties, both zeros, infinities, NaNs of both signs, subnormals, and
        // keys that differ only in their lowest bits.
        let mut keys = vec![
            0.5,
            -0.0,
            0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            f64::MIN_POSITIVE / 4.0,
            -1e-300,
            0.5,
            1.0,
            0.3,
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for i in 0..5_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            // Many exact ties (a coarse grid), and neighbours one ulp apart.
            keys.push(if i % 3 == 0 {
                (unit * 50.0).floor() / 50.0
            } else {
                unit
            });
            keys.push(f64::from_bits(unit.to_bits() + 1));
        }
        let mut expected: Vec<usize> = (0..keys.len()).collect();
        expected.sort_by(|&a, &b| keys[a].total_cmp(&keys[b]));
        let got: Vec<usize> = ascending(&keys).into_iter().map(|i| i as usize).collect();
        assert_eq!(got, expected);
        // Keys that differ in their low bits only (probabilities in
        // [0.5, 1), one exponent) take fewer passes and the same order.
        let narrow: Vec<f64> = keys
            .iter()
            .filter(|k| k.is_finite())
            .map(|k| 0.5 + k.abs().fract() / 2.0)
            .collect();
        let mut expected: Vec<usize> = (0..narrow.len()).collect();
        expected.sort_by(|&a, &b| narrow[a].total_cmp(&narrow[b]));
        let got: Vec<usize> = ascending(&narrow).into_iter().map(|i| i as usize).collect();
        assert_eq!(got, expected);
        assert!(ascending(&[]).is_empty());
        assert_eq!(ascending(&[0.7; 9]), (0..9).collect::<Vec<u32>>());
    }
}
