//! The deterministic synthetic-user generator.
//!
//! Each column draws from its own ChaCha8 stream, seeded from the one seed,
//! so changing one column's distribution changes that column (and the labels)
//! and nothing else. The label is decided by a fixed uniform draw per user,
//! `converted = u < p`, so moving a weight flips only the users whose
//! probability crosses their own draw: common random numbers.
//!
//! All float maths that could differ between platforms (exp, ln, round) goes
//! through the pure-Rust `libm`, so the native CLI and the wasm build write
//! byte-identical data.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, StandardNormal};

use super::dataset::{Dataset, Latent};
use super::params::{GeneratorParams, UniformRange, ValidParams};
use super::sampling::{stream, streams, Count, TierMix};
use super::score::ScoreWeights;

/// Draws users column by column, in chunks of any size, in constant memory.
#[derive(Clone, Debug)]
pub struct Generator {
    score: ScoreWeights,
    remaining: u64,
    days: UniformRange,
    days_rng: ChaCha8Rng,
    sessions_rng: ChaCha8Rng,
    content_rng: ChaCha8Rng,
    downloads_rng: ChaCha8Rng,
    paywall_rng: ChaCha8Rng,
    tier_rng: ChaCha8Rng,
    noise_rng: ChaCha8Rng,
    label_rng: ChaCha8Rng,
    sessions: Count,
    downloads: Count,
    paywall_views: Count,
    content_hours: Gamma<f64>,
    tiers: TierMix,
}

impl Generator {
    /// A generator for `params.rows` users.
    pub fn new(params: &ValidParams) -> Generator {
        let p = params.get();
        let seed = p.seed.0;
        let d = &p.distributions;
        let hours = &d.content_hours_7d;
        Generator {
            score: ScoreWeights::new(p),
            remaining: p.rows,
            days: d.days_since_signup.clone(),
            days_rng: stream(seed, streams::DAYS_SINCE_SIGNUP),
            sessions_rng: stream(seed, streams::SESSIONS_7D),
            content_rng: stream(seed, streams::CONTENT_HOURS_7D),
            downloads_rng: stream(seed, streams::DOWNLOADS_7D),
            paywall_rng: stream(seed, streams::PAYWALL_VIEWS_7D),
            tier_rng: stream(seed, streams::COUNTRY_TIER),
            noise_rng: stream(seed, streams::NOISE),
            label_rng: stream(seed, streams::LABEL_DRAW),
            sessions: Count::new(d.sessions_7d.lambda),
            downloads: Count::new(d.downloads_7d.lambda),
            paywall_views: Count::new(d.paywall_views_7d.lambda),
            content_hours: Gamma::new(hours.shape, hours.scale)
                .expect("ValidParams guarantees a positive, finite Gamma shape and scale"),
            tiers: TierMix::new(p.tier_mix.tier_1, p.tier_mix.tier_2, p.tier_mix.tier_3),
        }
    }

    /// Users not generated yet.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// Appends the next `n` users (fewer if fewer remain) to `data`, with
    /// their latent draws to `latent` (whose columns must have equal
    /// lengths; they may hold fewer users than `data`, as a scratch buffer
    /// does), and returns how many were added.
    ///
    /// Column by column: each column has its own stream, so drawing a whole
    /// column at a time gives the same users as drawing user by user, with
    /// one tight loop per distribution instead of eight interleaved ones.
    pub fn fill(&mut self, n: usize, data: &mut Dataset, latent: &mut Latent) -> usize {
        let n = usize::try_from(self.remaining).map_or(n, |left| n.min(left));
        self.remaining -= n as u64;
        let start = data.converted.len();
        let (rng, days) = (&mut self.days_rng, &self.days);
        data.days_since_signup
            .extend((0..n).map(|_| rng.random_range(days.min..=days.max)));
        let rng = &mut self.sessions_rng;
        data.sessions_7d
            .extend((0..n).map(|_| self.sessions.sample(rng)));
        let (rng, gamma) = (&mut self.content_rng, &self.content_hours);
        data.content_hours_7d.extend((0..n).map(|_| {
            let raw: f64 = gamma.sample(rng);
            libm::round(raw * 100.0) / 100.0
        }));
        let rng = &mut self.downloads_rng;
        data.downloads_7d
            .extend((0..n).map(|_| self.downloads.sample(rng)));
        let rng = &mut self.paywall_rng;
        data.paywall_views_7d
            .extend((0..n).map(|_| self.paywall_views.sample(rng)));
        let (rng, tiers) = (&mut self.tier_rng, self.tiers);
        data.country_tier
            .extend((0..n).map(|_| tiers.tier_of(rng.random())));
        let rng = &mut self.noise_rng;
        latent
            .noise_z
            .extend((0..n).map(|_| -> f64 { StandardNormal.sample(rng) }));
        let rng = &mut self.label_rng;
        latent
            .label_draw
            .extend((0..n).map(|_| -> f64 { rng.random() }));
        // The latent columns may hold fewer users than `data` (a scratch
        // buffer reused chunk by chunk): they have their own start.
        let drawn = latent.probability.len();
        latent.probability.resize(drawn + n, 0.0);
        self.score.probabilities(
            data,
            start,
            &latent.noise_z[drawn..],
            &mut latent.probability[drawn..],
        );
        let draws = latent.label_draw[drawn..]
            .iter()
            .zip(&latent.probability[drawn..]);
        data.converted.extend(draws.map(|(&u, &p)| u < p));
        n
    }
}

/// Generates `params.rows` users with their latent draws. Memory grows with
/// the row count: keep it within [`super::contract::MAX_ROWS_IN_MEMORY`]
/// (checked by the caller's validation).
pub fn generate(params: &ValidParams) -> Dataset {
    let mut data = Dataset::default();
    regenerate(&mut data, params);
    data
}

/// Generates `params.rows` users as the CSV holds them: the seven contract
/// columns, without each user's latent draws (half the memory of
/// [`generate`]: about 26 MB for 1,000,000 users). The same users and labels.
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

/// Replaces every user of `data` with `params.rows` new ones, reusing the
/// memory already held: the same users as [`generate`], without a second
/// copy alive while they are drawn (in the browser, wasm memory never
/// shrinks, so this keeps a 1,000,000-user world at one copy).
pub fn regenerate(data: &mut Dataset, params: &ValidParams) {
    let n = usize::try_from(params.get().rows).unwrap_or(usize::MAX);
    let mut latent = data.latent.take().unwrap_or_default();
    data.clear();
    latent.clear();
    data.reserve_exact(n);
    latent.reserve_exact(n);
    Generator::new(params).fill(n, data, &mut latent);
    data.latent = Some(latent);
}

/// Recomputes every true probability and label of `data` for new score
/// parameters (weights, tier effects, σ, b0), keeping the same users and
/// their draws: exactly what [`generate`] would give for `params`, provided
/// only score parameters changed (see [`same_population`]), and much faster,
/// because no feature is drawn again. Returns `false` (and changes nothing)
/// for a dataset that was not generated here.
pub fn relabel(data: &mut Dataset, params: &ValidParams) -> bool {
    let Some(mut latent) = data.latent.take() else {
        return false;
    };
    let score = ScoreWeights::new(params.get());
    score.probabilities(data, 0, &latent.noise_z, &mut latent.probability);
    for ((c, &u), &p) in data
        .converted
        .iter_mut()
        .zip(&latent.label_draw)
        .zip(&latent.probability)
    {
        *c = u < p;
    }
    data.latent = Some(latent);
    true
}

/// True when two parameter sets describe the same users (seed, rows, every
/// distribution and the tier mix), so they differ at most in how the score is
/// computed and [`relabel`] can move from one to the other.
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
    use crate::world::params::Seed;

    fn valid(rows: u64) -> ValidParams {
        GeneratorParams {
            rows,
            ..Default::default()
        }
        .validate(100_000)
        .unwrap()
    }

    #[test]
    fn batched_probabilities_equal_one_user_at_a_time() {
        // Extreme scores too: far tails go through libm.
        for (baseline, sigma) in [(0.0, 0.8), (-900.0, 3.0), (900.0, 0.0), (-3.0, 100.0)] {
            let params = GeneratorParams {
                rows: 3_000,
                baseline,
                noise_sigma: sigma,
                ..Default::default()
            }
            .validate(10_000)
            .unwrap();
            let data = generate(&params);
            let latent = data.latent.as_ref().unwrap();
            let score = ScoreWeights::new(params.get());
            for (i, (&p, &z)) in latent.probability.iter().zip(&latent.noise_z).enumerate() {
                assert_eq!(
                    p.to_bits(),
                    score.probability(&data.features(i), z).to_bits()
                );
            }
        }
    }

    #[test]
    fn zero_lambda_means_no_events() {
        let mut p = GeneratorParams {
            rows: 200,
            ..Default::default()
        };
        p.distributions.downloads_7d.lambda = 0.0;
        let data = generate(&p.validate(1000).unwrap());
        assert!(data.downloads_7d.iter().all(|&d| d == 0));
    }

    #[test]
    fn content_hours_are_whole_cents() {
        for h in generate(&valid(500)).content_hours_7d {
            let cents = h * 100.0;
            assert!((cents - cents.round()).abs() < 1e-6, "{h}");
        }
    }

    #[test]
    fn observed_columns_equal_the_full_generation() {
        let params = valid(40_000);
        let mut full = generate(&params);
        full.latent = None;
        assert_eq!(generate_observed(&params), full);
    }

    #[test]
    fn regenerating_in_place_equals_a_fresh_generation() {
        let mut data = generate(&valid(3_000));
        for (rows, seed) in [(1_000, 7), (4_000, 8)] {
            let next = GeneratorParams {
                rows,
                seed: Seed(seed),
                ..Default::default()
            }
            .validate(10_000)
            .unwrap();
            regenerate(&mut data, &next);
            assert_eq!(data, generate(&next));
        }
    }

    #[test]
    fn relabel_matches_a_fresh_generation() {
        let base = GeneratorParams {
            rows: 2_000,
            ..Default::default()
        };
        let mut data = generate(&base.validate(10_000).unwrap());
        let mut moved = base.clone();
        moved.weights.downloads_7d = 0.8;
        moved.noise_sigma = 1.3;
        moved.baseline = -2.0;
        assert!(same_population(&base, &moved));
        let moved = moved.validate(10_000).unwrap();
        assert!(relabel(&mut data, &moved));
        assert_eq!(data, generate(&moved));
        let mut imported = data.clone();
        imported.latent = None;
        assert!(!relabel(&mut imported, &moved));
    }
}
