//! Targeting policies for a budget of offers, judged by the truth: what
//! their offers add (the true effect p1 − p0, with the noise averaged out,
//! q1 − q0, and with each user's own noise), what they cost (a contact per
//! offer, and a discount to every treated user who converts, sure things
//! included) and their Qini curves. Never judged by their own scores.

use serde::{Deserialize, Serialize};

use super::groups::GroupCounts;
use super::ranking::{budget_users, STEPS};
use crate::decide::economics::{Economics, MAX_AMOUNT};
use crate::decide::DecideError;
use crate::errors::{got_number, thousands};
use crate::input::Object;

/// Who gets the offers first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// The case study's: the model's probability of converting, highest first.
    ModelProbability,
    /// The true effect with each user's own noise, p1 − p0: an oracle no
    /// model of the signals reaches.
    Oracle,
    /// The true effect with the noise averaged out, q1 − q0: the best any
    /// model of the signals can rank by.
    BestPossible,
    /// The two logistic fits of the experiment (treated, control): their
    /// difference.
    Learned,
    /// Users at random (on average).
    Random,
}

/// What each offer costs and what a conversion is worth.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferEconomics {
    /// What one conversion is worth, and what one contact (an offer) costs.
    pub economics: Economics,
    /// Given to every treated user who converts (sure things included).
    pub discount: f64,
}

impl Default for OfferEconomics {
    /// A conversion worth 100, an offer costing 1 to send and a discount of
    /// 15 to each converter who got it.
    fn default() -> Self {
        OfferEconomics {
            economics: Economics {
                value_per_conversion: 100.0,
                cost_per_contact: 1.0,
            },
            discount: 15.0,
        }
    }
}

impl OfferEconomics {
    /// Reads `valuePerConversion`, `costPerContact` and `discount` from an
    /// object being read (each optional: the default), checked.
    pub fn read(o: &mut Object<'_>) -> Result<OfferEconomics, DecideError> {
        let mut e = OfferEconomics::default();
        if let Some(x) = o.number("valuePerConversion")? {
            e.economics.value_per_conversion = x;
        }
        if let Some(x) = o.number("costPerContact")? {
            e.economics.cost_per_contact = x;
        }
        if let Some(x) = o.number("discount")? {
            e.discount = x;
        }
        e.validate()
    }

    /// Checks every amount is from 0 to [`MAX_AMOUNT`], naming the one at fault.
    pub fn validate(self) -> Result<OfferEconomics, DecideError> {
        self.economics.validate()?;
        if !(0.0..=MAX_AMOUNT).contains(&self.discount) {
            return Err(DecideError::new(
                "discount",
                format!(
                    "must be an amount from 0 to {} {}",
                    thousands(MAX_AMOUNT as u64),
                    got_number(self.discount)
                ),
            ));
        }
        Ok(self)
    }
}

/// Reads a budget: a share of users from 0 to 1, taken to the nearest
/// whole percent (the steps the policies are compared at).
pub fn budget_step(share: f64) -> Result<usize, DecideError> {
    if (0.0..=1.0).contains(&share) {
        Ok((share * STEPS as f64).round() as usize)
    } else {
        Err(DecideError::new(
            "budget",
            format!("must be a share of users from 0 to 1 {}", got_number(share)),
        ))
    }
}

/// What the offers of one budget step do, judged by the truth.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepTally {
    /// Σ q1 − q0: conversions the offers add, the noise averaged out.
    pub uplift: f64,
    /// Σ p1 − p0: the same, with each user's own noise.
    pub uplift_with_noise: f64,
    /// Σ q1 and Σ p1: offered users expected to convert, each taking the discount.
    pub converters: f64,
    pub converters_with_noise: f64,
    /// Offered users of each group (as their draws decide), in
    /// [`super::groups::Group::ALL`] order.
    pub groups: [u64; 4],
}

impl StepTally {
    /// Adds one user.
    #[inline(always)]
    pub fn add(&mut self, uplift: f64, uplift_with_noise: f64, q1: f64, p1: f64, group: u8) {
        self.uplift += uplift;
        self.uplift_with_noise += uplift_with_noise;
        self.converters += q1;
        self.converters_with_noise += p1;
        self.groups[usize::from(group & 3)] += 1;
    }

    fn plus(mut self, other: &StepTally) -> StepTally {
        self.uplift += other.uplift;
        self.uplift_with_noise += other.uplift_with_noise;
        self.converters += other.converters;
        self.converters_with_noise += other.converters_with_noise;
        for (a, b) in self.groups.iter_mut().zip(other.groups) {
            *a += b;
        }
        self
    }
}

/// A policy's tallies, one per budget step.
pub type Tallies = [StepTally; STEPS];

/// What a budget of offers does under one policy.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BudgetOutcome {
    pub offers: u64,
    /// Conversions the offers add, the noise averaged out (Σ q1 − q0), and
    /// with each user's own noise (Σ p1 − p0).
    pub incremental: f64,
    pub incremental_with_noise: f64,
    /// Discounts handed out: offered users who convert, sure things included.
    pub discounts: f64,
    pub discounts_with_noise: f64,
    /// offers × cost per contact + discounts × discount.
    pub cost: f64,
    pub cost_with_noise: f64,
    /// incremental × value per conversion − cost.
    pub profit: f64,
    pub profit_with_noise: f64,
    /// The offered users of each group, as their own draws decide (expected
    /// counts for a random choice).
    pub groups: GroupCounts,
}

impl BudgetOutcome {
    fn new(
        offers: u64,
        total: &StepTally,
        groups: GroupCounts,
        e: OfferEconomics,
    ) -> BudgetOutcome {
        let cost =
            |discounts: f64| offers as f64 * e.economics.cost_per_contact + discounts * e.discount;
        let value = e.economics.value_per_conversion;
        BudgetOutcome {
            offers,
            incremental: total.uplift,
            incremental_with_noise: total.uplift_with_noise,
            discounts: total.converters,
            discounts_with_noise: total.converters_with_noise,
            cost: cost(total.converters),
            cost_with_noise: cost(total.converters_with_noise),
            profit: total.uplift * value - cost(total.converters),
            profit_with_noise: total.uplift_with_noise * value - cost(total.converters_with_noise),
            groups,
        }
    }
}

/// One policy over every budget, and at the chosen one.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyView {
    pub policy: Policy,
    /// Its Qini curve: conversions added by offering the first 0, 1%, …,
    /// 100% of users, the noise averaged out (Σ q1 − q0) …
    pub incremental: Vec<f64>,
    /// … and with each user's own noise (Σ p1 − p0).
    pub incremental_with_noise: Vec<f64>,
    /// Profit at each budget (the noise averaged out).
    pub profit: Vec<f64>,
    /// The Qini coefficient of each curve ([`qini`]).
    pub qini: f64,
    pub qini_with_noise: f64,
    /// At the chosen budget.
    pub at_budget: BudgetOutcome,
}

/// The Qini coefficient of a Qini curve over `n` users (`curve[j]`: the
/// conversions added by offering the first `budget_users(j, n)` users):
/// the area between it and random targeting's straight line, with the
/// users offered and the conversions added both as shares of all users
/// (trapezoids over the 101 budgets). 0 for random targeting; larger is
/// better; it can be negative.
pub fn qini(curve: &[f64], n: usize) -> f64 {
    if n == 0 || curve.len() != STEPS + 1 {
        return 0.0;
    }
    let total = curve[STEPS];
    let above = |j: usize| (curve[j] - total * budget_users(j, n) as f64 / n as f64) / n as f64;
    (0..STEPS)
        .map(|j| 0.5 * (above(j) + above(j + 1)) / STEPS as f64)
        .sum()
}

/// A ranked policy's view from its tallies, over `n` users, at budget
/// `step`.
pub fn ranked_view(
    policy: Policy,
    tallies: &Tallies,
    n: usize,
    step: usize,
    e: OfferEconomics,
) -> PolicyView {
    let mut cumulative = Vec::with_capacity(STEPS + 1);
    cumulative.push(StepTally::default());
    for t in tallies {
        let next = cumulative[cumulative.len() - 1].plus(t);
        cumulative.push(next);
    }
    let outcome = |j: usize| {
        let c = &cumulative[j];
        BudgetOutcome::new(
            budget_users(j, n) as u64,
            c,
            GroupCounts::from_array(c.groups),
            e,
        )
    };
    view(policy, n, step, &cumulative, outcome)
}

/// Random targeting's view: on average, a share s of the users holds the
/// share s of every total.
pub fn random_view(totals: &StepTally, n: usize, step: usize, e: OfferEconomics) -> PolicyView {
    let share = |j: usize| {
        if n == 0 {
            0.0
        } else {
            budget_users(j, n) as f64 / n as f64
        }
    };
    let cumulative: Vec<StepTally> = (0..=STEPS)
        .map(|j| StepTally {
            uplift: totals.uplift * share(j),
            uplift_with_noise: totals.uplift_with_noise * share(j),
            converters: totals.converters * share(j),
            converters_with_noise: totals.converters_with_noise * share(j),
            groups: totals.groups,
        })
        .collect();
    let all = GroupCounts::from_array(totals.groups);
    let outcome = |j: usize| {
        BudgetOutcome::new(
            budget_users(j, n) as u64,
            &cumulative[j],
            all.scaled(share(j)),
            e,
        )
    };
    view(Policy::Random, n, step, &cumulative, outcome)
}

fn view(
    policy: Policy,
    n: usize,
    step: usize,
    cumulative: &[StepTally],
    outcome: impl Fn(usize) -> BudgetOutcome,
) -> PolicyView {
    let incremental: Vec<f64> = cumulative.iter().map(|c| c.uplift).collect();
    let incremental_with_noise: Vec<f64> = cumulative.iter().map(|c| c.uplift_with_noise).collect();
    let profit = (0..=STEPS).map(|j| outcome(j).profit).collect();
    PolicyView {
        policy,
        qini: qini(&incremental, n),
        qini_with_noise: qini(&incremental_with_noise, n),
        incremental,
        incremental_with_noise,
        profit,
        at_budget: outcome(step.min(STEPS)),
    }
}

/// The sum of every step's tally: the whole population.
pub fn total(tallies: &Tallies) -> StepTally {
    tallies.iter().fold(StepTally::default(), |a, t| a.plus(t))
}

/// A policy's Qini curve as an analyst measures it on users whose arms and
/// outcomes are known but not their groups: users ranked by `keys`
/// (highest first), at each budget the treated converters minus the
/// control converters scaled to the treated users' number,
/// Y_t − Y_c · N_t / N_c (Radcliffe's incremental gains).
pub fn observed_curve(keys: &[f64], converted: &[bool], treated: &[bool]) -> Vec<f64> {
    let mut steps = Vec::new();
    super::ranking::steps_by_key(keys, &mut steps);
    let mut counts = [[0u64; 4]; STEPS];
    for ((&s, &y), &t) in steps.iter().zip(converted).zip(treated) {
        let c = &mut counts[usize::from(s)];
        c[usize::from(t)] += 1;
        c[2 + usize::from(t)] += u64::from(y);
    }
    let mut curve = Vec::with_capacity(STEPS + 1);
    let (mut nc, mut nt, mut yc, mut yt) = (0u64, 0u64, 0u64, 0u64);
    curve.push(0.0);
    for c in counts {
        nc += c[0];
        nt += c[1];
        yc += c[2];
        yt += c[3];
        let control = if nc > 0 {
            yc as f64 * nt as f64 / nc as f64
        } else {
            0.0
        };
        curve.push(yt as f64 - control);
    }
    curve
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uplift::groups::Group;

    #[test]
    fn qini_is_the_area_above_the_random_line() {
        let n = 100;
        let random: Vec<f64> = (0..=STEPS).map(|j| j as f64 * 0.2).collect();
        assert!(qini(&random, n).abs() < 1e-15);
        // All 20 added conversions in the first 20 users, then flat.
        let best: Vec<f64> = (0..=STEPS).map(|j| (j as f64).min(20.0)).collect();
        // Area between min(x, 0.2) and 0.2x over [0, 1]: 0.5 · 0.2 · 0.8 = 0.08.
        assert!((qini(&best, n) - 0.08).abs() < 1e-12, "{}", qini(&best, n));
    }

    #[test]
    fn a_budget_costs_contacts_and_discounts_and_earns_the_added_conversions() {
        let mut t = [StepTally::default(); STEPS];
        // Step 0: a sure thing (q1 0.9, adds 0.05); step 1: a persuadable.
        t[0].add(0.05, 0.02, 0.9, 0.95, Group::SureThing as u8);
        t[1].add(0.4, 0.5, 0.6, 0.7, Group::Persuadable as u8);
        let e = OfferEconomics::default();
        let v = ranked_view(Policy::Oracle, &t, 100, 2, e);
        let b = v.at_budget;
        assert_eq!(b.offers, 2);
        assert!((b.incremental - 0.45).abs() < 1e-12);
        assert!((b.cost - (2.0 + 1.5 * 15.0)).abs() < 1e-12);
        assert!((b.profit - (45.0 - 24.5)).abs() < 1e-9);
        assert_eq!(b.groups.sure_things, 1.0);
        assert_eq!(v.incremental.len(), STEPS + 1);
        let r = random_view(&total(&t), 100, 50, e);
        assert!((r.at_budget.incremental - 0.225).abs() < 1e-12);
        assert!((r.at_budget.groups.persuadables - 0.5).abs() < 1e-12);
        assert!(budget_step(1.5).is_err());
        assert_eq!(budget_step(0.204).unwrap(), 20);
    }

    #[test]
    fn the_observed_curve_counts_treated_against_scaled_controls() {
        // Scores rank users 0..4; users 0, 2 treated.
        let keys = [0.9, 0.8, 0.7, 0.6];
        let converted = [true, false, true, true];
        let treated = [true, false, true, false];
        let curve = observed_curve(&keys, &converted, &treated);
        assert_eq!(curve[STEPS], 2.0 - 1.0 * 2.0 / 2.0);
        assert_eq!(
            curve[25], 1.0,
            "the first user alone: one treated converter, no control yet"
        );
    }
}
