//! The mechanism on one picture: the S-curve p = sigmoid(score) that turns a
//! score (a log-odds) into a probability, with the users' scores under it.
//!
//! Each user has a systematic score s(x), what their signals explain, and a
//! score with their own noise, s(x) + σ·z; the curve makes each score a true
//! probability, and the conversion rate is, up to the label draws, the mean
//! of those probabilities. Because the S is curved, that mean is not the
//! curve at the mean score: where most users sit on its flat top, spreading
//! their scores (more noise) pulls the rate down; on its flat bottom it
//! pulls the rate up. This view holds the numbers that show it.

// Lane and matrix loops read clearest with index loops.
#![allow(clippy::needless_range_loop)]

use serde::Serialize;

use super::aggregates::nice_width;
use super::contract::Tier;
use super::dataset::Dataset;
use super::params::GeneratorParams;
use super::score::{ScoreWeights, ScoredBlock, BLOCK};
use crate::math::sigmoid;

/// About how many bins the score axis gets.
const TARGET_BINS: f64 = 80.0;
/// The most it gets (two slots beside them, for users off the axis, make 256).
const MAX_BINS: usize = 254;
/// The axis always shows at least this much of the S on each side of 0: its
/// flat bottom (sigmoid(−6) ≈ 0.25%) and flat top.
const MIN_REACH: f64 = 6.0;
/// How many spreads (standard deviations) of the scores the axis shows on
/// each side of their mean.
const SPREADS: f64 = 4.0;
/// Points of the drawn curve per bin.
const CURVE_POINTS_PER_BIN: usize = 2;
/// A gap between the rate and the curve at the mean score below this (one
/// percentage point) counts as the users sitting in the middle.
const MIDDLE: f64 = 0.01;

/// Where most users sit on the S, judged by the gap between what the curve
/// makes of them (the conversion rate) and the curve at their mean score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sits {
    /// On the flat top: the rate is below the curve at the mean score, and
    /// spreading the scores pulls it down.
    Top,
    /// On the flat bottom: the rate is above the curve at the mean score,
    /// and spreading the scores pulls it up.
    Bottom,
    /// Around the steep middle, where spreading changes the rate little.
    Middle,
}

/// What a score is made of, per user: the five numeric signals, a 0/1 per
/// tier, and the noise draw z.
const PARTS: usize = 9;

/// The means and covariances of the parts of a score over one set of users.
/// A score is linear in its parts, so the mean and spread of everyone's
/// systematic score, and of their score with noise, follow for any weights
/// from these alone (exactly, up to rounding): a slider move costs no pass
/// over the users for them.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreMoments {
    mean: [f64; PARTS],
    covariance: [[f64; PARTS]; PARTS],
}

impl ScoreMoments {
    /// The moments of `data`'s users (their noise draws count as 0 for data
    /// without them), in two passes: the means, then the products around them.
    pub fn of(data: &Dataset) -> ScoreMoments {
        let zeros = vec![0.0; data.len()];
        let noise_z = data.latent.as_ref().map_or(&zeros, |l| &l.noise_z);
        let parts = || {
            data.all_features().zip(noise_z).map(|(x, &z)| {
                let tier = |t: Tier| f64::from(u8::from(x.country_tier == t));
                [
                    f64::from(x.days_since_signup),
                    f64::from(x.sessions_7d),
                    x.content_hours_7d,
                    f64::from(x.downloads_7d),
                    f64::from(x.paywall_views_7d),
                    tier(Tier::Tier1),
                    tier(Tier::Tier2),
                    tier(Tier::Tier3),
                    z,
                ]
            })
        };
        let n = data.len().max(1) as f64;
        let mut mean = [0.0; PARTS];
        for v in parts() {
            for k in 0..PARTS {
                mean[k] += v[k];
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut covariance = [[0.0; PARTS]; PARTS];
        for v in parts() {
            let d: [f64; PARTS] = std::array::from_fn(|k| v[k] - mean[k]);
            for k in 0..PARTS {
                for l in k..PARTS {
                    covariance[k][l] += d[k] * d[l];
                }
            }
        }
        for k in 0..PARTS {
            for l in k..PARTS {
                covariance[k][l] /= n;
                covariance[l][k] = covariance[k][l];
            }
        }
        ScoreMoments { mean, covariance }
    }

    /// Mean and standard deviation of `b0 + Σ a·part` over the users.
    fn of_combination(&self, b0: f64, a: &[f64; PARTS]) -> (f64, f64) {
        let mean = b0 + (0..PARTS).map(|k| a[k] * self.mean[k]).sum::<f64>();
        let variance: f64 = (0..PARTS)
            .map(|k| {
                (0..PARTS)
                    .map(|l| a[k] * a[l] * self.covariance[k][l])
                    .sum::<f64>()
            })
            .sum();
        (mean, if variance > 0.0 { variance.sqrt() } else { 0.0 })
    }

    /// The coefficients of the parts in the score of `params`.
    fn coefficients(params: &GeneratorParams, sigma: f64) -> [f64; PARTS] {
        let (w, e) = (&params.weights, &params.tier_effects);
        [
            w.days_since_signup,
            w.sessions_7d,
            w.content_hours_7d,
            w.downloads_7d,
            w.paywall_views_7d,
            e.tier_1,
            e.tier_2,
            e.tier_3,
            sigma,
        ]
    }

    /// Mean and spread (standard deviation) of the systematic scores s(x).
    pub fn systematic(&self, params: &GeneratorParams) -> (f64, f64) {
        self.of_combination(params.baseline, &Self::coefficients(params, 0.0))
    }

    /// Mean and spread of the scores with noise, s(x) + σ·z.
    pub fn with_noise(&self, params: &GeneratorParams) -> (f64, f64) {
        self.of_combination(
            params.baseline,
            &Self::coefficients(params, params.noise_sigma),
        )
    }
}

/// The score axis: `bins` bins of `width` from `start`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreAxis {
    start: f64,
    width: f64,
    bins: usize,
}

impl ScoreAxis {
    /// An axis for the scores, under `params`, of users whose score parts
    /// have these `moments`: it shows the S's flat ends and
    /// [`SPREADS`] spreads of the scores on each side of their mean, and its
    /// ends are rounded to coarse steps so that it stays put while a slider
    /// moves a little.
    pub fn new(params: &GeneratorParams, moments: &ScoreMoments) -> Self {
        let (mean, spread) = moments.with_noise(params);
        let (lo, hi) = (
            (mean - SPREADS * spread).min(-MIN_REACH),
            (mean + SPREADS * spread).max(MIN_REACH),
        );
        let step = nice_width((hi - lo) / 6.0);
        let (lo, hi) = ((lo / step).floor() * step, (hi / step).ceil() * step);
        let width = nice_width((hi - lo) / TARGET_BINS);
        ScoreAxis {
            start: lo,
            width,
            // A nice width is at least the target's, so this is about 80 to
            // 160 bins: within the byte-indexed tables of a tally.
            bins: (((hi - lo) / width).ceil() as usize).min(MAX_BINS),
        }
    }

    /// Where `x` goes in a count list of `bins + 2`: 0 below the axis,
    /// 1..=bins on it, bins + 1 above it.
    #[inline]
    fn slot(&self, x: f64, inverse_width: f64, top: f64) -> u32 {
        /// 2^52: adding it to a number in 0..2^52 rounds it to a whole one,
        /// which the low bits of the sum then hold.
        const WHOLE: f64 = 4_503_599_627_370_496.0;
        let k = (x - self.start) * inverse_width + 1.0;
        // Selects, not f64::min/max (calls in wasm) nor branches, and floor
        // by rounding, not a float-to-integer conversion (one lane at a time
        // in wasm): the loop over a block becomes vector instructions.
        let k = if k > 0.0 { k } else { 0.0 };
        let k = if k < top { k } else { top };
        let nearest = (k + WHOLE) - WHOLE;
        let floor = if nearest > k { nearest - 1.0 } else { nearest };
        (floor + WHOLE).to_bits() as u32
    }
}

/// The users' scores counted a block at a time, during a pass over them.
#[derive(Clone, Debug)]
pub struct ScoreTally {
    axis: ScoreAxis,
    /// Users per slot (below, each bin, above) of the systematic score and
    /// of the score with noise, each in two tables (even and odd users), so
    /// that two users in a row in one bin do not wait on each other.
    counts: [[[u32; 256]; 2]; 2],
}

impl ScoreTally {
    /// An empty tally on `axis`.
    pub fn new(axis: ScoreAxis) -> ScoreTally {
        ScoreTally {
            axis,
            counts: [[[0; 256]; 2]; 2],
        }
    }

    /// Counts one block of users (at most [`BLOCK`] of them).
    pub fn add(&mut self, block: &ScoredBlock<'_>) {
        let axis = self.axis;
        let inverse_width = 1.0 / axis.width;
        let top = (axis.bins + 1) as f64;
        // Slots first, in a loop that becomes vector instructions; then the
        // counting, which cannot, into tables of 256 slots.
        let mut slots = [[0u32; BLOCK]; 2];
        let m = block.systematic.len();
        for (values, slots) in [block.systematic, block.scores].into_iter().zip(&mut slots) {
            for (slot, &x) in slots.iter_mut().zip(values) {
                *slot = axis.slot(x, inverse_width, top);
            }
        }
        for ([even, odd], slots) in self.counts.iter_mut().zip(&slots) {
            // Below 256 (see `slot`): the masks drop the bounds checks.
            let pairs = slots[..m].chunks_exact(2);
            if let [last] = pairs.remainder() {
                even[*last as usize & 0xff] += 1;
            }
            for pair in pairs {
                even[pair[0] as usize & 0xff] += 1;
                odd[pair[1] as usize & 0xff] += 1;
            }
        }
    }

    /// The view of the users counted, under `params`: their score parts
    /// have these `moments`, and they convert at `conversion_rate`.
    pub fn finish(
        &self,
        params: &GeneratorParams,
        moments: &ScoreMoments,
        conversion_rate: f64,
    ) -> ScoreView {
        let axis = self.axis;
        let (mean_systematic, spread_systematic) = moments.systematic(params);
        let (mean_score, spread_score) = moments.with_noise(params);
        let rate_at_mean_score = sigmoid(mean_score);
        let gap = conversion_rate - rate_at_mean_score;
        let sits = if gap < -MIDDLE {
            Sits::Top
        } else if gap > MIDDLE {
            Sits::Bottom
        } else {
            Sits::Middle
        };
        let bins = axis.bins;
        let points = bins * CURVE_POINTS_PER_BIN + 1;
        let step = axis.width / CURVE_POINTS_PER_BIN as f64;
        let [systematic, scores] = self
            .counts
            .map(|[even, odd]| -> Vec<u32> { (0..bins + 2).map(|k| even[k] + odd[k]).collect() });
        let outside = |counts: &[u32]| [counts[0], counts[bins + 1]];
        ScoreView {
            start: axis.start,
            width: axis.width,
            systematic: systematic[1..=bins].to_vec(),
            scores: scores[1..=bins].to_vec(),
            systematic_outside: outside(&systematic),
            scores_outside: outside(&scores),
            mean_systematic,
            spread_systematic,
            mean_score,
            spread_score,
            rate_at_mean_score,
            conversion_rate,
            sits,
            curve_step: step,
            curve: (0..points)
                .map(|i| sigmoid(axis.start + i as f64 * step))
                .collect(),
        }
    }
}

/// The score view of `data` (generated here: it needs the noise draws) for
/// `params`, whose score parts have these `moments`, in one pass over the
/// users.
pub fn score_view(params: &GeneratorParams, data: &Dataset, moments: &ScoreMoments) -> ScoreView {
    let mut tally = ScoreTally::new(ScoreAxis::new(params, moments));
    if let Some(latent) = &data.latent {
        ScoreWeights::new(params).each_block(data, &latent.noise_z, |b| tally.add(b));
    }
    tally.finish(params, moments, data.conversion_rate())
}

/// The score → probability picture for one state of the world.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreView {
    /// Left edge of the score axis (log-odds).
    pub start: f64,
    /// Width of each bin; bin i covers `[start + i·width, start + (i+1)·width)`.
    pub width: f64,
    /// Users per bin of their systematic score s(x): what the signals explain.
    pub systematic: Vec<u32>,
    /// Users per bin of their score with noise, s(x) + σ·z.
    pub scores: Vec<u32>,
    /// Users whose systematic score is left of the axis, and right of it.
    pub systematic_outside: [u32; 2],
    /// Users whose score with noise is left of the axis, and right of it.
    pub scores_outside: [u32; 2],
    /// Mean of the systematic scores.
    pub mean_systematic: f64,
    /// Their standard deviation: how spread out the users are.
    pub spread_systematic: f64,
    /// Mean of the scores with noise (the noise averages out: about the
    /// mean of s(x)).
    pub mean_score: f64,
    /// Their standard deviation: the noise adds to the spread.
    pub spread_score: f64,
    /// sigmoid(mean score): the probability of a user with the mean score.
    pub rate_at_mean_score: f64,
    /// The share of users who convert: what the curve (and each user's
    /// draw) makes of their scores.
    pub conversion_rate: f64,
    /// Where most users sit on the S.
    pub sits: Sits,
    /// Distance between the points of `curve`.
    pub curve_step: f64,
    /// The S-curve: `curve[i]` = sigmoid(start + i·curve_step).
    pub curve: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::MAX_ROWS_IN_MEMORY;
    use crate::world::generator::generate;

    fn view_of(params: &GeneratorParams) -> (ScoreView, Dataset) {
        let data = generate(&params.clone().validate(MAX_ROWS_IN_MEMORY).unwrap());
        (score_view(params, &data, &ScoreMoments::of(&data)), data)
    }

    #[test]
    fn counts_and_means_are_those_of_the_users() {
        let params = GeneratorParams {
            rows: 20_000,
            ..Default::default()
        };
        let (view, data) = view_of(&params);
        let weights = ScoreWeights::new(&params);
        let latent = data.latent.as_ref().unwrap();
        let n = data.len() as f64;
        let systematic: Vec<f64> = data
            .all_features()
            .map(|x| weights.systematic(&x))
            .collect();
        let scores: Vec<f64> = systematic
            .iter()
            .zip(&latent.noise_z)
            .map(|(s, z)| s + params.noise_sigma * z)
            .collect();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / n;
        let spread = |v: &[f64]| {
            let m = mean(v);
            (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n).sqrt()
        };
        assert!((view.mean_systematic - mean(&systematic)).abs() < 1e-9);
        assert!((view.mean_score - mean(&scores)).abs() < 1e-9);
        assert!((view.spread_systematic - spread(&systematic)).abs() < 1e-9);
        assert!((view.spread_score - spread(&scores)).abs() < 1e-9);
        assert_eq!(view.conversion_rate, data.conversion_rate());
        // Every user is counted once, on the axis or beside it.
        let all =
            |bins: &[u32], outside: [u32; 2]| bins.iter().sum::<u32>() + outside[0] + outside[1];
        assert_eq!(all(&view.systematic, view.systematic_outside), 20_000);
        assert_eq!(all(&view.scores, view.scores_outside), 20_000);
        // Bin by bin, against counting each user directly.
        for (i, &count) in view.scores.iter().enumerate() {
            let (lo, hi) = (
                view.start + i as f64 * view.width,
                view.start + (i + 1) as f64 * view.width,
            );
            let direct = scores.iter().filter(|&&s| s >= lo && s < hi).count() as u32;
            assert!(count.abs_diff(direct) <= 1, "bin {i}: {count} vs {direct}");
        }
        // The axis holds the S's flat ends and nearly every user.
        assert!(view.start <= -MIN_REACH);
        assert!(view.start + view.width * view.systematic.len() as f64 >= MIN_REACH);
        assert!(view.scores_outside[0] + view.scores_outside[1] < 20);
        assert_eq!(
            view.curve.len(),
            view.systematic.len() * CURVE_POINTS_PER_BIN + 1
        );
        assert_eq!(view.curve[0], sigmoid(view.start));
    }

    #[test]
    fn users_on_the_top_of_the_s_lose_from_a_spread_and_on_the_bottom_gain() {
        // The example: σ 0.8 → 3 lowers the rate at b0 = 0 and
        // raises it at b0 = −4.5; the view says where the users sit.
        let at = |baseline: f64| {
            view_of(&GeneratorParams {
                rows: 20_000,
                baseline,
                ..Default::default()
            })
            .0
        };
        let top = at(0.0);
        assert_eq!(top.sits, Sits::Top);
        assert!(top.conversion_rate < top.rate_at_mean_score);
        let bottom = at(-4.5);
        assert_eq!(bottom.sits, Sits::Bottom);
        assert!(bottom.conversion_rate > bottom.rate_at_mean_score);
        assert_eq!(at(-2.45).sits, Sits::Middle);
    }
}
