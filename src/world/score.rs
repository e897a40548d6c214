//! The true score of a user: `b0 + Σ weight·signal + tier_effect + σ·z`, and
//! the probability of converting it gives.

use super::contract::Tier;
use super::dataset::{Dataset, Features};
use super::params::GeneratorParams;
use crate::math::sigmoid;

/// The true score's weights unpacked once, for loops over many users. The
/// order of the sum is fixed so every platform rounds alike.
#[derive(Clone, Debug)]
pub struct ScoreWeights {
    noise_sigma: f64,
    baseline: f64,
    days_since_signup: f64,
    sessions_7d: f64,
    content_hours_7d: f64,
    downloads_7d: f64,
    paywall_views_7d: f64,
    tier_effects: [f64; 3],
}

impl ScoreWeights {
    /// The weights of `params`.
    pub fn new(params: &GeneratorParams) -> ScoreWeights {
        let w = &params.weights;
        ScoreWeights {
            noise_sigma: params.noise_sigma,
            baseline: params.baseline,
            days_since_signup: w.days_since_signup,
            sessions_7d: w.sessions_7d,
            content_hours_7d: w.content_hours_7d,
            downloads_7d: w.downloads_7d,
            paywall_views_7d: w.paywall_views_7d,
            tier_effects: Tier::ALL.map(|t| params.tier_effects.get(t)),
        }
    }

    /// The noise σ.
    pub fn noise_sigma(&self) -> f64 {
        self.noise_sigma
    }

    /// `b0 + Σ weight·signal + tier_effect` for one user: the part of the
    /// score the signals explain (no noise).
    #[inline]
    pub fn systematic(&self, x: &Features) -> f64 {
        self.baseline
            + self.sessions_7d * f64::from(x.sessions_7d)
            + self.downloads_7d * f64::from(x.downloads_7d)
            + self.paywall_views_7d * f64::from(x.paywall_views_7d)
            + self.content_hours_7d * x.content_hours_7d
            + self.days_since_signup * f64::from(x.days_since_signup)
            + self.tier_effects[x.country_tier.index()]
    }

    /// The true conversion probability of a user with noise draw `z`.
    #[inline]
    pub fn probability(&self, x: &Features, z: f64) -> f64 {
        sigmoid(self.systematic(x) + self.noise_sigma * z)
    }

    /// Walks every user of `data`, whose noise draws are `noise_z`, a block
    /// at a time with their systematic scores and scores.
    pub fn each_block(
        &self,
        data: &Dataset,
        noise_z: &[f64],
        mut visit: impl FnMut(&ScoredBlock<'_>),
    ) {
        let mut systematic = [0.0f64; BLOCK];
        let mut scores = [0.0f64; BLOCK];
        for (offset, noise_z) in noise_z.chunks(BLOCK).enumerate() {
            let m = noise_z.len();
            let (systematic, scores) = (&mut systematic[..m], &mut scores[..m]);
            let start = offset * BLOCK;
            self.scores(data, start, noise_z, systematic, scores);
            visit(&ScoredBlock {
                start,
                systematic,
                scores,
            });
        }
    }

    /// The systematic scores and the scores of users `start..start +
    /// noise_z.len()`, whose noise draws are `noise_z`: the same operations,
    /// in the same order, as [`ScoreWeights::systematic`] and
    /// [`ScoreWeights::probability`], in a loop the compiler turns into
    /// vector instructions.
    pub fn scores(
        &self,
        data: &Dataset,
        start: usize,
        noise_z: &[f64],
        systematic: &mut [f64],
        scores: &mut [f64],
    ) {
        let m = noise_z.len();
        let (systematic, scores) = (&mut systematic[..m], &mut scores[..m]);
        let days = &data.days_since_signup[start..][..m];
        let sessions = &data.sessions_7d[start..][..m];
        let hours = &data.content_hours_7d[start..][..m];
        let downloads = &data.downloads_7d[start..][..m];
        let paywall = &data.paywall_views_7d[start..][..m];
        let tiers = &data.country_tier[start..][..m];
        let [tier_1, tier_2, tier_3] = self.tier_effects;
        for i in 0..m {
            // Two comparisons rather than a table lookup: vector friendly.
            let tier = tiers[i] as u8;
            let effect = if tier == Tier::Tier1 as u8 {
                tier_1
            } else if tier == Tier::Tier2 as u8 {
                tier_2
            } else {
                tier_3
            };
            systematic[i] = self.baseline
                + self.sessions_7d * f64::from(sessions[i])
                + self.downloads_7d * f64::from(downloads[i])
                + self.paywall_views_7d * f64::from(paywall[i])
                + self.content_hours_7d * hours[i]
                + self.days_since_signup * f64::from(days[i])
                + effect;
            scores[i] = systematic[i] + self.noise_sigma * noise_z[i];
        }
    }
}

/// Users a block loop handles at a time: few enough that a block's scores
/// stay in the fastest cache between the loops over them.
pub const BLOCK: usize = 256;

/// One block of users as a pass over the scores sees them.
#[derive(Clone, Copy, Debug)]
pub struct ScoredBlock<'a> {
    /// Index of the block's first user.
    pub start: usize,
    /// s(x) = b0 + Σ weight·signal + tier effect: what the signals explain.
    pub systematic: &'a [f64],
    /// s(x) + σ·z: the score with each user's own noise.
    pub scores: &'a [f64],
}
