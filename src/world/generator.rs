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

use super::dataset::{Dataset, Latent, LABEL_GUARD};
use super::params::{GeneratorParams, UniformRange, ValidParams};
use super::sampling::{stream, streams, Count, TierMix};
use super::score::{ScoreWeights, ScoredBlock, BLOCK};
use crate::math::probabilities_of;
use crate::math::sigmoid;

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
        let drawn = latent.probability.scores().len();
        let mut systematic = [0.0f64; BLOCK];
        let mut scores = [0.0f64; BLOCK];
        let mut probabilities = [0.0f64; BLOCK];
        let mut labels = [false; BLOCK];
        let blocks = latent.noise_z[drawn..]
            .chunks(BLOCK)
            .zip(latent.label_draw[drawn..].chunks(BLOCK));
        for (offset, (noise_z, draws)) in blocks.enumerate() {
            let m = noise_z.len();
            let (scores, probabilities) = (&mut scores[..m], &mut probabilities[..m]);
            let from = start + offset * BLOCK;
            self.score
                .scores(data, from, noise_z, &mut systematic[..m], scores);
            probabilities_of(scores, probabilities);
            for ((label, &u), &p) in labels.iter_mut().zip(draws).zip(&*probabilities) {
                *label = u < p;
            }
            latent.probability.extend(scores, probabilities);
            data.converted.extend_from_slice(&labels[..m]);
        }
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

/// Recomputes every score and label of `data` for new score parameters
/// (weights, tier effects, σ, b0), keeping the same users and their draws:
/// exactly what [`generate`] would give for `params`, provided only score
/// parameters changed (see [`same_population`]), and much faster, because
/// no feature is drawn again and the true probabilities are computed only
/// when read ([`super::dataset::TrueProbability`]). Returns `false` (and
/// changes nothing) for a dataset that was not generated here.
///
/// A label is u < sigmoid(score); here it is decided by comparing the score
/// with logit(u), computed once per set of users, and only a score within
/// [`LABEL_GUARD`] of it (or a draw whose logit is not trusted) goes through
/// the exact sigmoid: the same labels, bit for bit, at a fraction of the
/// cost.
///
pub fn relabel(data: &mut Dataset, params: &ValidParams) -> bool {
    relabel_with(data, params, &mut Vec::new(), |_| {})
}

/// [`relabel`] in one pass, a block of users at a time, telling what it saw:
/// `flipped` gets (in order) every user whose label changed, so counts by
/// label can follow a move at the cost of the users it flips, and `visit`
/// sees each block's scores while they are in the cache.
pub fn relabel_with(
    data: &mut Dataset,
    params: &ValidParams,
    flipped: &mut Vec<usize>,
    mut visit: impl FnMut(&ScoredBlock<'_>),
) -> bool {
    let Some(mut latent) = data.latent.take() else {
        return false;
    };
    flipped.clear();
    // The labels are taken out while the features are read beside them.
    let mut converted = std::mem::take(&mut data.converted);
    let weights = ScoreWeights::new(params.get());
    let mut systematic = [0.0f64; BLOCK];
    let mut guesses = [false; BLOCK];
    let mut sure = [false; BLOCK];
    let (noise_z, draws, logits, scores) = latent.relabel_parts();
    let blocks = noise_z
        .chunks(BLOCK)
        .zip(draws.chunks(BLOCK))
        .zip(logits.chunks(BLOCK))
        .zip(scores.chunks_mut(BLOCK))
        .zip(converted.chunks_mut(BLOCK));
    for (offset, ((((noise_z, draws), logits), scores), converted)) in blocks.enumerate() {
        let start = offset * BLOCK;
        let systematic = &mut systematic[..noise_z.len()];
        weights.scores(data, start, noise_z, systematic, scores);
        // A vector loop guesses each label by comparison and finds out
        // whether any needs the exact sigmoid; a block whose guesses all
        // stand and equal its labels (most blocks, in a small move) is done.
        let mut unsure = 0u64;
        let users = guesses.iter_mut().zip(&mut sure).zip(&*scores).zip(logits);
        for (((guess, sure), &score), &logit) in users {
            let logit = f64::from(logit);
            let yes = score > logit + LABEL_GUARD;
            let no = score < logit - LABEL_GUARD;
            *guess = yes;
            *sure = yes | no;
            unsure |= u64::from(!*sure);
        }
        let m = scores.len();
        if unsure != 0 || guesses[..m] != *converted {
            let users = guesses.iter().zip(&sure).zip(&*scores).zip(draws);
            for (i, ((((&guess, &sure), &score), &u), c)) in
                users.zip(converted.iter_mut()).enumerate()
            {
                let now = if sure { guess } else { u < sigmoid(score) };
                if now != *c {
                    *c = now;
                    flipped.push(start + i);
                }
            }
        }
        visit(&ScoredBlock {
            start,
            systematic,
            scores,
        });
    }
    data.converted = converted;
    data.latent = Some(latent);
    true
}

/// The label of a user with `score` and label draw `u`, whose logit is
/// `logit` (from [`Latent::relabel_parts`]): u < sigmoid(score), decided by
/// comparing the score with the logit beyond [`LABEL_GUARD`], and by the
/// exact sigmoid within it, as [`relabel`] decides it (its loops are this
/// function spelled out for vector instructions).
#[cfg(test)]
fn label_of(score: f64, logit: f32, u: f64) -> bool {
    let logit = f64::from(logit);
    if score > logit + LABEL_GUARD {
        true
    } else if score < logit - LABEL_GUARD {
        false
    } else {
        u < sigmoid(score)
    }
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
    fn labels_by_logit_equal_labels_by_sigmoid_even_at_the_boundary() {
        use rand::SeedableRng;
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut draws: Vec<f64> = (0..400_000).map(|_| rng.random()).collect();
        let ulp = f64::EPSILON / 2.0;
        draws.extend([
            0.0,
            ulp,
            0.5,
            0.5 - ulp,
            1.0 - ulp,
            1.0 - 1e-6,
            1.0 - 1.0001e-6,
        ]);
        draws.extend((1..60).map(|k| 0.5f64.powi(k)));
        let mut latent = Latent::default();
        latent.label_draw.clone_from(&draws);
        let (_, _, logits, _) = latent.relabel_parts();
        let offsets = [
            0.0, 1e-16, 1e-14, 1e-13, 1e-11, 1e-9, 1e-7, 2.5e-6, 9.99e-6, 1e-5, 1.001e-5, 1e-3, 0.3,
        ];
        let mut decided = 0u64;
        for (&u, &logit) in draws.iter().zip(logits) {
            // Scores on both sides of the boundary, at every distance.
            let centre = if logit.is_nan() {
                0.0
            } else {
                f64::from(logit)
            };
            for t in offsets.iter().flat_map(|&t| [t, -t]) {
                let score = centre + t;
                let exact = u < sigmoid(score);
                assert_eq!(label_of(score, logit, u), exact, "u {u:e}, score {score:e}");
                let distance = (score - f64::from(logit)).abs();
                decided += u64::from(distance > LABEL_GUARD);
            }
            for score in [-1e4, -745.5, -708.5, -36.0, 36.0, 708.5, 1e4] {
                assert_eq!(label_of(score, logit, u), u < sigmoid(score));
            }
            // Just beyond the guard, at random.
            let t = LABEL_GUARD * (1.0 + rng.random::<f64>() * 1e-3);
            for score in [centre + t, centre - t] {
                assert_eq!(label_of(score, logit, u), u < sigmoid(score));
            }
        }
        // Three offsets on each side are beyond the guard for every trusted draw.
        assert!(decided >= 6 * 400_000, "{decided}");
    }

    #[test]
    fn many_moves_relabel_exactly_as_generation_labels() {
        let base = GeneratorParams {
            rows: 60_000,
            ..Default::default()
        };
        let mut data = generate(&base.clone().validate(100_000).unwrap());
        for k in 0..12 {
            let x = f64::from(k);
            let mut moved = base.clone();
            moved.baseline = -6.0 + 0.7 * x;
            moved.noise_sigma = [0.0, 0.8, 3.0, 25.0][k as usize % 4];
            moved.weights.downloads_7d = 0.5 - 0.13 * x;
            moved.tier_effects.tier_3 = 0.9 * x - 4.0;
            let moved = moved.validate(100_000).unwrap();
            assert!(relabel(&mut data, &moved));
            assert_eq!(data, generate(&moved), "move {k}");
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
        let mut flipped = Vec::new();
        let mut seen = 0;
        assert!(relabel_with(&mut data, &moved, &mut flipped, |b| {
            assert_eq!(b.start, seen);
            seen += b.scores.len();
        }));
        assert_eq!(seen, 2_000, "every user once, in order");
        assert!(!flipped.is_empty());
        assert_eq!(data, generate(&moved));
        let mut imported = data.clone();
        imported.latent = None;
        assert!(!relabel(&mut imported, &moved));
    }
}
