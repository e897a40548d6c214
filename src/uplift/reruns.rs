//! Many experiments on the same users: new assignment seeds, each read as
//! the first, against the truth the lab knows. How often the test detects
//! the true effect, and how often its interval covers the users' mean of
//! Y1 − Y0.

use super::analysis::{analyse_arms, power, Arm};
use super::effects::Effects;
use super::groups::Group;
use super::view::{Rerun, Reruns};
use crate::world::experiment::assign;
use crate::world::offer::OfferParams;
use crate::world::params::Seed;

/// `runs` experiments on users whose outcomes without the offer are
/// `converted` (with probabilities `p0`) and with it as `effects` says,
/// with the assignment seeds after `offer`'s (seed + 1, seed + 2, …,
/// wrapping).
pub fn rerun(
    converted: &[bool],
    p0: &[f64],
    effects: &Effects,
    offer: &OfferParams,
    runs: u64,
) -> Reruns {
    let n = converted.len();
    let count = |g: Group| effects.group.iter().filter(|&&x| x == g as u8).count() as f64;
    let realized = 100.0 * (count(Group::Persuadable) - count(Group::SleepingDog)) / n as f64;
    let with_noise: f64 = effects.p1.iter().zip(p0).map(|(p1, p0)| p1 - p0).sum();
    let true_points = 100.0 * with_noise / n as f64;
    let true_p0 = (effects.p1.iter().sum::<f64>() - with_noise) / n as f64;
    let mut results = Vec::new();
    let (mut treated_total, mut control_total) = (0u64, 0u64);
    for k in 1..=runs {
        let seed = Seed(offer.assignment_seed.0.wrapping_add(k));
        let again = OfferParams {
            assignment_seed: seed,
            ..offer.clone()
        };
        // [treated, control] × [users, conversions].
        let mut arms = [[0u64; 2]; 2];
        for (i, t) in assign(&again, n).into_iter().enumerate() {
            let y = if t {
                effects.converts_with_offer(i)
            } else {
                converted[i]
            };
            arms[usize::from(!t)][0] += 1;
            arms[usize::from(!t)][1] += u64::from(y);
        }
        treated_total += arms[0][0];
        control_total += arms[1][0];
        let arm = |a: [u64; 2]| Arm::new(a[0], a[1]);
        let Ok(a) = analyse_arms(arm(arms[0]), arm(arms[1])) else {
            continue;
        };
        let right_way = (a.lift_points.value > 0.0) == (true_points > 0.0);
        results.push(Rerun {
            assignment_seed: seed,
            treated_users: a.treated.users,
            control_users: a.control.users,
            lift_points: a.lift_points,
            p_value: a.p_value,
            detected: a.significant && right_way && true_points != 0.0,
            covers_truth: a.lift_points.low <= realized && realized <= a.lift_points.high,
        });
    }
    let runs = runs.max(1);
    Reruns {
        detected: results.iter().filter(|r| r.detected).count(),
        covered: results.iter().filter(|r| r.covers_truth).count(),
        runs: results,
        realized_effect_points: realized,
        expected_power: power(
            true_p0,
            true_points,
            treated_total / runs,
            control_total / runs,
        ),
    }
}
