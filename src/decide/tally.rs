//! Counting users: a share with its Wilson interval, a mean with its
//! normal interval, the confusion matrix at one threshold, and the users
//! ranked by score — what [`super::metrics`] and [`super::curves`] both
//! stand on.

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use crate::parallel::{join, splits};

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
    pub(super) scores: Arc<[f64]>,
    pub(super) labels: Vec<bool>,
}

/// `f64::total_cmp`'s order as an unsigned integer: `a.total_cmp(&b)` is
/// `key(a).cmp(&key(b))`.
pub(crate) fn sort_key(x: f64) -> u64 {
    let bits = x.to_bits();
    // Negative numbers (sign bit set) reverse; positive ones go above them.
    bits ^ ((((bits as i64) >> 63) as u64) | (1 << 63))
}

/// The number whose [`sort_key`] is `key`.
fn from_sort_key(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 {
        key ^ (1 << 63)
    } else {
        !key
    })
}

/// Bits of the key sorted per pass: 2,048 buckets still fit the fastest
/// caches, and probabilities, whose keys differ only in their lowest 54 or
/// so bits, take five passes.
const DIGIT_BITS: u32 = 11;
const BUCKETS: usize = 1 << DIGIT_BITS;

/// Users in ascending order of their keys, ties in user order, and the keys
/// in that order.
#[derive(Clone, Debug)]
pub struct Sorted {
    pub(crate) users: Vec<u32>,
    /// Shared, not copied, by every reader of the order.
    pub(super) keys: Arc<[f64]>,
}

/// The users in ascending order of `keys` (as `f64::total_cmp` orders
/// them), ties in user order: the stable sort by key, which the AUC, the
/// curves, the gains and the decisions' ranking all walk.
///
/// A least-significant-digit radix sort of the keys with the users beside
/// them, 11 bits a pass, over the bits where some keys differ only, and
/// skipping a pass whose digit every user shares: O(n), and the same order
/// as a comparison sort (each pass is stable), so nothing a figure depends
/// on moves. Natively, one stable pass first splits the users in two by
/// their highest digit, and two threads sort the halves. (Two comparison
/// sorts of a million users were a third of evaluating a model on a
/// million rows.)
///
/// # Panics
/// If there are more users than `u32::MAX` (a dataset in memory holds at
/// most [`crate::world::contract::MAX_ROWS_IN_MEMORY`]).
pub(crate) fn ascending(keys: &[f64]) -> Sorted {
    let n = keys.len();
    assert!(u32::try_from(n).is_ok(), "too many users to rank: {n}");
    let mut key: Vec<u64> = keys.iter().map(|&k| sort_key(k)).collect();
    let mut user: Vec<u32> = (0..n as u32).collect();
    let first = key.first().copied().unwrap_or(0);
    let differ = key.iter().fold(0, |bits, &k| bits | (k ^ first));
    let passes = (u64::BITS - differ.leading_zeros()).div_ceil(DIGIT_BITS) as usize;
    let (mut key_room, mut user_room) = (vec![0u64; n], vec![0u32; n]);
    let cut = match passes {
        0 => 0,
        _ => halves(&key, &user, passes - 1, &mut key_room, &mut user_room),
    };
    if cut > 0 && cut < n {
        // Every user below the cut has a lower highest digit than every
        // user above it: the two halves sort apart.
        let (key_low, key_high) = key_room.split_at_mut(cut);
        let (user_low, user_high) = user_room.split_at_mut(cut);
        let (room_low, room_high) = key.split_at_mut(cut);
        let (users_low, users_high) = user.split_at_mut(cut);
        join(
            n,
            || radix((key_low, user_low), (room_low, users_low), passes),
            || radix((key_high, user_high), (room_high, users_high), passes),
        );
        (key, user) = (key_room, user_room);
    } else {
        radix(
            (&mut key, &mut user),
            (&mut key_room, &mut user_room),
            passes,
        );
    }
    Sorted {
        keys: key.into_iter().map(from_sort_key).collect(),
        users: user,
    }
}

/// Where a two-thread sort splits the users: the users whose `pass`-th
/// digit (the highest that differs) is below a middle digit are moved,
/// stably, before the others into `key_out`/`user_out`, and their count is
/// returned. 0 when one thread would do the work anyway (then nothing is
/// moved).
fn halves(
    key: &[u64],
    user: &[u32],
    pass: usize,
    key_out: &mut [u64],
    user_out: &mut [u32],
) -> usize {
    let n = key.len();
    if !splits(n) {
        return 0;
    }
    let mut count = [0usize; BUCKETS];
    for &k in key {
        count[digit(k, pass)] += 1;
    }
    let (mut middle, mut below) = (0, 0);
    while middle < BUCKETS && below + count[middle] <= n / 2 {
        below += count[middle];
        middle += 1;
    }
    if below == 0 {
        // The lowest digit alone holds half the users: split after it.
        below = count[middle];
        middle += 1;
    }
    let (mut low, mut high) = (0, below);
    for (&k, &u) in key.iter().zip(user) {
        let to = if digit(k, pass) < middle {
            &mut low
        } else {
            &mut high
        };
        key_out[*to] = k;
        user_out[*to] = u;
        *to += 1;
    }
    below
}

/// Sorts `keys`' users by key with `passes` stable passes, using `room` as
/// scratch; the result is left in `keys`.
fn radix(
    (mut key, mut user): (&mut [u64], &mut [u32]),
    (mut key_room, mut user_room): (&mut [u64], &mut [u32]),
    passes: usize,
) {
    let n = key.len();
    let mut counts = vec![[0u32; BUCKETS]; passes];
    for &k in key.iter() {
        for (pass, count) in counts.iter_mut().enumerate() {
            count[digit(k, pass)] += 1;
        }
    }
    let mut moved = false;
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
        for (&k, &u) in key.iter().zip(user.iter()) {
            let d = digit(k, pass);
            let to = next[d] as usize;
            key_room[to] = k;
            user_room[to] = u;
            next[d] += 1;
        }
        std::mem::swap(&mut key, &mut key_room);
        std::mem::swap(&mut user, &mut user_room);
        moved = !moved;
    }
    if moved {
        key_room.copy_from_slice(key);
        user_room.copy_from_slice(user);
    }
}

/// The `pass`-th digit of a key, lowest first.
fn digit(key: u64, pass: usize) -> usize {
    ((key >> (pass as u32 * DIGIT_BITS)) as usize) & (BUCKETS - 1)
}

/// The groups of ranked users that share a score, as ranges of their
/// places: lowest score first, or highest first from the back (`.rev()`).
pub(super) struct TieGroups<'a> {
    scores: &'a [f64],
    /// The places not yet grouped.
    low: usize,
    high: usize,
}

impl Iterator for TieGroups<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let start = self.low;
        let s = *self.scores[..self.high].get(start)?;
        let mut end = start + 1;
        while end < self.high && self.scores[end] == s {
            end += 1;
        }
        self.low = end;
        Some(start..end)
    }
}

impl DoubleEndedIterator for TieGroups<'_> {
    fn next_back(&mut self) -> Option<Range<usize>> {
        let end = self.high;
        let s = *self.scores[self.low..end].last()?;
        let mut start = end - 1;
        while start > self.low && self.scores[start - 1] == s {
            start -= 1;
        }
        self.high = start;
        Some(start..end)
    }
}

impl Ranked {
    /// The groups of users that share a score ([`TieGroups`]).
    pub(super) fn tie_groups(&self) -> TieGroups<'_> {
        TieGroups {
            scores: &self.scores,
            low: 0,
            high: self.scores.len(),
        }
    }

    /// The users' labels `y` in the scores' order ([`ascending`]).
    pub(super) fn in_order(y: &[bool], sorted: &Sorted) -> Ranked {
        Ranked {
            scores: Arc::clone(&sorted.keys),
            labels: sorted.users.iter().map(|&i| y[i as usize]).collect(),
        }
    }
}

/// Ranks the users by score, lowest first, ties in user order.
pub(super) fn rank(y: &[bool], scores: &[f64]) -> Ranked {
    Ranked::in_order(y, &ascending(scores))
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

    /// `ascending` gives the users in the stable comparison sort's order,
    /// and their keys in that order, bit for bit.
    fn assert_stable_order(keys: &[f64]) {
        let mut expected: Vec<usize> = (0..keys.len()).collect();
        expected.sort_by(|&a, &b| keys[a].total_cmp(&keys[b]));
        let sorted = ascending(keys);
        let got: Vec<usize> = sorted.users.iter().map(|&i| i as usize).collect();
        assert_eq!(got, expected);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let want: Vec<f64> = expected.iter().map(|&i| keys[i]).collect();
        assert_eq!(bits(&sorted.keys), bits(&want));
    }

    #[test]
    fn the_two_thread_sort_is_the_same_stable_order() {
        // More users than one thread sorts alone: split by the highest digit
        // that differs, then sorted in halves. Many ties; and a world where
        // the lowest digit alone holds most users.
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let mut unit = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let n = 3 * crate::parallel::PARALLEL_USERS;
        let spread: Vec<f64> = (0..n)
            .map(|i| if i % 5 == 0 { 0.75 } else { unit() })
            .collect();
        let skewed: Vec<f64> = (0..n)
            .map(|i| if i % 5 < 3 { 1e-3 } else { 0.5 + unit() / 2.0 })
            .collect();
        assert_stable_order(&spread);
        assert_stable_order(&skewed);
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
        assert_stable_order(&keys);
        // Keys that differ in their low bits only (probabilities in
        // [0.5, 1), one exponent) take fewer passes and the same order.
        let narrow: Vec<f64> = keys
            .iter()
            .filter(|k| k.is_finite())
            .map(|k| 0.5 + k.abs().fract() / 2.0)
            .collect();
        assert_stable_order(&narrow);
        assert!(ascending(&[]).users.is_empty());
        assert_eq!(ascending(&[0.7; 9]).users, (0..9).collect::<Vec<u32>>());
    }
}
