//! One pass over every user that sums what each policy's budget steps do,
//! the groups in each intent band and along the score, and the
//! experiment's arms: everything the lab's view reads after a change.

use super::effects::Effects;
use super::groups::GroupCounts;
use super::policy::{StepTally, Tallies};
use super::ranking::{BinSteps, Straddler, STEPS, STRADDLES};
use super::view::{BandGroups, ScoreChart};
use crate::decide::bands::{Segment, Thresholds};
use crate::math::sigmoid;

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
    for i in 0..e.group.len() {
        let (uplift, with_noise, q1, p1, group) = values(i);
        let bin = e.oracle_bins.bin(with_noise);
        match input.oracle.step(bin) {
            STRADDLES => oracle_straddlers.push((bin as u32, with_noise, i as u32)),
            step => oracle[usize::from(step)].add(uplift, with_noise, q1, p1, group),
        }
        let bin = e.best_bins.bin(uplift);
        match input.best.step(bin) {
            STRADDLES => best_straddlers.push((bin as u32, uplift, i as u32)),
            step => best[usize::from(step)].add(uplift, with_noise, q1, p1, group),
        }
        if let (Some(t), Some((steps, segment, probability))) = (model.as_mut(), input.model) {
            t[usize::from(steps[i])].add(uplift, with_noise, q1, p1, group);
            let band = &mut bands[usize::from(segment[i]).min(2)];
            band.users += 1;
            band.groups[usize::from(group & 3)] += 1;
            band.predicted += probability[i];
            band.q0 += input.q0[i];
            band.uplift += uplift;
        }
        if let (Some(t), Some(steps)) = (learned.as_mut(), input.learned) {
            t[usize::from(steps[i])].add(uplift, with_noise, q1, p1, group);
        }
        chart[usize::from(input.bins.bin[i])][usize::from(group & 3)] += 1;
        let treated = input.treated[i];
        let y = if treated {
            e.converts_with_offer(i)
        } else {
            input.converted[i]
        };
        let arm = &mut arms[usize::from(!treated)];
        arm[0] += 1;
        arm[1] += u64::from(y);
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
