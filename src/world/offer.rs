//! The offer: what a discount or a reminder does to a treated user's score,
//! and the experiment that gives it to a share of users.
//!
//! An offer adds τ(x) = τ0 + τ_tier(tier) + τ_fatigue · paywall_views_7d to
//! a treated user's score (log-odds). Both outcomes of every user come from
//! the same draws (common random numbers): the same noise z and the same
//! uniform u decide `converted` without the offer (u < p0, p0 =
//! sigmoid(score)) and with it (u < p1, p1 = sigmoid(score + τ(x))). With
//! τ = 0 everywhere the two are the same bits, and nothing about the world
//! changes. The contract's defaults have no offer at all
//! ([`super::params::GeneratorParams::offer`] is `None`).

use serde::Serialize;

use super::contract::Tier;
use super::dataset::Features;
use super::values::{PerTier, Seed};

/// The offer and its experiment, as a person asked for them. `Default` is
/// an offer that changes nothing, tried on half the users.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferParams {
    /// τ0: what the offer adds to every treated user's score, in log-odds.
    /// Default 0 (no effect).
    pub effect: f64,
    /// τ_tier: added for the user's tier (a discount weighs more where
    /// purchasing power is low). Default 0 for each.
    pub tier_effects: PerTier,
    /// τ_fatigue: added per paywall view in the last 7 days. Negative: users
    /// who have seen the paywall most are put off by one more push. Default 0.
    pub fatigue: f64,
    /// Share of users the experiment gives the offer to. Default 0.5.
    pub treated_share: f64,
    /// Seed of the experiment's assignment (its own stream): the same seed
    /// treats the same users. Default 42.
    pub assignment_seed: Seed,
}

impl Default for OfferParams {
    fn default() -> Self {
        OfferParams {
            effect: 0.0,
            tier_effects: PerTier {
                tier_1: 0.0,
                tier_2: 0.0,
                tier_3: 0.0,
            },
            fatigue: 0.0,
            treated_share: 0.5,
            assignment_seed: Seed(42),
        }
    }
}

/// An offer whose parameters passed validation (with the world's, or on
/// their own: [`OfferParams::from_value`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ValidOffer(OfferParams);

impl ValidOffer {
    /// Wraps parameters already checked against the parameter table.
    pub(super) fn checked(offer: OfferParams) -> ValidOffer {
        ValidOffer(offer)
    }

    /// The checked parameters.
    pub fn get(&self) -> &OfferParams {
        &self.0
    }
}

/// τ(x) unpacked once, for loops over many users. The sum's order is
/// fixed, (τ0 + τ_tier) + τ_fatigue · paywall_views_7d, so every platform
/// rounds alike.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OfferEffect {
    /// τ0 + τ_tier for each tier, in tier order.
    base: [f64; 3],
    fatigue: f64,
}

impl OfferEffect {
    /// The effect of `offer`.
    pub fn new(offer: &OfferParams) -> OfferEffect {
        OfferEffect {
            base: Tier::ALL.map(|t| offer.effect + offer.tier_effects.get(t)),
            fatigue: offer.fatigue,
        }
    }

    /// τ(x) of a user with this tier and this many paywall views.
    #[inline(always)]
    pub fn of(&self, tier: Tier, paywall_views_7d: u32) -> f64 {
        self.base[tier.index()] + self.fatigue * f64::from(paywall_views_7d)
    }

    /// τ(x) of one user.
    #[inline]
    pub fn at(&self, x: &Features) -> f64 {
        self.of(x.country_tier, x.paywall_views_7d)
    }
}

/// The score of each user with the offer, `score + τ(x)`, for users whose
/// tiers, paywall views and scores (with their noise) are given.
pub fn treated_scores(
    effect: &OfferEffect,
    tiers: &[Tier],
    paywall_views: &[u32],
    scores: &[f64],
    out: &mut [f64],
) {
    for (((out, &tier), &views), &score) in out.iter_mut().zip(tiers).zip(paywall_views).zip(scores)
    {
        *out = score + effect.of(tier, views);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tau_adds_the_tier_and_the_fatigue_per_paywall_view() {
        let offer = OfferParams {
            effect: 0.6,
            tier_effects: PerTier {
                tier_1: -0.1,
                tier_2: 0.0,
                tier_3: 0.3,
            },
            fatigue: -0.2,
            ..Default::default()
        };
        let tau = OfferEffect::new(&offer);
        assert!((tau.of(Tier::Tier1, 0) - 0.5).abs() < 1e-15);
        assert!((tau.of(Tier::Tier3, 4) - (0.9 - 0.8)).abs() < 1e-15);
    }

    #[test]
    fn no_offer_leaves_every_score_as_it_is() {
        let scores = [-3.0, 0.1, 2.5e-17, 40.0];
        let mut out = [0.0; 4];
        treated_scores(
            &OfferEffect::new(&OfferParams::default()),
            &[Tier::Tier1, Tier::Tier2, Tier::Tier3, Tier::Tier1],
            &[0, 3, 9, 1],
            &scores,
            &mut out,
        );
        assert_eq!(out.map(f64::to_bits), scores.map(f64::to_bits));
    }
}
