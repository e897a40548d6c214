//! The samplers behind each column: one seeded ChaCha8 stream per column,
//! Poisson counts by table inversion, and the tier by the cumulative mix.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Poisson};

use super::contract::Tier;

/// ChaCha stream number of each random source. Part of the contract
/// (`docs/contract.md`, "Determinism"): changing one is a contract version
/// change.
pub mod streams {
    pub const DAYS_SINCE_SIGNUP: u64 = 1;
    pub const SESSIONS_7D: u64 = 2;
    pub const CONTENT_HOURS_7D: u64 = 3;
    pub const DOWNLOADS_7D: u64 = 4;
    pub const PAYWALL_VIEWS_7D: u64 = 5;
    pub const COUNTRY_TIER: u64 = 6;
    pub const NOISE: u64 = 7;
    pub const LABEL_DRAW: u64 = 8;
    /// The experiment's assignment draw v (treated when v < the treated
    /// share), keyed by the assignment seed rather than the world's seed.
    pub const ASSIGNMENT: u64 = 9;
}

/// The ChaCha8 stream `number` of `seed`.
pub fn stream(seed: u64, number: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(number);
    rng
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
pub enum Count {
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
    /// A sampler of Poisson(λ), for 0 ≤ λ ≤ the validated maximum.
    pub fn new(lambda: f64) -> Count {
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

    /// One draw.
    #[inline(always)]
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> u32 {
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

/// Draws a tier from the cumulative mix: `tier_1` below `cut_1` (its share),
/// `tier_2` below `cut_2` (tier_1 + tier_2 shares), else `tier_3`.
///
/// The shares sum to 1 only within 10^−6, so the last tier with a share
/// takes every draw above the cuts (its cut is infinite): a tier whose share
/// is 0 never gets a user, however the others round.
#[derive(Clone, Copy, Debug)]
pub struct TierMix {
    cut_1: f64,
    cut_2: f64,
}

impl TierMix {
    /// The mix with these shares of tier_1 and tier_2 (tier_3 is the rest).
    pub fn new(tier_1: f64, tier_2: f64, tier_3: f64) -> TierMix {
        let (mut cut_1, mut cut_2) = (tier_1, tier_1 + tier_2);
        if tier_3 == 0.0 {
            cut_2 = f64::INFINITY;
            if tier_2 == 0.0 {
                cut_1 = f64::INFINITY;
            }
        }
        TierMix { cut_1, cut_2 }
    }

    /// The tier of a user whose uniform tier draw is `u`.
    #[inline(always)]
    pub fn tier_of(&self, u: f64) -> Tier {
        if u < self.cut_1 {
            Tier::Tier1
        } else if u < self.cut_2 {
            Tier::Tier2
        } else {
            Tier::Tier3
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The largest uniform draw below 1.
    const LAST_DRAW: f64 = 1.0 - f64::EPSILON / 2.0;

    #[test]
    fn a_tier_with_no_share_never_gets_a_user() {
        // Shares that sum to 1 only within the tolerance leave a gap below 1.
        let cases = [
            ((0.5, 0.4999991, 0.0), Tier::Tier3),
            ((0.9999995, 0.0, 0.0), Tier::Tier2),
            ((0.9999995, 0.0, 0.0), Tier::Tier3),
            ((0.0, 0.9999995, 0.0), Tier::Tier3),
            ((0.0, 0.9999995, 0.0), Tier::Tier1),
            ((0.4999995, 0.0, 0.5), Tier::Tier2),
            ((0.0, 0.0, 1.0), Tier::Tier1),
            ((0.0, 0.0, 1.0), Tier::Tier2),
        ];
        for ((t1, t2, t3), empty) in cases {
            let mix = TierMix::new(t1, t2, t3);
            for u in [0.0, 0.25, 0.4999995, 0.5, 0.9999991, 0.9999995, LAST_DRAW] {
                assert_ne!(mix.tier_of(u), empty, "mix {t1}/{t2}/{t3}, draw {u}");
            }
        }
    }

    #[test]
    fn a_full_mix_keeps_its_cuts() {
        let mix = TierMix::new(0.35, 0.40, 0.25);
        assert_eq!(mix.tier_of(0.3499), Tier::Tier1);
        assert_eq!(mix.tier_of(0.35), Tier::Tier2);
        assert_eq!(mix.tier_of(0.7499), Tier::Tier2);
        assert_eq!(mix.tier_of(0.75), Tier::Tier3);
        assert_eq!(mix.tier_of(LAST_DRAW), Tier::Tier3);
    }
}
