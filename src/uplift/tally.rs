//! What each policy's budget steps do, the groups in each intent band and
//! along the score, and the experiment's arms: everything the lab's view
//! reads after a change, summed over the users' effects block by block.
//!
//! Two kinds of sum. The riders ([`RiderSums`]): whatever puts a user in
//! its place without the offer (the model's and the learned ranking's
//! steps, the band, the score bin, the arm) while the offer decides what
//! the user adds; they ride along the effects' own pass. The true rankings
//! ([`truth_tallies`]): the offer decides the user's place too, known only
//! once every user's key is counted, so they take a second pass ([`truth_half`]).
//!
//! Both passes go over the users in two halves, the earlier and the later
//! (two workers in the page, [`crate::uplift::lab`]'s `halves`). Each
//! step's sums add a half's users in index order, each pair of sums with
//! one vector addition ([`Running`]); the later half's sums are then added
//! to the earlier's, and a true ranking's users of straddling bins after,
//! in rank order. Every lab joins the same two halves the same way, so the
//! bits never depend on which worker, or the CLI, took which half. A
//! band's sums are its whole steps' sums, and the users of the few steps
//! that span two bands added one by one.

use super::effects::{Block, Effects, USERS_AT_ONCE};
use super::groups::{Group, GroupCounts};
use super::policy::{StepTally, Tallies};
use super::ranking::{rank_key, BinSteps, BINS, STEPS, STRADDLES};
use super::view::{BandGroups, ScoreChart};
use super::wire::{Reader, Writer};
use super::UpliftError;
use crate::decide::bands::{Segment, Thresholds};
use crate::math::sigmoid;
use crate::world::contract::MAX_ROWS_IN_MEMORY;
use std::ops::Range;

/// Widest score axis of the chart: beyond ±12 the S-curve is flat.
const SCORE_REACH: f64 = 12.0;
/// Most bins of the chart.
const MOST_BINS: usize = 60;
/// Points of the drawn S-curves per bin.
const CURVE_POINTS_PER_BIN: usize = 4;

/// The score axis of the chart, and each user's bin on it.
#[derive(Clone, Debug)]
pub struct ScoreBins {
    start: f64,
    width: f64,
    count: usize,
    bin: Vec<u8>,
}

impl ScoreBins {
    /// Bins over the users' `scores` (with their noise): half-unit edges,
    /// at most [`MOST_BINS`] bins of a quarter unit or more.
    pub fn new(scores: &[f64]) -> ScoreBins {
        let (lo, hi) = scores
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &s| {
                (lo.min(s), hi.max(s))
            });
        let lo = (libm::floor(lo.max(-SCORE_REACH) * 2.0) / 2.0).min(-0.5);
        let hi = (libm::ceil(hi.min(SCORE_REACH) * 2.0) / 2.0).max(0.5);
        let width = (libm::ceil((hi - lo) / MOST_BINS as f64 * 4.0) / 4.0).max(0.25);
        let count = (libm::ceil((hi - lo) / width) as usize).clamp(1, MOST_BINS);
        let bin = scores
            .iter()
            .map(|&s| {
                let k = libm::floor((s - lo) / width);
                if k.is_nan() || k < 0.0 {
                    0
                } else {
                    (k as usize).min(count - 1) as u8
                }
            })
            .collect();
        ScoreBins {
            start: lo,
            width,
            count,
            bin,
        }
    }

    /// The chart from each bin's group counts.
    pub fn chart(&self, counts: &[[u64; 4]], mean_tau: f64, thresholds: Thresholds) -> ScoreChart {
        let column = |g: usize| counts.iter().map(|c| c[g]).collect();
        let curve_step = self.width / CURVE_POINTS_PER_BIN as f64;
        let points = self.count * CURVE_POINTS_PER_BIN + 1;
        let at = |k: usize| self.start + k as f64 * curve_step;
        let logit = |p: f64| libm::log(p / (1.0 - p));
        ScoreChart {
            start: self.start,
            width: self.width,
            sure_things: column(0),
            persuadables: column(1),
            sleeping_dogs: column(2),
            lost_causes: column(3),
            curve_step,
            without: (0..points).map(|k| sigmoid(at(k))).collect(),
            with: (0..points).map(|k| sigmoid(at(k) + mean_tau)).collect(),
            threshold_scores: [logit(thresholds.high), logit(thresholds.medium)],
        }
    }
}

/// What places each user without regard to the offer.
#[derive(Clone, Copy)]
pub struct Riders<'a> {
    /// The model's budget steps and bands, and the users (ascending) of
    /// its steps whose users span two bands, when there is a model.
    pub model: Option<(&'a [u8], &'a [u8], &'a [u32])>,
    /// The learned ranking's budget steps, when it is learned for this experiment.
    pub learned: Option<&'a [u8]>,
    pub bins: &'a ScoreBins,
    pub treated: &'a [bool],
    /// Each user's outcome without the offer.
    pub converted: &'a [bool],
}

/// A step whose users fall in more than one intent band.
pub const MIXED: u8 = u8::MAX;

/// A budget step's sums while users are added: the effects (q1 − q0,
/// p1 − p0) as one pair and the converters (q1, p1) as another, each pair
/// one vector addition, and the four groups' users in one word, 16 bits
/// each (a step holds at most ⌈n / 100⌉ users).
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(16))]
struct Running {
    effect: [f64; 2],
    converters: [f64; 2],
    groups: u64,
}

/// Users of the four groups counted in one word, 16 bits each: what one
/// user of `group` adds to it …
#[inline(always)]
fn packed(group: u8) -> u64 {
    1 << (16 * u32::from(group & 3))
}

/// … and the users of each group in it.
fn unpacked(word: u64) -> [u64; 4] {
    std::array::from_fn(|g| (word >> (16 * g)) & 0xffff)
}

// A packed word counts at most a step's users, or a block's.
const _: () = assert!((MAX_ROWS_IN_MEMORY as usize).div_ceil(STEPS) < 1 << 16);
const _: () = assert!(USERS_AT_ONCE < 1 << 16);

impl Running {
    #[inline(always)]
    fn add(&mut self, effect: [f64; 2], converters: [f64; 2], group: u8) {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            use core::arch::wasm32::{f64x2, f64x2_add, v128, v128_load, v128_store};
            // SAFETY: both pairs are 16-byte aligned fields of `self`
            // (`repr(C, align(16))`), read and written whole.
            unsafe {
                let e = self.effect.as_mut_ptr().cast::<v128>();
                v128_store(e, f64x2_add(v128_load(e), f64x2(effect[0], effect[1])));
                let c = self.converters.as_mut_ptr().cast::<v128>();
                v128_store(
                    c,
                    f64x2_add(v128_load(c), f64x2(converters[0], converters[1])),
                );
            }
        }
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        {
            self.effect[0] += effect[0];
            self.effect[1] += effect[1];
            self.converters[0] += converters[0];
            self.converters[1] += converters[1];
        }
        self.groups += packed(group);
    }

    /// Adds another half's sums of the same step.
    fn merge(&mut self, other: &Running) {
        for (a, b) in self.effect.iter_mut().zip(other.effect) {
            *a += b;
        }
        for (a, b) in self.converters.iter_mut().zip(other.converters) {
            *a += b;
        }
        // The slot of straddlers may carry from field to field: never read.
        self.groups = self.groups.wrapping_add(other.groups);
    }

    /// The step's tally: the same sums, in the same order, as
    /// [`StepTally::add`] user by user.
    fn tally(&self) -> StepTally {
        StepTally {
            uplift: self.effect[0],
            uplift_with_noise: self.effect[1],
            converters: self.converters[0],
            converters_with_noise: self.converters[1],
            groups: unpacked(self.groups),
        }
    }

    fn write(&self, w: &mut Writer) {
        for x in self.effect.into_iter().chain(self.converters) {
            w.f64(x);
        }
        w.u64(self.groups);
    }

    fn read(r: &mut Reader<'_>) -> Result<Running, UpliftError> {
        Ok(Running {
            effect: [r.f64()?, r.f64()?],
            converters: [r.f64()?, r.f64()?],
            groups: r.u64()?,
        })
    }
}

/// Running sums by step, one slot per step number a `u8` can hold (so a
/// step never needs checking; the slot of [`STRADDLES`] gathers nothing
/// that is read).
type RunningSteps = [Running; 256];

fn running() -> Box<RunningSteps> {
    Box::new([Running::default(); 256])
}

fn write_steps(w: &mut Writer, steps: &RunningSteps) {
    for s in steps {
        s.write(w);
    }
}

fn read_steps(r: &mut Reader<'_>) -> Result<Box<RunningSteps>, UpliftError> {
    let mut steps = running();
    for s in steps.iter_mut() {
        *s = Running::read(r)?;
    }
    Ok(steps)
}

/// Adds the later half's running sums to the earlier's, step by step.
fn merge_steps(earlier: &mut RunningSteps, later: &RunningSteps) {
    for (a, b) in earlier.iter_mut().zip(later.iter()) {
        a.merge(b);
    }
}

fn tallies_of(running: &RunningSteps) -> Box<Tallies> {
    let mut t = empty();
    for (t, r) in t.iter_mut().zip(running.iter()) {
        *t = r.tally();
    }
    t
}

/// The riders' sums.
#[derive(Clone, Debug)]
pub struct RiderSums {
    pub model: Option<Box<Tallies>>,
    pub learned: Option<Box<Tallies>>,
    model_running: Option<Box<RunningSteps>>,
    learned_running: Option<Box<RunningSteps>>,
    /// Users of each group per intent band, and the band's Σ q1 − q0, of
    /// the users of steps whose users span two bands (the others are in
    /// their steps' tallies).
    band_groups: [[u64; 4]; 3],
    band_uplift: [f64; 3],
    /// Users of each group per score bin.
    pub chart: Vec<[u64; 4]>,
    /// The treated arm's and the control arm's users and conversions.
    pub arms: [[u64; 2]; 2],
    /// Whether `chart` and `arms` began as the counts of the same users
    /// with their groups before this pass ([`RiderSums::from_counts`]).
    changes_only: bool,
}

/// The chart's and the arms' counts of some users: whole numbers, the same
/// whatever order they are counted in, so a pass that changes few users'
/// groups (a τ step) counts only those from the counts before it.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupCounted {
    pub chart: Vec<[u64; 4]>,
    pub arms: [[u64; 2]; 2],
}

fn empty() -> Box<Tallies> {
    Box::new([StepTally::default(); STEPS])
}

impl RiderSums {
    /// Nothing summed yet.
    pub fn new(riders: &Riders<'_>) -> RiderSums {
        RiderSums {
            model: None,
            learned: None,
            model_running: riders.model.map(|_| running()),
            learned_running: riders.learned.map(|_| running()),
            band_groups: [[0; 4]; 3],
            band_uplift: [0.0; 3],
            chart: vec![[0; 4]; riders.bins.count],
            arms: [[0; 2]; 2],
            changes_only: false,
        }
    }

    /// Nothing summed yet but the chart's and the arms' counts of the same
    /// users before the pass, `counted`: the pass's blocks must show each
    /// user's group before it ([`Block::before`]), and only the users whose
    /// group changed are counted. (Counted from nothing when `counted` is of
    /// another score axis.)
    pub fn from_counts(riders: &Riders<'_>, counted: &GroupCounted) -> RiderSums {
        let mut sums = RiderSums::new(riders);
        if counted.chart.len() == sums.chart.len() {
            sums.chart.clone_from(&counted.chart);
            sums.arms = counted.arms;
            sums.changes_only = true;
        }
        sums
    }

    /// The chart's and the arms' counts summed.
    pub fn counted(&self) -> GroupCounted {
        GroupCounted {
            chart: self.chart.clone(),
            arms: self.arms,
        }
    }

    /// Adds a block of users, one simple loop per sum (many users in
    /// flight at once).
    pub fn add(&mut self, riders: &Riders<'_>, b: &Block<'_>) {
        let range = b.start..b.start + b.group.len();
        if let (Some(t), Some((steps, segment, mixed))) =
            (self.model_running.as_mut(), riders.model)
        {
            add_by_steps(t, &steps[range.clone()], b);
            let first = mixed.partition_point(|&i| (i as usize) < range.start);
            let last = mixed.partition_point(|&i| (i as usize) < range.end);
            for &i in &mixed[first..last] {
                let (i, j) = (i as usize, i as usize - b.start);
                let band = usize::from(segment[i]).min(2);
                self.band_uplift[band] += b.uplift[j];
                self.band_groups[band][usize::from(b.group[j] & 3)] += 1;
            }
        }
        if let (Some(t), Some(steps)) = (self.learned_running.as_mut(), riders.learned) {
            add_by_steps(t, &steps[range.clone()], b);
        }
        if self.changes_only {
            let before = b.before.expect("a pass that changes the groups");
            self.count_changes(riders, b.start, before, b.group);
        } else {
            self.count_block(riders, b.start, b.group);
        }
    }

    /// Counts a block of users' groups, from `start`, in the chart and the
    /// arms.
    fn count_block(&mut self, riders: &Riders<'_>, start: usize, group: &[u8]) {
        let range = start..start + group.len();
        // Each bin's four groups in one word (16 bits each: a block holds
        // fewer users), in two copies so that neighbours rarely wait on
        // each other's count.
        let mut counts = [[0u64; 2]; MOST_BINS];
        let bins = &riders.bins.bin[range.clone()];
        for (j, (&bin, &g)) in bins.iter().zip(group).enumerate() {
            counts[usize::from(bin)][j & 1] += packed(g);
        }
        for (chart, [a, b]) in self.chart.iter_mut().zip(counts) {
            for ((c, a), b) in chart.iter_mut().zip(unpacked(a)).zip(unpacked(b)) {
                *c += a + b;
            }
        }
        // Narrow counters within a block (vector lanes), widened after.
        let (mut treated, mut treated_conversions, mut control_conversions) = (0u32, 0u32, 0u32);
        for ((&t, &y0), &g) in riders.treated[range.clone()]
            .iter()
            .zip(&riders.converted[range])
            .zip(group)
        {
            let (t, y0, y1) = (
                u32::from(t),
                u32::from(y0),
                u32::from(Group::converts_with_offer(g)),
            );
            treated += t;
            treated_conversions += t & y1;
            control_conversions += (1 - t) & y0;
        }
        let users = group.len() as u64;
        self.arms[0][0] += u64::from(treated);
        self.arms[0][1] += u64::from(treated_conversions);
        self.arms[1][0] += users - u64::from(treated);
        self.arms[1][1] += u64::from(control_conversions);
    }

    /// Moves the users of a block, from `start`, whose group changed from
    /// `before` to `group` in the chart's and the arms' counts: a user's
    /// score bin, arm and outcome without the offer stay, so only their
    /// group's count and, when treated, the treated arm's conversions move.
    fn count_changes(&mut self, riders: &Riders<'_>, start: usize, before: &[u8], group: &[u8]) {
        let (bins, treated) = (
            &riders.bins.bin[start..start + group.len()],
            &riders.treated[start..start + group.len()],
        );
        let converts = |g: u8| u64::from(Group::converts_with_offer(g));
        let mut moved = |i: usize, g: u8, h: u8| {
            let counts = &mut self.chart[usize::from(bins[i])];
            counts[usize::from(h & 3)] = counts[usize::from(h & 3)].wrapping_sub(1);
            counts[usize::from(g & 3)] += 1;
            if treated[i] {
                let conversions = &mut self.arms[0][1];
                *conversions = (*conversions + converts(g)).wrapping_sub(converts(h));
            }
        };
        // Eight users at a time (one comparison of two words): a τ step
        // changes few users' groups.
        let marked = |at: usize, now: u64| now != word_of(&before[at..at + 8]);
        by_eights(group, marked, |users| {
            for i in users {
                if group[i] != before[i] {
                    moved(i, group[i], before[i]);
                }
            }
        });
    }
}

impl RiderSums {
    /// Adds the sums of the later half of the users (summed from the same
    /// riders) to these, the earlier half's.
    fn merge(&mut self, later: &RiderSums) {
        for (a, b) in [
            (&mut self.model_running, &later.model_running),
            (&mut self.learned_running, &later.learned_running),
        ] {
            if let (Some(a), Some(b)) = (a, b) {
                merge_steps(a, b);
            }
        }
        add_counts(&mut self.band_groups, &later.band_groups);
        for (a, b) in self.band_uplift.iter_mut().zip(later.band_uplift) {
            *a += b;
        }
        add_counts(&mut self.chart, &later.chart);
        add_counts(&mut self.arms, &later.arms);
    }

    /// The sums of both halves of the users (the earlier first), finished.
    pub fn joined([mut sums, later]: [RiderSums; 2]) -> RiderSums {
        sums.merge(&later);
        sums.finish();
        sums
    }

    /// Writes the sums (before [`RiderSums::finish`]).
    pub fn write(&self, w: &mut Writer) {
        for steps in [&self.model_running, &self.learned_running] {
            w.u8(u8::from(steps.is_some()));
            if let Some(steps) = steps {
                write_steps(w, steps);
            }
        }
        for x in self.band_groups.as_flattened() {
            w.u64(*x);
        }
        for x in self.band_uplift {
            w.f64(x);
        }
        w.all(&self.chart, |w, bin| bin.iter().for_each(|&x| w.u64(x)));
        for x in self.arms.as_flattened() {
            w.u64(*x);
        }
    }

    /// Reads sums written by [`RiderSums::write`] from the same riders as
    /// these (another half of the users).
    pub fn read_like(&self, r: &mut Reader<'_>) -> Result<RiderSums, UpliftError> {
        let mut steps = [None, None];
        for (slot, ours) in steps
            .iter_mut()
            .zip([&self.model_running, &self.learned_running])
        {
            let theirs = r.u8()? == 1;
            if theirs != ours.is_some() {
                return Err(UpliftError::new("half", "was summed along other rankings"));
            }
            if theirs {
                *slot = Some(read_steps(r)?);
            }
        }
        let [model_running, learned_running] = steps;
        let mut band_groups = [[0; 4]; 3];
        for x in band_groups.as_flattened_mut() {
            *x = r.u64()?;
        }
        let band_uplift = [r.f64()?, r.f64()?, r.f64()?];
        let chart = r.all(MOST_BINS, |r| Ok([r.u64()?, r.u64()?, r.u64()?, r.u64()?]))?;
        if chart.len() != self.chart.len() {
            return Err(UpliftError::new(
                "half",
                "was summed along another score axis",
            ));
        }
        let mut arms = [[0; 2]; 2];
        for x in arms.as_flattened_mut() {
            *x = r.u64()?;
        }
        Ok(RiderSums {
            model: None,
            learned: None,
            model_running,
            learned_running,
            band_groups,
            band_uplift,
            chart,
            arms,
            changes_only: false,
        })
    }

    /// The tallies of the running sums, once every user is added.
    pub fn finish(&mut self) {
        self.model = self.model_running.as_deref().map(tallies_of);
        self.learned = self.learned_running.as_deref().map(tallies_of);
    }
}

/// Adds the counts of `later` to those of `earlier`, row by row.
fn add_counts<const N: usize>(earlier: &mut [[u64; N]], later: &[[u64; N]]) {
    for (a, b) in earlier.iter_mut().zip(later) {
        for (a, b) in a.iter_mut().zip(b) {
            *a += b;
        }
    }
}

/// Adds each user of a block to the running sums of its step.
fn add_by_steps(t: &mut RunningSteps, steps: &[u8], b: &Block<'_>) {
    let each = steps.iter().zip(b.group).zip(b.uplift).zip(b.with_noise);
    for ((((&s, &g), &u), &w), (&q1, &p1)) in each.zip(b.q1.iter().zip(b.p1)) {
        t[usize::from(s)].add([u, w], [q1, p1], g);
    }
}

/// What a user adds to a tally: q1 − q0, p1 − p0, q1, p1 and the group.
type Values = (f64, f64, f64, f64, u8);

/// What one half of the users adds to the true rankings' tallies: each
/// step's running sums, and the straddlers met, in rank order.
#[derive(Clone, Debug)]
pub struct TruthHalf {
    running: [Box<RunningSteps>; 2],
    straddlers: [Straddlers; 2],
}

/// Users of straddling bins in rank order (as
/// [`rank_order`](super::ranking::rank_order) ranks them): each one's bin
/// and values.
type Straddlers = (Vec<u32>, Vec<Values>);

/// Distinct keys a straddling bin is ranked by counting with ([`rank_bin`]).
const FEW_KEYS: usize = 32;

/// Appends the places of one straddling bin's users (their [`rank_key`]s
/// and places, met in index order) to `order`, in rank order: highest key
/// first, ties in the order met. Users sharing their signals and τ class
/// share the best ranking's key, so a bin often holds a few hundred users
/// of a handful of keys: these are counted into place (`which`: room for
/// each user's key). A bin of more keys is sorted (by key and place, so
/// the order met is kept among ties).
fn rank_bin(users: &mut [(u64, u32)], order: &mut Vec<u32>, which: &mut Vec<u8>) {
    let (mut keys, mut counts) = ([0u64; FEW_KEYS], [0u32; FEW_KEYS]);
    let (mut distinct, mut last) = (0, 0);
    which.clear();
    for &(k, _) in users.iter() {
        // Neighbours often share a key; else every key known is looked at
        // (a select each, no branch to mispredict).
        if distinct == 0 || keys[last] != k {
            let mut found = FEW_KEYS;
            for (j, &known) in keys[..distinct].iter().enumerate() {
                found = if known == k { j } else { found };
            }
            last = match found {
                FEW_KEYS if distinct == FEW_KEYS => {
                    users.sort_unstable();
                    order.extend(users.iter().map(|&(_, at)| at));
                    return;
                }
                FEW_KEYS => {
                    keys[distinct] = k;
                    distinct += 1;
                    distinct - 1
                }
                j => j,
            };
        }
        counts[last] += 1;
        which.push(last as u8);
    }
    // Each key's first place, keys in rank order.
    let mut by_rank: [usize; FEW_KEYS] = std::array::from_fn(|j| j);
    let by_rank = &mut by_rank[..distinct];
    by_rank.sort_unstable_by_key(|&j| keys[j]);
    let mut first = [0usize; FEW_KEYS];
    let mut at = order.len();
    for &j in by_rank.iter() {
        first[j] = at;
        at += counts[j] as usize;
    }
    order.resize(at, 0);
    for (&(_, place), &j) in users.iter().zip(which.iter()) {
        let slot = &mut first[usize::from(j) % FEW_KEYS];
        order[*slot] = place;
        *slot += 1;
    }
}

/// Straddlers met in index order (each one's bin and values) in rank
/// order, ranked by `key`: bin by bin (bins follow the key), each bin on
/// its own. `straddling` lists the straddling bins in order, and `slot`
/// finds a bin's place in it.
fn ranked(
    (bins, values): (Vec<u32>, Vec<Values>),
    straddling: &[u32],
    slot: impl Fn(u32) -> usize,
    key: impl Fn(&Values) -> f64,
) -> Straddlers {
    // Each straddling bin's users, in the order met (a counting sort):
    // their keys, and their places among the straddlers.
    let mut start = vec![0usize; straddling.len() + 1];
    for &b in &bins {
        start[slot(b) + 1] += 1;
    }
    for j in 1..start.len() {
        start[j] += start[j - 1];
    }
    let mut next = start.clone();
    let mut by_bin = vec![(0u64, 0u32); values.len()];
    for (place, (&b, v)) in (0..).zip(bins.iter().zip(&values)) {
        let at = &mut next[slot(b)];
        by_bin[*at] = (rank_key(key(v)), place);
        *at += 1;
    }
    let (mut order, mut which) = (Vec::with_capacity(values.len()), Vec::new());
    for users in start.windows(2) {
        rank_bin(&mut by_bin[users[0]..users[1]], &mut order, &mut which);
    }
    let bins = straddling
        .iter()
        .zip(start.windows(2))
        .flat_map(|(&bin, users)| std::iter::repeat_n(bin, users[1] - users[0]))
        .collect();
    (bins, order.iter().map(|&j| values[j as usize]).collect())
}

impl TruthHalf {
    /// Writes the sums, and each straddler's bin and values, column by
    /// column: its key is one of its values, so it does not go across.
    pub fn write(&self, w: &mut Writer) {
        // Each straddler's bin, four numbers and group (below).
        let each = 4 + 4 * 8 + 1;
        w.reserve(
            self.straddlers
                .iter()
                .map(|(bins, _)| bins.len() * each)
                .sum(),
        );
        for (steps, (bins, values)) in self.running.iter().zip(&self.straddlers) {
            write_steps(w, steps);
            w.u32(bins.len() as u32);
            w.u32s(bins.iter().copied());
            w.f64s(values.iter().map(|v| v.0));
            w.f64s(values.iter().map(|v| v.1));
            w.f64s(values.iter().map(|v| v.2));
            w.f64s(values.iter().map(|v| v.3));
            w.u8s(values.iter().map(|v| v.4));
        }
    }

    /// Whether every straddler is in a bin that straddles for these cuts
    /// (the oracle's, then the best ranking's): a half read from bytes may
    /// name any bin.
    pub fn fits(&self, cuts: [&BinSteps; 2]) -> bool {
        let straddles = |(bins, _): &Straddlers, cuts: &BinSteps| {
            bins.iter().all(|&b| cuts.step(b as usize) == STRADDLES)
        };
        straddles(&self.straddlers[0], cuts[0]) && straddles(&self.straddlers[1], cuts[1])
    }

    pub fn read(r: &mut Reader<'_>) -> Result<TruthHalf, UpliftError> {
        // The keys as closures (see `truth_tallies`).
        let (oracle, oracle_straddlers) = read_half(r, |v| v.1)?;
        let (best, best_straddlers) = read_half(r, |v| v.0)?;
        Ok(TruthHalf {
            running: [oracle, best],
            straddlers: [oracle_straddlers, best_straddlers],
        })
    }
}

/// One ranking's sums and straddlers of a [`TruthHalf`], read back and
/// checked: the straddlers in rank order by `key`, their bins too.
fn read_half(
    r: &mut Reader<'_>,
    key: impl Fn(&Values) -> f64,
) -> Result<(Box<RunningSteps>, Straddlers), UpliftError> {
    let steps = read_steps(r)?;
    let n = r.length(MAX_ROWS_IN_MEMORY as usize, "straddlers")?;
    let bins = r.u32s(n)?;
    let [uplift, with_noise, q1, p1] = [(); 4].map(|_| r.f64_column(n));
    let group = r.u8s(n)?;
    let each = (uplift?.zip(with_noise?)).zip(q1?.zip(p1?)).zip(group);
    let values: Vec<Values> = each
        .map(|(((uplift, with_noise), (q1, p1)), g)| (uplift, with_noise, q1, p1, g))
        .collect();
    // In rank order, bins too (a bin is monotone in the key).
    let in_order = bins.windows(2).all(|b| b[0] <= b[1])
        && values
            .windows(2)
            .all(|v| rank_key(key(&v[0])) <= rank_key(key(&v[1])));
    if !in_order || bins.last().is_some_and(|&b| b as usize >= BINS) {
        return Err(UpliftError::new("half", "has straddlers out of place"));
    }
    Ok((steps, (bins, values)))
}

/// Eight users' bytes (groups, steps) as one word, to test them at once.
#[inline(always)]
fn word_of(eight: &[u8]) -> u64 {
    u64::from_le_bytes(eight.try_into().expect("eight bytes"))
}

/// Shows `look` each run of eight of `bytes` (a block's users) whose word
/// `marked` picks (it is given the run's first place and its word), then
/// the last few past the runs of eight: a scan that passes over the words
/// with nothing to look at.
#[inline(always)]
fn by_eights(
    bytes: &[u8],
    marked: impl Fn(usize, u64) -> bool,
    mut look: impl FnMut(Range<usize>),
) {
    let words = bytes.chunks_exact(8);
    let whole = bytes.len() - words.remainder().len();
    for (k, eight) in words.enumerate() {
        if marked(8 * k, word_of(eight)) {
            look(8 * k..8 * k + 8);
        }
    }
    look(whole..bytes.len());
}

/// Each byte's high bit: set in a step's byte only for [`STRADDLES`].
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
const _: () = assert!(STEPS <= 0x80 && STRADDLES & 0x80 != 0);

/// The second pass over the effects of the users in `users`: each into its
/// steps' sums of the oracle's and the best possible ranking's, whose
/// bins' steps are `cuts` (in that order); their straddlers ranked.
pub fn truth_half(
    effects: &Effects,
    p0: &[f64],
    q0: &[f64],
    cuts: [&BinSteps; 2],
    users: Range<usize>,
) -> TruthHalf {
    let (mut oracle, mut best) = (running(), running());
    // Room for every user of the straddling bins (this half meets some of
    // them), so that the lists are not copied as they grow.
    let [oracle_users, best_users] = [
        (&effects.oracle_bins, cuts[0]),
        (&effects.best_bins, cuts[1]),
    ]
    .map(|(bins, cuts)| {
        let counts = bins.counts();
        (cuts.straddling().iter())
            .map(|&b| counts[b as usize] as usize)
            .sum::<usize>()
    });
    let with_room = |n: usize| (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut oracle_met: (Vec<u32>, Vec<Values>) = with_room(oracle_users);
    let mut best_met: (Vec<u32>, Vec<Values>) = with_room(best_users);
    let [oracle_table, best_table] = cuts.map(BinSteps::table);
    let r = users;
    let (p1, q1, group) = (
        &effects.p1[r.clone()],
        &effects.q1[r.clone()],
        &effects.group[r.clone()],
    );
    let (oracle_bin, best_bin) = (&effects.oracle_bin[r.clone()], &effects.best_bin[r.clone()]);
    let (p0, q0) = (&p0[r.clone()], &q0[r]);
    // Block by block: each user's two steps first (table lookups alone),
    // then every user into its steps' sums (a straddler into a slot never
    // read) in a loop without branches, then the straddlers met, found
    // eight steps at a time (in a word that holds one, without branches:
    // an index written for each user, kept for a straddler) and their
    // values taken while they are in the cache.
    const AT_ONCE: usize = 2048;
    let (mut steps, mut met) = ([[0u8; AT_ONCE]; 2], [[0u32; AT_ONCE]; 2]);
    let n = p1.len();
    for start in (0..n).step_by(AT_ONCE) {
        let end = (start + AT_ONCE).min(n);
        let m = end - start;
        let [o_steps, b_steps] = &mut steps;
        let (o_steps, b_steps) = (&mut o_steps[..m], &mut b_steps[..m]);
        let bins = oracle_bin[start..end].iter().zip(&best_bin[start..end]);
        for ((o, b), (&ob, &bb)) in o_steps.iter_mut().zip(b_steps.iter_mut()).zip(bins) {
            *o = oracle_table[usize::from(ob)];
            *b = best_table[usize::from(bb)];
        }
        let values = (p1[start..end].iter().zip(&q1[start..end]))
            .zip(p0[start..end].iter().zip(&q0[start..end]))
            .zip(&group[start..end]);
        let at = o_steps.iter().zip(b_steps.iter());
        for ((((&p1, &q1), (&p0, &q0)), &g), (&o, &b)) in values.zip(at) {
            let effect = [q1 - q0, p1 - p0];
            oracle[usize::from(o)].add(effect, [q1, p1], g);
            best[usize::from(b)].add(effect, [q1, p1], g);
        }
        let steps_bins = [
            (&*o_steps, oracle_bin, &mut oracle_met),
            (&*b_steps, best_bin, &mut best_met),
        ];
        for ((steps, bin, (bins, values)), met) in steps_bins.into_iter().zip(&mut met) {
            // Eight steps at a time: a straddling step is the only one with
            // its high bit set, and few users straddle.
            let mut found = 0;
            by_eights(
                steps,
                |_, word| word & HIGH_BITS != 0,
                |users| {
                    for j in users {
                        met[found] = j as u32;
                        found += usize::from(steps[j] == STRADDLES);
                    }
                },
            );
            for &j in &met[..found] {
                let i = start + j as usize;
                bins.push(u32::from(bin[i]));
                values.push((q1[i] - q0[i], p1[i] - p0[i], q1[i], p1[i], group[i]));
            }
        }
    }
    // Ranked here, in each half (and in each worker), so that joining the
    // halves is a merge.
    let slot = |k: usize| move |b: u32| cuts[k].slot(b as usize);
    TruthHalf {
        running: [oracle, best],
        straddlers: [
            ranked(oracle_met, cuts[0].straddling(), slot(0), |v| v.1),
            ranked(best_met, cuts[1].straddling(), slot(1), |v| v.0),
        ],
    }
}

/// Two halves' straddlers (each in rank order) merged into rank order,
/// the earlier half's first among equal keys: the order of ranking them
/// all, met in index order, at once.
fn merged<'a>(
    (a_bins, a): &'a Straddlers,
    (b_bins, b): &'a Straddlers,
    key: impl Fn(&Values) -> f64 + 'a,
) -> impl Iterator<Item = (u32, Values)> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        let earlier_next = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => rank_key(key(x)) <= rank_key(key(y)),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        Some(if earlier_next {
            i += 1;
            (a_bins[i - 1], a[i - 1])
        } else {
            j += 1;
            (b_bins[j - 1], b[j - 1])
        })
    })
}

/// The oracle's and the best possible ranking's tallies from the two
/// halves of the users' sums ([`truth_half`], the earlier half first),
/// with their steps from the histograms of their keys.
pub fn truth_tallies(
    [mut earlier, later]: [TruthHalf; 2],
    oracle_steps: &BinSteps,
    best_steps: &BinSteps,
) -> [Box<Tallies>; 2] {
    let mut tallies = [0, 1].map(|k| {
        merge_steps(&mut earlier.running[k], &later.running[k]);
        tallies_of(&earlier.running[k])
    });
    let [oracle, best] = &mut tallies;
    // The keys as closures, not function pointers: the merge's
    // comparisons are then inlined (with pointers the join took twice as
    // long).
    let [a, b] = [&earlier.straddlers[0], &later.straddlers[0]];
    add_straddlers(merged(a, b, |v| v.1), oracle_steps, oracle);
    let [a, b] = [&earlier.straddlers[1], &later.straddlers[1]];
    add_straddlers(merged(a, b, |v| v.0), best_steps, best);
    tallies
}

/// Adds the straddlers of both halves, merged into rank order, to the
/// tallies of their steps.
fn add_straddlers(
    merged: impl Iterator<Item = (u32, Values)>,
    steps: &BinSteps,
    tallies: &mut Tallies,
) {
    steps.settle_ranked(merged, |(uplift, with_noise, q1, p1, group), step| {
        tallies[usize::from(step)].add(uplift, with_noise, q1, p1, group);
    });
}

/// A model's intent bands without the offer: each band's users, Σ of the
/// model's probability and Σ q0, in index order.
#[derive(Clone, Copy, Debug, Default)]
pub struct BandBase {
    users: [u64; 3],
    predicted: [f64; 3],
    q0: [f64; 3],
}

impl BandBase {
    /// The bands of users whose bands are `segment`, with the model's
    /// `probability` and `q0`.
    pub fn new(segment: &[u8], probability: &[f64], q0: &[f64]) -> BandBase {
        let mut base = BandBase::default();
        for ((&s, &p), &q) in segment.iter().zip(probability).zip(q0) {
            let k = usize::from(s).min(2);
            base.users[k] += 1;
            base.predicted[k] += p;
            base.q0[k] += q;
        }
        base
    }

    /// What the page shows of each band, with the riders' sums and each
    /// step's band ([`MIXED`] where its users span two).
    pub fn view(&self, sums: &RiderSums, step_band: &[u8; STEPS]) -> Vec<BandGroups> {
        let (mut band_groups, mut band_uplift) = (sums.band_groups, sums.band_uplift);
        if let Some(model) = &sums.model {
            for (t, &band) in model.iter().zip(step_band) {
                if band != MIXED {
                    let k = usize::from(band).min(2);
                    band_uplift[k] += t.uplift;
                    for (a, b) in band_groups[k].iter_mut().zip(t.groups) {
                        *a += b;
                    }
                }
            }
        }
        (0..3)
            .map(|k| {
                let users = self.users[k];
                let some = users > 0;
                let n = users as f64;
                let groups = GroupCounts::from_array(band_groups[k]);
                BandGroups {
                    segment: segment_of(k as u8),
                    users,
                    mean_predicted: some.then(|| self.predicted[k] / n),
                    mean_q0: some.then(|| self.q0[k] / n),
                    mean_effect_points: some.then(|| 100.0 * band_uplift[k] / n),
                    wasted_share: some.then(|| groups.wasted() / n),
                    groups,
                }
            })
            .collect()
    }
}

/// The band of a segment number, as stored per user.
fn segment_of(code: u8) -> Segment {
    match code {
        0 => Segment::HighIntent,
        1 => Segment::MediumIntent,
        _ => Segment::LowIntent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uplift::ranking::{rank_order, KeyBins};

    /// The oracle's key (p1 − p0) and the best possible ranking's (q1 − q0).
    const KEYS: [fn(&Values) -> f64; 2] = [|v| v.1, |v| v.0];

    /// Straddlers in index order: keys drawn from a few values (ties
    /// within and across the halves, both zeros, NaN) in two bins, and
    /// many distinct keys in a third.
    fn met(users: Range<usize>) -> (Vec<u32>, Vec<Values>) {
        let bins = KeyBins::new(-1.0, 1.0);
        users
            .map(|i| {
                let few = [0.25, -0.5, 0.25 + 1e-12, f64::NAN, 0.0, -0.0][(i * 7) % 6];
                let key = if i % 3 == 0 {
                    0.75 + i as f64 * 1e-12
                } else {
                    few
                };
                let values = (key, key, i as f64, 0.0, (i % 4) as u8);
                (bins.bin(key) as u32, values)
            })
            .unzip()
    }

    /// A half's straddlers ranked as [`truth_half`] ranks them.
    fn ranked_half((bins, values): (Vec<u32>, Vec<Values>), key: fn(&Values) -> f64) -> Straddlers {
        let mut straddling = bins.clone();
        straddling.sort_unstable();
        straddling.dedup();
        let slot = |b| straddling.binary_search(&b).unwrap();
        ranked((bins, values), &straddling, slot, key)
    }

    #[test]
    fn two_ranked_halves_merge_into_the_order_of_ranking_all_at_once() {
        let users = 3 * FEW_KEYS + 40;
        for key in KEYS {
            for middle in [0, 1, 17, FEW_KEYS * 2 + 1, users] {
                let (earlier, later) = (met(0..middle), met(middle..users));
                let merged: Vec<(u32, Values)> =
                    merged(&ranked_half(earlier, key), &ranked_half(later, key), key).collect();
                let (bins, values) = met(0..users);
                let keys: Vec<f64> = values.iter().map(key).collect();
                let at_once: Vec<(u32, Values)> = rank_order(&keys)
                    .into_iter()
                    .map(|j| (bins[j as usize], values[j as usize]))
                    .collect();
                // As bits: a NaN key is equal to itself.
                let bits = |xs: &[(u32, Values)]| -> Vec<(u32, [u64; 4], u8)> {
                    xs.iter()
                        .map(|&(b, v)| (b, [v.0, v.1, v.2, v.3].map(f64::to_bits), v.4))
                        .collect()
                };
                assert_eq!(bits(&merged), bits(&at_once), "halves split at {middle}");
            }
        }
    }

    #[test]
    fn a_half_fits_cuts_whose_bins_straddle_where_its_straddlers_are() {
        // 30 users in bin 7 and 70 in bin 9 of 100: step 29's edge falls
        // in bin 9, the first 30 steps' edges in bin 7.
        let mut bins = KeyBins::new(0.0, 1.0);
        let key = |b: usize| 1.0 - (b as f64 + 0.5) / (BINS - 1) as f64;
        for (b, users) in [(7, 30), (9, 70)] {
            for _ in 0..users {
                bins.count(key(b));
            }
        }
        let cuts = bins.steps(100);
        assert_eq!(cuts.straddling(), [7, 9]);
        let half = |bin: u32| TruthHalf {
            running: [running(), running()],
            straddlers: [
                (vec![], vec![]),
                (vec![bin], vec![(key(bin as usize), 0.0, 0.0, 0.0, 0)]),
            ],
        };
        assert!(half(9).fits([&cuts, &cuts]));
        assert!(!half(8).fits([&cuts, &cuts]));
    }

    #[test]
    fn a_half_comes_back_as_written_and_one_out_of_rank_order_is_refused() {
        let half = TruthHalf {
            running: [running(), running()],
            straddlers: [
                ranked_half(met(0..10), KEYS[0]),
                ranked_half(met(0..25), KEYS[1]),
            ],
        };
        let bytes = |half: &TruthHalf| {
            let mut w = Writer::default();
            half.write(&mut w);
            w.bytes()
        };
        let written = bytes(&half);
        let mut r = Reader::new(&written);
        let read = TruthHalf::read(&mut r).unwrap();
        r.end().unwrap();
        assert_eq!(bytes(&read), written);
        let mut shuffled = half.clone();
        shuffled.straddlers[1].1.reverse();
        let e = TruthHalf::read(&mut Reader::new(&bytes(&shuffled))).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.problem.as_str()),
            ("half", "has straddlers out of place")
        );
    }
}
