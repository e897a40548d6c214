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

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, Poisson, StandardNormal};

use crate::contract::Tier;
use crate::dataset::{Dataset, Latent};
use crate::params::{GeneratorParams, ValidParams};

/// ChaCha stream number of each random source. Part of the contract: changing
/// one is a contract version change.
mod stream {
    pub const DAYS_SINCE_SIGNUP: u64 = 1;
    pub const SESSIONS_7D: u64 = 2;
    pub const CONTENT_HOURS_7D: u64 = 3;
    pub const DOWNLOADS_7D: u64 = 4;
    pub const PAYWALL_VIEWS_7D: u64 = 5;
    pub const COUNTRY_TIER: u64 = 6;
    pub const NOISE: u64 = 7;
    pub const LABEL_DRAW: u64 = 8;
}

/// One user's behavioural signals: the six feature columns of the contract.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Features {
    /// Days since signup (≥ 1): lifecycle stage.
    pub days_since_signup: u32,
    /// App opens in the last 7 days.
    pub sessions_7d: u32,
    /// Hours watched in the last 7 days, a multiple of 0.01.
    pub content_hours_7d: f64,
    /// Offline downloads in the last 7 days.
    pub downloads_7d: u32,
    /// Paywall views in the last 7 days.
    pub paywall_views_7d: u32,
    /// Market tier.
    pub country_tier: Tier,
}

/// The part of the true score that the features explain (no noise):
/// `b0 + Σ weight·signal + tier_effect`. The generator adds `σ·z` to it.
pub fn systematic_score(params: &GeneratorParams, x: &Features) -> f64 {
    ScoreWeights::new(params).systematic(x)
}

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

    /// `b0 + Σ weight·signal + tier_effect` for one user.
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
                let e = exp_non_positive(-score.abs());
                *p = if score >= 0.0 { 1.0 } else { e } / (1.0 + e);
            }
            // Far in the tail `exp_non_positive` defers to libm.
            for (p, &score) in out.iter_mut().zip(&*scores) {
                if score.is_nan() || score.abs() > EXP_FAST_LIMIT {
                    *p = sigmoid(score);
                }
            }
        }
    }
}

/// Below −EXP_FAST_LIMIT (and for NaN) [`exp_non_positive`]'s result is
/// replaced by libm's; above it the two agree bit for bit.
const EXP_FAST_LIMIT: f64 = 707.0;

/// libm's `exp` (FreeBSD's e_exp.c) for −707 ≤ x ≤ 0, rewritten without
/// branches: the same operations on the same values, so the same bits, but
/// a loop over many users becomes vector instructions. Outside that range
/// the result is meaningless; callers use libm there.
#[inline(always)]
fn exp_non_positive(x: f64) -> f64 {
    // libm's constants, by their bits.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    const INV_LN2: f64 = f64::from_bits(0x3ff7_1547_652b_82fe);
    const P1: f64 = f64::from_bits(0x3fc5_5555_5555_553e);
    const P2: f64 = f64::from_bits(0xbf66_c16c_16be_bd93);
    const P3: f64 = f64::from_bits(0x3f11_566a_af25_de2c);
    const P4: f64 = f64::from_bits(0xbebb_bd41_c5d2_6bf1);
    const P5: f64 = f64::from_bits(0x3e66_3769_72be_a4d0);
    let high = ((x.to_bits() >> 32) as u32) & 0x7fff_ffff;
    // libm's argument reduction: k = trunc(x/ln2 − ½) beyond 1.5·ln2, −1
    // beyond ½·ln2, else 0 (and then hi = x, lo = 0 exactly).
    let k = if high >= 0x3ff0_a2b2 {
        (INV_LN2 * x - 0.5) as i32
    } else if high > 0x3fd6_2e42 {
        -1
    } else {
        0
    };
    let kf = f64::from(k);
    let hi = x - kf * LN2_HI;
    let lo = kf * LN2_LO;
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
    let y = 1.0 + (r * c / (2.0 - c) - lo + hi);
    // scalbn(y, k) for k in [−1021, 0]: one multiplication by 2^k.
    let scaled = y * f64::from_bits(((0x3ff + k) as u64) << 52);
    if high <= 0x3e30_0000 {
        1.0 + x
    } else {
        scaled
    }
}

/// The logistic function, 1 / (1 + e^(−score)), through `libm` so it is the
/// same on every platform. Safe for any finite or infinite score.
pub fn sigmoid(score: f64) -> f64 {
    if score >= 0.0 {
        1.0 / (1.0 + libm::exp(-score))
    } else {
        let e = libm::exp(score);
        e / (1.0 + e)
    }
}

/// The true conversion probability of a user with features `x` and standard
/// normal noise draw `z`.
pub fn true_probability(params: &GeneratorParams, x: &Features, z: f64) -> f64 {
    ScoreWeights::new(params).probability(x, z)
}

/// One generated user: features, the two latent draws, and the outcome.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GeneratedUser {
    pub features: Features,
    /// Standard normal draw z; the noise is ε = σ·z.
    pub noise_z: f64,
    /// Uniform draw u in [0, 1): the user converts when u < p.
    pub label_draw: f64,
    /// True conversion probability p.
    pub probability: f64,
    /// Whether the user converted (u < p).
    pub converted: bool,
}

/// Largest λ sampled by table inversion; above it rand_distr's rejection
/// method is used (still portable: its maths goes through `libm`).
const MAX_TABLE_LAMBDA: f64 = 10_000.0;

/// Slots of a Poisson table's guide: a power of two, so `u × GUIDE_SLOTS`
/// is exact.
const GUIDE_SLOTS: usize = 256;

/// Searches of at most this many steps run branch-free.
const BRANCH_FREE_STEPS: usize = 6;

/// A Poisson(λ) count sampler.
///
/// For λ ≤ [`MAX_TABLE_LAMBDA`] it inverts the cumulative distribution with
/// one uniform draw per user: the table of P(X ≤ k) is built once (in log
/// space, so it never underflows) and searched per draw. That is exact to
/// double precision, uses one random number per user whatever λ is, and is
/// several times faster than drawing λ + 1 uniforms per user.
#[derive(Clone, Debug)]
enum Count {
    /// λ = 0: always 0, no draw.
    Zero,
    /// `cdf[k]` = P(X ≤ k), up to k = λ + 12√λ + 40 (the rest has mass
    /// < 1e-30); `guide[j]` = the first k with `cdf[k] > j / GUIDE_SLOTS`,
    /// where the search for a draw in [j/GUIDE_SLOTS, (j+1)/GUIDE_SLOTS)
    /// starts (Chen and Asau's guide table: one or two comparisons a draw).
    Table {
        cdf: Vec<f64>,
        guide: Vec<u32>,
        /// The most steps a search takes from its guide entry; when small
        /// the search runs that many branch-free steps (no mispredicted
        /// branches), else it loops.
        steps: usize,
    },
    Rejection(Poisson<f64>),
}

impl Count {
    fn new(lambda: f64) -> Count {
        if lambda <= 0.0 {
            return Count::Zero;
        }
        if lambda > MAX_TABLE_LAMBDA {
            // ValidParams guarantees λ ≤ MAX_LAMBDA, which Poisson accepts.
            return Poisson::new(lambda).map_or(Count::Zero, Count::Rejection);
        }
        let last = libm::ceil(lambda + 12.0 * libm::sqrt(lambda) + 40.0) as usize;
        let ln_lambda = libm::log(lambda);
        let mut cdf = Vec::with_capacity(last + 1);
        let mut total = 0.0;
        for k in 0..=last {
            let kf = k as f64;
            total += libm::exp(kf * ln_lambda - lambda - libm::lgamma(kf + 1.0));
            cdf.push(total);
        }
        let last_index = cdf.len() - 1;
        let guide: Vec<u32> = (0..GUIDE_SLOTS)
            .map(|j| {
                let floor = j as f64 / GUIDE_SLOTS as f64;
                cdf.iter().position(|&c| c > floor).unwrap_or(last_index) as u32
            })
            .collect();
        // A draw in slot j stops at or before the next slot's entry (its
        // cdf is above every draw of slot j), and never after the last k.
        let steps = (0..GUIDE_SLOTS)
            .map(|j| {
                let next = guide.get(j + 1).map_or(last_index, |&g| g as usize);
                next.min(last_index) - guide[j] as usize
            })
            .max()
            .unwrap_or(0);
        Count::Table { cdf, guide, steps }
    }

    #[inline(always)]
    fn sample(&self, rng: &mut ChaCha8Rng) -> u32 {
        match self {
            Count::Zero => 0,
            Count::Table { cdf, guide, steps } => {
                let u: f64 = rng.random();
                // u × GUIDE_SLOTS is exact (a power of two), so u ≥ slot / GUIDE_SLOTS
                // and the answer (the first k with u < cdf[k]) is at or after guide[slot].
                let slot = (u * GUIDE_SLOTS as f64) as usize;
                let mut k = guide[slot] as usize;
                let last = cdf.len() - 1;
                if *steps <= BRANCH_FREE_STEPS {
                    // Once cdf[k] > u the step adds 0: the same k as the loop below.
                    for _ in 0..*steps {
                        k += usize::from((k < last) & (cdf[k] <= u));
                    }
                } else {
                    while k < last && cdf[k] <= u {
                        k += 1;
                    }
                }
                k as u32
            }
            Count::Rejection(poisson) => poisson.sample(rng) as u32,
        }
    }
}

/// The tier of a user whose tier draw is `u`, for cumulative mix `cut_1`
/// (tier_1) and `cut_2` (tier_1 + tier_2).
fn tier_of(u: f64, cut_1: f64, cut_2: f64) -> Tier {
    if u < cut_1 {
        Tier::Tier1
    } else if u < cut_2 {
        Tier::Tier2
    } else {
        Tier::Tier3
    }
}

fn stream(seed: u64, number: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(number);
    rng
}

/// Streams users one at a time, in constant memory.
///
/// ```
/// use conversion_playground::{generator::Generator, params::GeneratorParams};
/// let params = GeneratorParams { rows: 3, ..Default::default() }.validate(10).unwrap();
/// let users: Vec<_> = Generator::new(&params).collect();
/// assert_eq!(users.len(), 3);
/// ```
#[derive(Clone, Debug)]
pub struct Generator {
    params: GeneratorParams,
    score: ScoreWeights,
    remaining: u64,
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
    tier_cut_1: f64,
    tier_cut_2: f64,
}

impl Generator {
    /// A generator for `params.rows` users.
    pub fn new(params: &ValidParams) -> Generator {
        let p = params.get();
        let seed = p.seed.0;
        let d = &p.distributions;
        let hours = &d.content_hours_7d;
        Generator {
            params: p.clone(),
            score: ScoreWeights::new(p),
            remaining: p.rows,
            days_rng: stream(seed, stream::DAYS_SINCE_SIGNUP),
            sessions_rng: stream(seed, stream::SESSIONS_7D),
            content_rng: stream(seed, stream::CONTENT_HOURS_7D),
            downloads_rng: stream(seed, stream::DOWNLOADS_7D),
            paywall_rng: stream(seed, stream::PAYWALL_VIEWS_7D),
            tier_rng: stream(seed, stream::COUNTRY_TIER),
            noise_rng: stream(seed, stream::NOISE),
            label_rng: stream(seed, stream::LABEL_DRAW),
            sessions: Count::new(d.sessions_7d.lambda),
            downloads: Count::new(d.downloads_7d.lambda),
            paywall_views: Count::new(d.paywall_views_7d.lambda),
            content_hours: Gamma::new(hours.shape, hours.scale)
                .expect("ValidParams guarantees a positive, finite Gamma shape and scale"),
            tier_cut_1: p.tier_mix.tier_1,
            tier_cut_2: p.tier_mix.tier_1 + p.tier_mix.tier_2,
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
    /// column at a time gives exactly the users [`Iterator::next`] gives, one
    /// tight loop per distribution instead of eight interleaved ones.
    pub fn fill(&mut self, n: usize, data: &mut Dataset, latent: &mut Latent) -> usize {
        let n = usize::try_from(self.remaining).map_or(n, |left| n.min(left));
        self.remaining -= n as u64;
        let start = data.converted.len();
        let days = self.params.distributions.days_since_signup.clone();
        let rng = &mut self.days_rng;
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
        let (rng, cut_1, cut_2) = (&mut self.tier_rng, self.tier_cut_1, self.tier_cut_2);
        data.country_tier
            .extend((0..n).map(|_| tier_of(rng.random(), cut_1, cut_2)));
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

    /// Draws the next user's features (advancing only the feature streams).
    fn next_features(&mut self) -> Features {
        let days = &self.params.distributions.days_since_signup;
        let days_since_signup = self.days_rng.random_range(days.min..=days.max);
        let sessions_7d = self.sessions.sample(&mut self.sessions_rng);
        let raw_hours: f64 = self.content_hours.sample(&mut self.content_rng);
        let content_hours_7d = libm::round(raw_hours * 100.0) / 100.0;
        let downloads_7d = self.downloads.sample(&mut self.downloads_rng);
        let paywall_views_7d = self.paywall_views.sample(&mut self.paywall_rng);
        let country_tier = tier_of(self.tier_rng.random(), self.tier_cut_1, self.tier_cut_2);
        Features {
            days_since_signup,
            sessions_7d,
            content_hours_7d,
            downloads_7d,
            paywall_views_7d,
            country_tier,
        }
    }
}

impl Iterator for Generator {
    type Item = GeneratedUser;

    fn next(&mut self) -> Option<GeneratedUser> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let features = self.next_features();
        let noise_z: f64 = StandardNormal.sample(&mut self.noise_rng);
        let label_draw: f64 = self.label_rng.random();
        let probability = self.score.probability(&features, noise_z);
        Some(GeneratedUser {
            features,
            noise_z,
            label_draw,
            probability,
            converted: label_draw < probability,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match usize::try_from(self.remaining) {
            Ok(n) => (n, Some(n)),
            Err(_) => (usize::MAX, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_stable_and_symmetric() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(f64::INFINITY), 1.0);
        assert_eq!(sigmoid(f64::NEG_INFINITY), 0.0);
        for s in [-5.0, -0.3, 0.7, 4.0] {
            assert!((sigmoid(s) + sigmoid(-s) - 1.0).abs() < 1e-15);
        }
        assert!((sigmoid(1.0) - 0.731_058_578_630_004_9).abs() < 1e-15);
    }

    #[test]
    fn branch_free_exp_is_libms_exp_bit_for_bit() {
        let mut checked = 0;
        let mut x = -EXP_FAST_LIMIT;
        while x <= 0.0 {
            assert_eq!(exp_non_positive(x).to_bits(), libm::exp(x).to_bits(), "{x}");
            x += 0.000_713_3;
            checked += 1;
        }
        // Each side of libm's branch points, and the smallest arguments.
        for high in [0x3ff0_a2b2u64, 0x3fd6_2e42, 0x3e30_0000] {
            for bits in [
                (high << 32) - 1,
                high << 32,
                (high << 32) + 1,
                (high + 1) << 32,
            ] {
                let x = -f64::from_bits(bits);
                assert_eq!(exp_non_positive(x).to_bits(), libm::exp(x).to_bits(), "{x}");
            }
        }
        for x in [-0.0, -f64::MIN_POSITIVE, -1e-300, -1e-20, -1e-9] {
            assert_eq!(exp_non_positive(x).to_bits(), libm::exp(x).to_bits(), "{x}");
        }
        assert!(checked > 900_000);
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
            let data = Dataset::generate(&params);
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
        let params = p.validate(1000).unwrap();
        assert!(Generator::new(&params).all(|u| u.features.downloads_7d == 0));
    }

    #[test]
    fn content_hours_are_whole_cents() {
        let params = GeneratorParams {
            rows: 500,
            ..Default::default()
        }
        .validate(1000)
        .unwrap();
        for user in Generator::new(&params) {
            let cents = user.features.content_hours_7d * 100.0;
            assert!(
                (cents - cents.round()).abs() < 1e-6,
                "{}",
                user.features.content_hours_7d
            );
        }
    }
}
