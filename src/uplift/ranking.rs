//! Policies are compared at budgets of 0%, 1%, …, 100% of users. A policy
//! ranks users by its own key, highest first; which budget step each user's
//! rank falls in is all the curves need, and it is found without sorting a
//! million keys: a histogram of the keys puts almost every user in their
//! step at once, and only the users of the few histogram bins that straddle
//! a step's edge are sorted. The result is exactly the full sort's (ties
//! go to the lower index), in O(n).

use super::UpliftError;
use crate::decide::tally::{ascending, sort_key};
use crate::world::contract::MAX_ROWS_IN_MEMORY;

/// Budget steps: a budget is 0, 1, …, [`STEPS`] hundredths of the users.
pub const STEPS: usize = 100;

/// Bins of a key histogram.
pub const BINS: usize = 1 << 16;

/// Marks a histogram bin whose users fall in more than one step.
pub const STRADDLES: u8 = u8::MAX;

/// How many users a budget of `step` hundredths covers: ⌊step · n / 100⌋.
pub fn budget_users(step: usize, n: usize) -> usize {
    (step as u128 * n as u128 / STEPS as u128) as usize
}

/// The step of the user ranked `rank` (0 first) of `n`: the last step whose
/// budget does not cover them (budget_users(step) ≤ rank < budget_users(step + 1)).
#[inline(always)]
fn step_of_rank(rank: usize, n: usize) -> u8 {
    // In 64 bits (a world holds far fewer than 2^57 users): a 128-bit
    // division is a slow library call in wasm, and a histogram's bins ask
    // this 131,072 times per τ step.
    let step = (STEPS as u64 * (rank as u64 + 1) - 1) / n as u64;
    step.min(STEPS as u64 - 1) as u8
}

const _: () = assert!((STEPS as u64).checked_mul(MAX_ROWS_IN_MEMORY + 1).is_some());

/// Keys are compared as numbers, NaN lowest.
#[inline(always)]
fn key_of(k: f64) -> f64 {
    if k.is_nan() {
        f64::NEG_INFINITY
    } else {
        k
    }
}

/// A histogram of keys over a fixed range, highest keys in the first bins;
/// keys beyond the range count in the end bins. (By default: no bins, to
/// be replaced before counting.)
#[derive(Clone, Debug, Default)]
pub struct KeyBins {
    high: f64,
    scale: f64,
    counts: Vec<u32>,
}

impl KeyBins {
    /// An empty histogram of keys from `low` to `high` (`low` < `high`).
    pub fn new(low: f64, high: f64) -> KeyBins {
        KeyBins {
            high,
            scale: (BINS - 1) as f64 / (high - low),
            counts: vec![0; BINS],
        }
    }

    /// The bin of a key: monotone, a higher key never lands in a later bin
    /// (NaN in the last).
    #[inline(always)]
    pub fn bin(&self, key: f64) -> usize {
        usize::from(self.bin_u16(key))
    }

    /// The bin of each key.
    pub fn bins_of(&self, keys: &[f64], bins: &mut [u16]) {
        self.each_bin(keys, bins, |_| ());
    }

    /// The bin of each key, counted: one loop, so that each bin is
    /// counted while it is at hand.
    pub fn count_bins_of(&mut self, keys: &[f64], bins: &mut [u16]) {
        let mut counts = std::mem::take(&mut self.counts);
        let counts_of = &mut counts[..BINS];
        self.each_bin(keys, bins, |b| counts_of[usize::from(b)] += 1);
        self.counts = counts;
    }

    /// Writes the bin of each key into `bins`, and shows `met` each one.
    #[inline(always)]
    fn each_bin(&self, keys: &[f64], bins: &mut [u16], mut met: impl FnMut(u16)) {
        let m = bins.len();
        assert_eq!(keys.len(), m);
        // Two at a time on wasm's vector instructions: `bin_u16`'s
        // operations on each key, its cap and truncation as
        // `floor_within_pair` does them.
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        let done = {
            use core::arch::wasm32::*;
            let (high, scale) = (f64x2_splat(self.high), f64x2_splat(self.scale));
            let mut j = 0;
            while j + 2 <= m {
                // SAFETY: j + 2 ≤ m, the length of `keys` (asserted above).
                let k = unsafe { v128_load(keys.as_ptr().add(j).cast::<v128>()) };
                let at = f64x2_mul(f64x2_sub(high, k), scale);
                let at = crate::math::floor_within_pair(at, (BINS - 1) as f64);
                let pair = [
                    u64x2_extract_lane::<0>(at) as u16,
                    u64x2_extract_lane::<1>(at) as u16,
                ];
                bins[j..j + 2].copy_from_slice(&pair);
                met(pair[0]);
                met(pair[1]);
                j += 2;
            }
            j
        };
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        let done = 0;
        for (b, &k) in bins[done..].iter_mut().zip(&keys[done..]) {
            *b = self.bin_u16(k);
            met(*b);
        }
    }

    /// [`KeyBins::bin`] as the `u16` the users' bins are kept in.
    #[inline(always)]
    fn bin_u16(&self, key: f64) -> u16 {
        // Comparisons rather than min/max, so NaN goes last, and no branch:
        // a loop over many keys becomes vector instructions.
        const LAST: f64 = (BINS - 1) as f64;
        let at = (self.high - key) * self.scale;
        let at = if at < LAST { at } else { LAST };
        let at = if at > 0.0 { at } else { 0.0 };
        // SAFETY: `at` is from 0 to LAST (NaN became LAST above), so it
        // converts exactly as `as` would, without its checks.
        unsafe { at.to_int_unchecked::<i32>() as u16 }
    }

    /// Each bin's count.
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }

    /// Checks that another half's counts of the same bins can be added
    /// ([`KeyBins::add`]): as many bins, and no bin's sum past a `u32`.
    pub fn can_add(&self, counts: &[u32]) -> Result<(), UpliftError> {
        if counts.len() != self.counts.len() {
            return Err(UpliftError::new("half", "has a histogram of other bins"));
        }
        // One pass without a branch (a loop of vector instructions).
        let over = (self.counts.iter().zip(counts))
            .fold(false, |over, (&a, &b)| over | a.checked_add(b).is_none());
        if over {
            return Err(UpliftError::new(
                "half",
                "counts more users than a world holds",
            ));
        }
        Ok(())
    }

    /// Adds another half's counts of the same bins, checked by
    /// [`KeyBins::can_add`].
    pub fn add(&mut self, counts: &[u32]) {
        debug_assert!(self.can_add(counts).is_ok());
        for (a, &b) in self.counts.iter_mut().zip(counts) {
            *a = a.wrapping_add(b);
        }
    }

    /// Counts one key.
    #[inline(always)]
    pub fn count(&mut self, key: f64) {
        let b = self.bin(key);
        self.counts[b] += 1;
    }

    /// Where the counted users' ranks put each bin, for `n` users (all of
    /// them counted). A bin without users gets some step, never read.
    pub fn steps(&self, n: usize) -> BinSteps {
        let mut step = vec![0u8; BINS];
        let mut slot = vec![0u8; BINS];
        let (mut straddling, mut first_of) = (Vec::new(), Vec::new());
        // Step by step, the bins that end by the next step's first rank
        // are the step's (a loop whose one branch is taken until a step's
        // edge), then the bin at the edge straddles it if it began before.
        // `end` is the first rank past bin `b`'s predecessors.
        let (mut b, mut end) = (0usize, 0u64);
        for s in 0..STEPS {
            let next = first_rank_of_step(s + 1, n);
            let from = b;
            while b < BINS && end + u64::from(self.counts[b]) <= next {
                end += u64::from(self.counts[b]);
                b += 1;
            }
            step[from..b].fill(s as u8);
            if b < BINS && end < next {
                // Its ranks run from `end` past `next`: at most STEPS − 1
                // bins hold a step's first rank past their own first.
                step[b] = STRADDLES;
                slot[b] = straddling.len() as u8;
                straddling.push(b as u32);
                first_of.push(end as u32);
                end += u64::from(self.counts[b]);
                b += 1;
            }
        }
        BinSteps {
            step,
            n,
            slot,
            straddling,
            first_of,
        }
    }
}

/// The first rank whose step ([`step_of_rank`]) is `step` or later, for
/// `n` users; `u64::MAX` past the last step.
fn first_rank_of_step(step: usize, n: usize) -> u64 {
    if step == 0 {
        return 0;
    }
    if step >= STEPS {
        return u64::MAX;
    }
    // The least r with 100·(r + 1) − 1 ≥ step·n, that is r + 1 ≥ (step·n + 1) / 100.
    (step as u64 * n as u64 + 1).div_ceil(STEPS as u64) - 1
}

/// Each histogram bin's budget step, or [`STRADDLES`].
#[derive(Clone, Debug)]
pub struct BinSteps {
    step: Vec<u8>,
    n: usize,
    /// The straddling bins, in order, each one's place among them, and
    /// each one's first rank.
    straddling: Vec<u32>,
    slot: Vec<u8>,
    first_of: Vec<u32>,
}

const _: () = assert!(STEPS - 1 <= u8::MAX as usize);

/// A user whose bin straddles a step's edge: its bin, key and index.
pub type Straddler = (u32, f64, u32);

impl BinSteps {
    /// The step of every user in bin `bin`, or [`STRADDLES`].
    #[inline(always)]
    pub fn step(&self, bin: usize) -> u8 {
        self.step[bin]
    }

    /// The step of every bin (of a histogram of [`BINS`] bins), or
    /// [`STRADDLES`]: read by a `u16` bin, never out of bounds.
    pub fn table(&self) -> &[u8; BINS] {
        self.step
            .as_slice()
            .try_into()
            .expect("a key histogram's bins")
    }

    /// The bins whose users fall in more than one step, in order.
    pub fn straddling(&self) -> &[u32] {
        &self.straddling
    }

    /// The place of straddling bin `bin` in [`BinSteps::straddling`].
    #[inline(always)]
    pub fn slot(&self, bin: usize) -> usize {
        usize::from(self.slot[bin])
    }

    /// Ranks the users of straddling bins (all of them, in the order of
    /// their third field, as they are met) and gives each one's index and
    /// step.
    pub fn settle(&self, straddlers: &[Straddler], mut visit: impl FnMut(usize, u8)) {
        debug_assert!(straddlers.windows(2).all(|w| w[0].2 < w[1].2));
        let keys: Vec<f64> = straddlers.iter().map(|s| s.1).collect();
        let ranked = rank_order(&keys).into_iter().map(|j| {
            let (bin, _, index) = straddlers[j as usize];
            (bin, index)
        });
        self.settle_ranked(ranked, |index, step| visit(index as usize, step));
    }

    /// Gives the step of each user of straddling bins, met in rank order
    /// ([`rank_order`]) as its bin and whatever `visit` is shown with it.
    #[inline(always)]
    pub fn settle_ranked<T>(
        &self,
        ranked: impl IntoIterator<Item = (u32, T)>,
        mut visit: impl FnMut(T, u8),
    ) {
        let (mut bin, mut rank) = (None, 0);
        for (b, user) in ranked {
            // A bin's users rank on from its first rank.
            rank = if bin == Some(b) {
                rank + 1
            } else {
                self.first_of[self.slot(b as usize)] as usize
            };
            bin = Some(b);
            visit(user, step_of_rank(rank, self.n));
        }
    }
}

/// What users are ranked by, as a number that sorts ascending: their key's
/// place in `f64::total_cmp`'s order, highest key first (NaN lowest).
#[inline(always)]
pub fn rank_key(key: f64) -> u64 {
    !sort_key(key_of(key))
}

/// The places of `keys` (of users met in index order) in rank order:
/// highest key first, ties in the order met (lower index first). The
/// stable radix sort of their [`rank_key`]s, in O(n): tens of thousands of
/// users straddle at a million. Bins follow, as a bin is monotone in the
/// key.
pub fn rank_order(keys: &[f64]) -> Vec<u32> {
    let negated: Vec<f64> = keys.iter().map(|&k| -key_of(k)).collect();
    ascending(&negated).users
}

/// Fills `steps` with each user's budget step when users are ranked by
/// `keys`, highest first, ties by lower index first.
pub fn steps_by_key(keys: &[f64], steps: &mut Vec<u8>) {
    let n = keys.len();
    steps.clear();
    steps.resize(n, 0);
    if n == 0 {
        return;
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &k in keys {
        let k = key_of(k);
        lo = if k < lo { k } else { lo };
        hi = if k > hi { k } else { hi };
    }
    if hi <= lo || !(hi - lo).is_finite() {
        // All alike (or infinite keys): a full sort, rare and still exact.
        return sorted_steps(keys, steps);
    }
    let mut bins = KeyBins::new(lo, hi);
    for &k in keys {
        bins.count(k);
    }
    let table = bins.steps(n);
    let mut straddling: Vec<Straddler> = Vec::new();
    for (i, (&k, step)) in keys.iter().zip(steps.iter_mut()).enumerate() {
        let b = bins.bin(k);
        *step = table.step(b);
        if *step == STRADDLES {
            straddling.push((b as u32, key_of(k), i as u32));
        }
    }
    table.settle(&straddling, |i, step| steps[i] = step);
}

/// [`steps_by_key`] by a full sort (the reference, and the way for keys
/// that are all alike).
fn sorted_steps(keys: &[f64], steps: &mut [u8]) {
    let mut order: Vec<u32> = (0..keys.len() as u32).collect();
    order.sort_by(|&a, &b| key_of(keys[b as usize]).total_cmp(&key_of(keys[a as usize])));
    for (rank, &i) in order.iter().enumerate() {
        steps[i as usize] = step_of_rank(rank, keys.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn reference(keys: &[f64]) -> Vec<u8> {
        let mut steps = vec![0; keys.len()];
        sorted_steps(keys, &mut steps);
        steps
    }

    #[test]
    fn steps_cover_the_budgets_exactly() {
        for n in [1, 7, 100, 101, 12_345] {
            for step in 0..=STEPS {
                let covered = (0..n)
                    .filter(|&r| usize::from(step_of_rank(r, n)) < step)
                    .count();
                assert_eq!(covered, budget_users(step, n), "n {n}, step {step}");
            }
        }
    }

    #[test]
    fn another_half_s_counts_add_unless_they_do_not_fit() {
        let mut bins = KeyBins::new(0.0, 1.0);
        bins.counts[3] = u32::MAX - 1;
        let mut more = vec![0; BINS];
        more[3] = 1;
        more[9] = 5;
        bins.can_add(&more).unwrap();
        bins.add(&more);
        assert_eq!((bins.counts[3], bins.counts[9]), (u32::MAX, 5));
        let e = bins.can_add(&more).unwrap_err();
        assert_eq!(e.problem, "counts more users than a world holds");
        let e = bins.can_add(&more[1..]).unwrap_err();
        assert_eq!(e.problem, "has a histogram of other bins");
    }

    #[test]
    fn bins_walked_in_rank_order_get_the_steps_a_division_gives() {
        let mut rng = ChaCha8Rng::seed_from_u64(13);
        for n in [1usize, 2, 99, 100, 101, 1_000, 123_457] {
            // Users spread over few or many bins, some of them crowded.
            for spread in [1usize, 50, 5_000, BINS] {
                let mut bins = KeyBins::new(0.0, 1.0);
                for _ in 0..n {
                    let b = if rng.random::<f64>() < 0.3 {
                        7
                    } else {
                        rng.random_range(0..spread)
                    };
                    bins.counts[b] += 1;
                }
                let steps = bins.steps(n);
                let mut start = vec![0];
                start.extend(bins.counts.iter().scan(0, |at, &c| {
                    *at += c as usize;
                    Some(*at)
                }));
                for b in 0..BINS {
                    let (first, end) = (start[b], start[b + 1]);
                    let expected = if end == first {
                        // No users: any step but a straddling one.
                        assert_ne!(steps.step(b), STRADDLES, "n {n}, spread {spread}, bin {b}");
                        continue;
                    } else if step_of_rank(first, n) == step_of_rank(end - 1, n) {
                        step_of_rank(first, n)
                    } else {
                        STRADDLES
                    };
                    assert_eq!(steps.step(b), expected, "n {n}, spread {spread}, bin {b}");
                    if expected == STRADDLES {
                        let slot = steps.slot(b);
                        assert_eq!(steps.straddling()[slot] as usize, b);
                        assert_eq!(steps.first_of[slot] as usize, first);
                    }
                }
                let straddling = (0..BINS).filter(|&b| steps.step(b) == STRADDLES).count();
                assert_eq!(steps.straddling().len(), straddling);
            }
            for step in 0..=STEPS {
                let first = first_rank_of_step(step, n);
                let at = |r: u64| usize::from(step_of_rank(r as usize, n));
                if step < STEPS && first < n as u64 {
                    assert!(at(first) >= step && (first == 0 || at(first - 1) < step));
                }
            }
        }
    }

    #[test]
    fn the_histogram_gives_the_full_sort_s_steps() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut steps = Vec::new();
        for n in [1, 3, 99, 1_000, 54_321] {
            // Continuous keys, heavy ties, a few extreme ones, NaN.
            let continuous: Vec<f64> = (0..n).map(|_| rng.random::<f64>().powi(5)).collect();
            let tied: Vec<f64> = (0..n)
                .map(|_| f64::from(rng.random_range(0..4u8)) / 3.0)
                .collect();
            let mut extreme = continuous.clone();
            extreme[0] = 1e300;
            extreme[n - 1] = f64::NAN;
            let alike = vec![0.25; n];
            for keys in [continuous, tied, extreme, alike] {
                steps_by_key(&keys, &mut steps);
                assert_eq!(steps, reference(&keys), "n {n}");
            }
        }
    }

    #[test]
    fn a_fixed_range_histogram_ranks_keys_beyond_it_too() {
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        let keys: Vec<f64> = (0..20_000)
            .map(|_| rng.random::<f64>() * 3.0 - 1.5)
            .collect();
        let mut bins = KeyBins::new(-1.0, 1.0);
        keys.iter().for_each(|&k| bins.count(k));
        let table = bins.steps(keys.len());
        let mut steps = vec![0u8; keys.len()];
        let mut straddling = Vec::new();
        for (i, &k) in keys.iter().enumerate() {
            let b = bins.bin(k);
            steps[i] = table.step(b);
            if steps[i] == STRADDLES {
                straddling.push((b as u32, k, i as u32));
            }
        }
        table.settle(&straddling, |i, s| steps[i] = s);
        assert_eq!(steps, reference(&keys));
    }
}
