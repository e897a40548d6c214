//! One pass over every user that sums what each policy's budget steps do,
//! the groups in each intent band and along the score, and the
//! experiment's arms: everything the lab's view reads after a change.

use super::effects::Effects;
use super::groups::{Group, GroupCounts};
use super::policy::{StepTally, Tallies};
use super::ranking::{BinSteps, Straddler, STEPS, STRADDLES};
use super::view::{BandGroups, ScoreChart};
use crate::decide::bands::{Segment, Thresholds};
use crate::math::sigmoid;

/// Widest score axis of the chart: beyond ±12 the S-curve is flat.
const SCORE_REACH: f64 = 12.0;
/// Most bins of the chart.
const MOST_BINS: usize = 60;
/// Users per block of the pass: what a block's loops read stays in the
/// nearest cache.
const TALLY_BLOCK: usize = 512;
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

/// What one pass reads.
pub struct TallyInput<'a> {
    pub effects: &'a Effects,
    /// q0 of each user.
    pub q0: &'a [f64],
    /// Each user's outcome without the offer.
    pub converted: &'a [bool],
    pub treated: &'a [bool],
    pub bins: &'a ScoreBins,
    /// The model's budget steps, bands and probabilities, when there is one.
    pub model: Option<(&'a [u8], &'a [u8], &'a [f64])>,
    /// The true rankings' steps by histogram bin of their keys (the effects'
    /// `uplift_with_noise` and `uplift`).
    pub oracle: &'a BinSteps,
    pub best: &'a BinSteps,
    pub learned: Option<&'a [u8]>,
}

/// What one pass found.
#[derive(Clone, Debug)]
pub struct TallyResult {
    pub model: Option<Box<Tallies>>,
    pub oracle: Box<Tallies>,
    pub best: Box<Tallies>,
    pub learned: Option<Box<Tallies>>,
    /// Users of each group per score bin.
    pub chart: Vec<[u64; 4]>,
    pub bands: Option<Vec<BandGroups>>,
    /// The treated arm's and the control arm's users and conversions.
    pub arms: [[u64; 2]; 2],
}

/// A band's running sums.
#[derive(Clone, Copy, Default)]
struct BandSums {
    users: u64,
    groups: [u64; 4],
    predicted: f64,
    q0: f64,
    uplift: f64,
}

fn empty() -> Box<Tallies> {
    Box::new([StepTally::default(); STEPS])
}

/// The pass.
pub fn tally(input: &TallyInput<'_>) -> TallyResult {
    let e = input.effects;
    let (mut oracle, mut best) = (empty(), empty());
    let mut model = input.model.map(|_| empty());
    let mut learned = input.learned.map(|_| empty());
    let mut chart = vec![[0u64; 4]; input.bins.count];
    let mut bands = [BandSums::default(); 3];
    let mut arms = [[0u64; 2]; 2];
    let (mut oracle_straddlers, mut best_straddlers): (Vec<Straddler>, Vec<Straddler>) =
        (Vec::new(), Vec::new());
    let values = |i: usize| {
        (
            e.uplift[i],
            e.uplift_with_noise[i],
            e.q1[i],
            e.p1[i],
            e.group[i],
        )
    };
    let n = e.group.len();
    // Block by block, one simple loop per sum: each loop's users are
    // independent, so many are in flight at once (one loop doing all of it
    // is too long for the processor to overlap users). Every sum still
    // adds its users in the same order, so the bits are the same.
    let mut oracle_steps = [0u8; TALLY_BLOCK];
    let mut best_steps = [0u8; TALLY_BLOCK];
    for start in (0..n).step_by(TALLY_BLOCK) {
        let end = (start + TALLY_BLOCK).min(n);
        let m = end - start;
        let uplift = &e.uplift[start..end];
        let with_noise = &e.uplift_with_noise[start..end];
        let q1 = &e.q1[start..end];
        let p1 = &e.p1[start..end];
        let group = &e.group[start..end];
        let (oracle_steps, best_steps) = (&mut oracle_steps[..m], &mut best_steps[..m]);
        for (s, &b) in oracle_steps.iter_mut().zip(&e.oracle_bin[start..end]) {
            *s = input.oracle.step(usize::from(b));
        }
        for (s, &b) in best_steps.iter_mut().zip(&e.best_bin[start..end]) {
            *s = input.best.step(usize::from(b));
        }
        for j in 0..m {
            match oracle_steps[j] {
                STRADDLES => oracle_straddlers.push((
                    u32::from(e.oracle_bin[start + j]),
                    with_noise[j],
                    (start + j) as u32,
                )),
                step => {
                    oracle[usize::from(step)].add(uplift[j], with_noise[j], q1[j], p1[j], group[j])
                }
            }
        }
        for j in 0..m {
            match best_steps[j] {
                STRADDLES => best_straddlers.push((
                    u32::from(e.best_bin[start + j]),
                    uplift[j],
                    (start + j) as u32,
                )),
                step => {
                    best[usize::from(step)].add(uplift[j], with_noise[j], q1[j], p1[j], group[j])
                }
            }
        }
        if let (Some(t), Some((steps, segment, probability))) = (model.as_mut(), input.model) {
            let (steps, segment) = (&steps[start..end], &segment[start..end]);
            for j in 0..m {
                t[usize::from(steps[j])].add(uplift[j], with_noise[j], q1[j], p1[j], group[j]);
            }
            let (probability, q0) = (&probability[start..end], &input.q0[start..end]);
            for j in 0..m {
                let band = &mut bands[usize::from(segment[j]).min(2)];
                band.users += 1;
                band.groups[usize::from(group[j] & 3)] += 1;
                band.predicted += probability[j];
                band.q0 += q0[j];
                band.uplift += uplift[j];
            }
        }
        if let (Some(t), Some(steps)) = (learned.as_mut(), input.learned) {
            let steps = &steps[start..end];
            for j in 0..m {
                t[usize::from(steps[j])].add(uplift[j], with_noise[j], q1[j], p1[j], group[j]);
            }
        }
        let bins = &input.bins.bin[start..end];
        for j in 0..m {
            chart[usize::from(bins[j])][usize::from(group[j] & 3)] += 1;
        }
        let (treated, converted) = (&input.treated[start..end], &input.converted[start..end]);
        for j in 0..m {
            let y = if treated[j] {
                group[j] <= Group::Persuadable as u8
            } else {
                converted[j]
            };
            let arm = &mut arms[usize::from(!treated[j])];
            arm[0] += 1;
            arm[1] += u64::from(y);
        }
    }
    input.oracle.settle(&mut oracle_straddlers, |i, step| {
        let (uplift, with_noise, q1, p1, group) = values(i);
        oracle[usize::from(step)].add(uplift, with_noise, q1, p1, group);
    });
    input.best.settle(&mut best_straddlers, |i, step| {
        let (uplift, with_noise, q1, p1, group) = values(i);
        best[usize::from(step)].add(uplift, with_noise, q1, p1, group);
    });
    let bands = input.model.map(|_| {
        bands
            .iter()
            .enumerate()
            .map(|(code, b)| {
                let some = b.users > 0;
                let users = b.users as f64;
                let groups = GroupCounts::from_array(b.groups);
                BandGroups {
                    segment: segment_of(code as u8),
                    users: b.users,
                    mean_predicted: some.then(|| b.predicted / users),
                    mean_q0: some.then(|| b.q0 / users),
                    mean_effect_points: some.then(|| 100.0 * b.uplift / users),
                    wasted_share: some.then(|| groups.wasted() / users),
                    groups,
                }
            })
            .collect()
    });
    TallyResult {
        model,
        oracle,
        best,
        learned,
        chart,
        bands,
        arms,
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
