//! What each policy's budget steps do, the groups in each intent band and
//! along the score, and the experiment's arms: everything the lab's view
//! reads after a change, summed over the users' effects block by block.
//!
//! Two kinds of sum. The riders ([`RiderSums`]): whatever puts a user in
//! its place without the offer (the model's and the learned ranking's
//! steps, the band, the score bin, the arm) while the offer decides what
//! the user adds; they ride along the effects' own pass. The true rankings
//! ([`truth_tallies`]): the offer decides the user's place too, known only
//! once every user's key is counted, so they take a second pass. Each sum
//! adds its users in index order (a true ranking's users of straddling
//! bins after, in rank order): the bits never depend on how the work is
//! split.

use super::effects::{Block, Effects};
use super::groups::{Group, GroupCounts};
use super::policy::{StepTally, Tallies};
use super::ranking::{BinSteps, Straddler, STEPS, STRADDLES};
use super::view::{BandGroups, ScoreChart};
use crate::decide::bands::{Segment, Thresholds};
use crate::math::sigmoid;
use crate::world::score::BLOCK;

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
    /// The model's budget steps and bands, when there is a model.
    pub model: Option<(&'a [u8], &'a [u8])>,
    /// The learned ranking's budget steps, when it is learned for this experiment.
    pub learned: Option<&'a [u8]>,
    pub bins: &'a ScoreBins,
    pub treated: &'a [bool],
    /// Each user's outcome without the offer.
    pub converted: &'a [bool],
}

/// The riders' sums.
#[derive(Clone, Debug)]
pub struct RiderSums {
    pub model: Option<Box<Tallies>>,
    pub learned: Option<Box<Tallies>>,
    /// Users of each group per intent band, and the band's Σ q1 − q0.
    band_groups: [[u64; 4]; 3],
    band_uplift: [f64; 3],
    /// Users of each group per score bin.
    pub chart: Vec<[u64; 4]>,
    /// The treated arm's and the control arm's users and conversions.
    pub arms: [[u64; 2]; 2],
}

fn empty() -> Box<Tallies> {
    Box::new([StepTally::default(); STEPS])
}

impl RiderSums {
    /// Nothing summed yet.
    pub fn new(riders: &Riders<'_>) -> RiderSums {
        RiderSums {
            model: riders.model.map(|_| empty()),
            learned: riders.learned.map(|_| empty()),
            band_groups: [[0; 4]; 3],
            band_uplift: [0.0; 3],
            chart: vec![[0; 4]; riders.bins.count],
            arms: [[0; 2]; 2],
        }
    }

    /// Adds a block of users, one simple loop per sum (many users in
    /// flight at once).
    pub fn add(&mut self, riders: &Riders<'_>, b: &Block<'_>) {
        let range = b.start..b.start + b.group.len();
        if let (Some(t), Some((steps, segment))) = (self.model.as_mut(), riders.model) {
            add_by_steps(t, &steps[range.clone()], b);
            // Adding 0 leaves a sum's bits as they are: each band's sum
            // sees its own users' effects in index order.
            let mut sums = self.band_uplift;
            for ((&s, &u), &g) in segment[range.clone()].iter().zip(b.uplift).zip(b.group) {
                for (k, sum) in sums.iter_mut().enumerate() {
                    *sum += if usize::from(s).min(2) == k { u } else { 0.0 };
                }
                self.band_groups[usize::from(s).min(2)][usize::from(g & 3)] += 1;
            }
            self.band_uplift = sums;
        }
        if let (Some(t), Some(steps)) = (self.learned.as_mut(), riders.learned) {
            add_by_steps(t, &steps[range.clone()], b);
        }
        for (&bin, &g) in riders.bins.bin[range.clone()].iter().zip(b.group) {
            self.chart[usize::from(bin)][usize::from(g & 3)] += 1;
        }
        // Narrow counters within a block (vector lanes), widened after.
        let (mut treated, mut treated_conversions, mut control_conversions) = (0u32, 0u32, 0u32);
        for ((&t, &y0), &g) in riders.treated[range.clone()]
            .iter()
            .zip(&riders.converted[range])
            .zip(b.group)
        {
            let (t, y0, y1) = (
                u32::from(t),
                u32::from(y0),
                u32::from(g <= Group::Persuadable as u8),
            );
            treated += t;
            treated_conversions += t & y1;
            control_conversions += (1 - t) & y0;
        }
        let users = b.group.len() as u64;
        self.arms[0][0] += u64::from(treated);
        self.arms[0][1] += u64::from(treated_conversions);
        self.arms[1][0] += users - u64::from(treated);
        self.arms[1][1] += u64::from(control_conversions);
    }
}

/// Adds each user of a block to the tally of its step.
fn add_by_steps(t: &mut Tallies, steps: &[u8], b: &Block<'_>) {
    for (j, &s) in steps.iter().enumerate() {
        t[usize::from(s)].add(b.uplift[j], b.with_noise[j], b.q1[j], b.p1[j], b.group[j]);
    }
}

/// What a user adds to a tally: q1 − q0, p1 − p0, q1, p1 and the group.
type Values = (f64, f64, f64, f64, u8);

/// The oracle's and the best possible ranking's tallies: the second pass
/// over the effects, their steps from the histograms of their keys.
pub fn truth_tallies(
    effects: &Effects,
    p0: &[f64],
    q0: &[f64],
    oracle_steps: &BinSteps,
    best_steps: &BinSteps,
) -> [Box<Tallies>; 2] {
    let (mut oracle, mut best) = (empty(), empty());
    let mut oracle_straddlers: (Vec<Straddler>, Vec<Values>) = Default::default();
    let mut best_straddlers: (Vec<Straddler>, Vec<Values>) = Default::default();
    let mut steps = [0u8; BLOCK];
    effects.replay(p0, q0, |b| {
        let range = b.start..b.start + b.group.len();
        for (tallies, table, bins, keys, straddlers) in [
            (
                &mut oracle,
                oracle_steps,
                &effects.oracle_bin[range.clone()],
                b.with_noise,
                &mut oracle_straddlers,
            ),
            (
                &mut best,
                best_steps,
                &effects.best_bin[range.clone()],
                b.uplift,
                &mut best_straddlers,
            ),
        ] {
            let steps = &mut steps[..bins.len()];
            for (s, &bin) in steps.iter_mut().zip(bins) {
                *s = table.step(usize::from(bin));
            }
            for (j, &s) in steps.iter().enumerate() {
                if s == STRADDLES {
                    // Its values kept now, while they are in the cache: the
                    // straddlers' order is random in memory.
                    let (slot, values) = straddlers;
                    slot.push((u32::from(bins[j]), keys[j], values.len() as u32));
                    values.push((b.uplift[j], b.with_noise[j], b.q1[j], b.p1[j], b.group[j]));
                } else {
                    tallies[usize::from(s)].add(
                        b.uplift[j],
                        b.with_noise[j],
                        b.q1[j],
                        b.p1[j],
                        b.group[j],
                    );
                }
            }
        }
    });
    for (tallies, table, (straddlers, values)) in [
        (&mut oracle, oracle_steps, &mut oracle_straddlers),
        (&mut best, best_steps, &mut best_straddlers),
    ] {
        table.settle(straddlers, |slot, step| {
            let (uplift, with_noise, q1, p1, group) = values[slot];
            tallies[usize::from(step)].add(uplift, with_noise, q1, p1, group);
        });
    }
    [oracle, best]
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

    /// What the page shows of each band, with the riders' sums.
    pub fn view(&self, sums: &RiderSums) -> Vec<BandGroups> {
        (0..3)
            .map(|k| {
                let users = self.users[k];
                let some = users > 0;
                let n = users as f64;
                let groups = GroupCounts::from_array(sums.band_groups[k]);
                BandGroups {
                    segment: segment_of(k as u8),
                    users,
                    mean_predicted: some.then(|| self.predicted[k] / n),
                    mean_q0: some.then(|| self.q0[k] / n),
                    mean_effect_points: some.then(|| 100.0 * sums.band_uplift[k] / n),
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
