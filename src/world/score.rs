//! The true score of a user: `b0 + Σ weight·signal + tier_effect + σ·z`, and
//! the probability of converting it gives.

use super::contract::Tier;
use super::dataset::{Dataset, Features};
use super::params::GeneratorParams;
use crate::math::{exp_non_positive, sigmoid, sigmoid_from_exp, EXP_FAST_LIMIT};

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

    /// The true probabilities of users `start..start + out.len()` of `data`,
    /// whose noise draws are `noise_z`: exactly the bits
    /// [`ScoreWeights::probability`] gives user by user, computed a block at
    /// a time in loops the compiler turns into vector instructions.
    pub fn probabilities(&self, data: &Dataset, start: usize, noise_z: &[f64], out: &mut [f64]) {
        const BLOCK: usize = 256;
        let mut scores = [0.0f64; BLOCK];
        for (offset, (out, noise_z)) in out.chunks_mut(BLOCK).zip(noise_z.chunks(BLOCK)).enumerate()
        {
            let from = start + offset * BLOCK;
            let m = out.len();
            let scores = &mut scores[..m];
            let days = &data.days_since_signup[from..][..m];
            let sessions = &data.sessions_7d[from..][..m];
            let hours = &data.content_hours_7d[from..][..m];
            let downloads = &data.downloads_7d[from..][..m];
            let paywall = &data.paywall_views_7d[from..][..m];
            let tiers = &data.country_tier[from..][..m];
            let noise_z = &noise_z[..m];
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
                // The same operations, in the same order, as `systematic`.
                scores[i] = self.baseline
                    + self.sessions_7d * f64::from(sessions[i])
                    + self.downloads_7d * f64::from(downloads[i])
                    + self.paywall_views_7d * f64::from(paywall[i])
                    + self.content_hours_7d * hours[i]
                    + self.days_since_signup * f64::from(days[i])
                    + effect
                    + self.noise_sigma * noise_z[i];
            }
            for (p, &score) in out.iter_mut().zip(&*scores) {
                *p = sigmoid_from_exp(score, exp_non_positive(-score.abs()));
            }
            // Far in the tails (and for NaN) `sigmoid` defers to libm.
            for (p, &score) in out.iter_mut().zip(&*scores) {
                if score.is_nan() || score.abs() > EXP_FAST_LIMIT {
                    *p = sigmoid(score);
                }
            }
        }
    }
}
