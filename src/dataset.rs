//! A dataset held in memory, column by column, as the page and the model use it.

use crate::contract::Tier;
use crate::generator::{Features, Generator, ScoreWeights};
use crate::params::{GeneratorParams, ValidParams};

/// What only a generated dataset knows: each user's latent draws and true
/// probability. Imported data has none of this.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Latent {
    /// Standard normal draw z per user (noise ε = σ·z).
    pub noise_z: Vec<f64>,
    /// Uniform label draw u per user (converted = u < p).
    pub label_draw: Vec<f64>,
    /// True conversion probability p per user.
    pub probability: Vec<f64>,
}

impl Latent {
    /// Room for `n` more users' draws.
    pub fn reserve_exact(&mut self, n: usize) {
        self.noise_z.reserve_exact(n);
        self.label_draw.reserve_exact(n);
        self.probability.reserve_exact(n);
    }

    /// Removes every user's draws, keeping the allocated room.
    pub fn clear(&mut self) {
        self.noise_z.clear();
        self.label_draw.clear();
        self.probability.clear();
    }
}

/// Users as columns. All columns have the same length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dataset {
    pub days_since_signup: Vec<u32>,
    pub sessions_7d: Vec<u32>,
    pub content_hours_7d: Vec<f64>,
    pub downloads_7d: Vec<u32>,
    pub paywall_views_7d: Vec<u32>,
    pub country_tier: Vec<Tier>,
    pub converted: Vec<bool>,
    /// Present when the data were generated here.
    pub latent: Option<Latent>,
}

impl Dataset {
    /// Generates `params.rows` users. Memory grows with the row count: keep
    /// it within [`crate::contract::MAX_ROWS_IN_MEMORY`] (checked by the
    /// caller's validation).
    pub fn generate(params: &ValidParams) -> Dataset {
        let mut data = Dataset::default();
        data.regenerate(params);
        data
    }

    /// Generates `params.rows` users as the CSV holds them: the seven
    /// contract columns, without each user's latent draws (half the memory
    /// of [`Dataset::generate`]: about 26 MB for 1,000,000 users). The same
    /// users and labels.
    pub fn generate_observed(params: &ValidParams) -> Dataset {
        /// Users whose draws are held at a time.
        const CHUNK: usize = 16_384;
        let n = usize::try_from(params.get().rows).unwrap_or(usize::MAX);
        let mut data = Dataset::with_capacity(n);
        let mut latent = Latent::default();
        let mut generator = Generator::new(params);
        while generator.remaining() > 0 {
            latent.clear();
            generator.fill(CHUNK, &mut data, &mut latent);
        }
        data
    }

    /// Replaces every user with `params.rows` new ones, reusing the memory
    /// already held: the same users as [`Dataset::generate`], without a
    /// second copy alive while they are drawn (in the browser, wasm memory
    /// never shrinks, so this keeps a 1,000,000-user world at one copy).
    pub fn regenerate(&mut self, params: &ValidParams) {
        let n = usize::try_from(params.get().rows).unwrap_or(usize::MAX);
        let mut latent = self.latent.take().unwrap_or_default();
        self.clear();
        latent.clear();
        self.reserve_exact(n);
        latent.reserve_exact(n);
        Generator::new(params).fill(n, self, &mut latent);
        self.latent = Some(latent);
    }

    /// Room for `n` more users in every column.
    fn reserve_exact(&mut self, n: usize) {
        self.days_since_signup.reserve_exact(n);
        self.sessions_7d.reserve_exact(n);
        self.content_hours_7d.reserve_exact(n);
        self.downloads_7d.reserve_exact(n);
        self.paywall_views_7d.reserve_exact(n);
        self.country_tier.reserve_exact(n);
        self.converted.reserve_exact(n);
    }

    /// An empty dataset with room for `n` users.
    pub fn with_capacity(n: usize) -> Dataset {
        let mut data = Dataset::default();
        data.reserve_exact(n);
        data
    }

    /// Removes every user, keeping the allocated room (for streaming in chunks).
    pub fn clear(&mut self) {
        self.days_since_signup.clear();
        self.sessions_7d.clear();
        self.content_hours_7d.clear();
        self.downloads_7d.clear();
        self.paywall_views_7d.clear();
        self.country_tier.clear();
        self.converted.clear();
        if let Some(latent) = self.latent.as_mut() {
            latent.clear();
        }
    }

    /// Appends one user.
    pub fn push(&mut self, x: &Features, converted: bool) {
        self.days_since_signup.push(x.days_since_signup);
        self.sessions_7d.push(x.sessions_7d);
        self.content_hours_7d.push(x.content_hours_7d);
        self.downloads_7d.push(x.downloads_7d);
        self.paywall_views_7d.push(x.paywall_views_7d);
        self.country_tier.push(x.country_tier);
        self.converted.push(converted);
    }

    /// Number of users.
    pub fn len(&self) -> usize {
        self.converted.len()
    }

    /// True when there are no users.
    pub fn is_empty(&self) -> bool {
        self.converted.is_empty()
    }

    /// User `i`'s features.
    #[inline]
    pub fn features(&self, i: usize) -> Features {
        Features {
            days_since_signup: self.days_since_signup[i],
            sessions_7d: self.sessions_7d[i],
            content_hours_7d: self.content_hours_7d[i],
            downloads_7d: self.downloads_7d[i],
            paywall_views_7d: self.paywall_views_7d[i],
            country_tier: self.country_tier[i],
        }
    }

    /// The features of users `start..`, in order: a bounds-check-free walk
    /// over the columns for loops over every user.
    pub fn features_from(&self, start: usize) -> impl Iterator<Item = Features> + '_ {
        self.days_since_signup[start..]
            .iter()
            .zip(&self.sessions_7d[start..])
            .zip(&self.content_hours_7d[start..])
            .zip(&self.downloads_7d[start..])
            .zip(&self.paywall_views_7d[start..])
            .zip(&self.country_tier[start..])
            .map(
                |(
                    (
                        (((&days_since_signup, &sessions_7d), &content_hours_7d), &downloads_7d),
                        &paywall_views_7d,
                    ),
                    &country_tier,
                )| {
                    Features {
                        days_since_signup,
                        sessions_7d,
                        content_hours_7d,
                        downloads_7d,
                        paywall_views_7d,
                        country_tier,
                    }
                },
            )
    }

    /// Number of users who converted.
    pub fn conversions(&self) -> usize {
        self.converted.iter().filter(|&&c| c).count()
    }

    /// Share of users who converted (0 for an empty dataset).
    pub fn conversion_rate(&self) -> f64 {
        if self.is_empty() {
            0.0
        } else {
            self.conversions() as f64 / self.len() as f64
        }
    }

    /// Recomputes every true probability and label for new score parameters
    /// (weights, tier effects, σ, b0), keeping the same users and their draws.
    /// Exactly what [`Dataset::generate`] would give for `params`, provided
    /// only score parameters changed (see [`same_population`]); much faster,
    /// because no feature is drawn again. Returns `false` (and changes
    /// nothing) for a dataset that was not generated here.
    pub fn relabel(&mut self, params: &ValidParams) -> bool {
        let Some(mut latent) = self.latent.take() else {
            return false;
        };
        let score = ScoreWeights::new(params.get());
        let mut converted = std::mem::take(&mut self.converted);
        score.probabilities(self, 0, &latent.noise_z, &mut latent.probability);
        for ((c, &u), &p) in converted
            .iter_mut()
            .zip(&latent.label_draw)
            .zip(&latent.probability)
        {
            *c = u < p;
        }
        self.converted = converted;
        self.latent = Some(latent);
        true
    }
}

/// True when two parameter sets describe the same users (seed, rows, every
/// distribution and the tier mix), so they differ at most in how the score is
/// computed and [`Dataset::relabel`] can move from one to the other.
pub fn same_population(a: &GeneratorParams, b: &GeneratorParams) -> bool {
    a.seed == b.seed
        && a.rows == b.rows
        && a.distributions == b.distributions
        && a.tier_mix == b.tier_mix
        && a.contract_version == b.contract_version
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observed_columns_equal_the_full_generation() {
        let params = GeneratorParams {
            rows: 40_000,
            ..Default::default()
        }
        .validate(100_000)
        .unwrap();
        let mut full = Dataset::generate(&params);
        full.latent = None;
        assert_eq!(Dataset::generate_observed(&params), full);
    }

    #[test]
    fn regenerating_in_place_equals_a_fresh_generation() {
        let first = GeneratorParams {
            rows: 3_000,
            ..Default::default()
        };
        let mut data = Dataset::generate(&first.validate(10_000).unwrap());
        for (rows, seed) in [(1_000, 7), (4_000, 8)] {
            let next = GeneratorParams {
                rows,
                seed: crate::params::Seed(seed),
                ..Default::default()
            }
            .validate(10_000)
            .unwrap();
            data.regenerate(&next);
            assert_eq!(data, Dataset::generate(&next));
        }
    }

    #[test]
    fn relabel_matches_a_fresh_generation() {
        let base = GeneratorParams {
            rows: 2_000,
            ..Default::default()
        };
        let mut data = Dataset::generate(&base.validate(10_000).unwrap());
        let mut moved = base.clone();
        moved.weights.downloads_7d = 0.8;
        moved.noise_sigma = 1.3;
        moved.baseline = -2.0;
        assert!(same_population(&base, &moved));
        let moved = moved.validate(10_000).unwrap();
        assert!(data.relabel(&moved));
        assert_eq!(data, Dataset::generate(&moved));
    }
}
