//! The experiment read as an analyst reads it: conversion per arm, the lift
//! in percentage points and relative, each with its 95% interval, the
//! p-value of the difference, and how many users per arm a test needs for
//! 80% power. Nothing here knows the truth: it sees each user's observed
//! outcome and arm, as a file holds them.
//!
//! The textbook normal approximations throughout: the lift's interval uses
//! the unpooled two-arm standard error √(r_t(1 − r_t)/n_t + r_c(1 − r_c)/n_c),
//! the test the pooled one (the null hypothesis says both arms share one
//! rate), the relative lift's interval the log of the ratio (Katz), and the
//! sample size the classic two-proportion formula (Fleiss, without
//! continuity correction).

use serde::Serialize;

use super::UpliftError;
use crate::decide::tally::{wilson, Estimate};
use crate::errors::got_number;
use crate::model::Z_95;

/// The two-sided significance level of the test: 5%.
pub const ALPHA: f64 = 0.05;
/// The power a sample size is computed for: 80%.
pub const POWER: f64 = 0.8;
/// The normal quantile Φ⁻¹(0.8) = 0.841621…: z of 80% power.
pub const Z_POWER: f64 = 0.841_621_233_572_914_3;

/// One arm of the experiment.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Arm {
    pub users: u64,
    pub conversions: u64,
    /// The arm's conversion rate with its 95% Wilson interval.
    pub rate: Estimate,
}

impl Arm {
    /// An arm of `users` users of whom `conversions` converted.
    pub fn new(users: u64, conversions: u64) -> Arm {
        Arm {
            users,
            conversions,
            rate: wilson(conversions as usize, users as usize),
        }
    }
}

/// What an analyst reads from the experiment.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    pub treated: Arm,
    pub control: Arm,
    /// Treated rate − control rate, in percentage points, with its 95%
    /// interval (unpooled standard error).
    pub lift_points: Estimate,
    /// Treated rate ÷ control rate − 1, with its 95% interval (from the log
    /// of the ratio); `None` when either rate is 0.
    pub relative_lift: Option<Estimate>,
    /// The two-proportion z statistic (pooled standard error).
    pub z: f64,
    /// Two-sided p-value of "both arms convert alike".
    pub p_value: f64,
    /// True when p < 5%.
    pub significant: bool,
}

/// Analyses the experiment whose users converted as `converted` (the
/// outcome under their arm) and were `treated` or not. Fails when an arm
/// is empty.
pub fn analyse(converted: &[bool], treated: &[bool]) -> Result<Analysis, UpliftError> {
    let mut counts = [[0u64; 2]; 2];
    for (&y, &t) in converted.iter().zip(treated) {
        counts[usize::from(t)][usize::from(y)] += 1;
    }
    let arm = |c: [u64; 2]| Arm::new(c[0] + c[1], c[1]);
    analyse_arms(arm(counts[1]), arm(counts[0]))
}

/// [`analyse`] from each arm's users and conversions.
pub fn analyse_arms(treated: Arm, control: Arm) -> Result<Analysis, UpliftError> {
    for (arm, name) in [(&treated, "treated"), (&control, "control")] {
        if arm.users == 0 {
            return Err(UpliftError::new(
                "offer.treatedShare",
                format!("leaves the {name} arm without users: there is no experiment to read"),
            ));
        }
    }
    let (nt, nc) = (treated.users as f64, control.users as f64);
    let (rt, rc) = (treated.rate.value, control.rate.value);
    let lift = rt - rc;
    let se = (rt * (1.0 - rt) / nt + rc * (1.0 - rc) / nc).sqrt();
    let pooled = (treated.conversions + control.conversions) as f64 / (nt + nc);
    let se_null = (pooled * (1.0 - pooled) * (1.0 / nt + 1.0 / nc)).sqrt();
    let z = if se_null > 0.0 { lift / se_null } else { 0.0 };
    let p_value = two_sided_p(z);
    let relative_lift = (rt > 0.0 && rc > 0.0).then(|| {
        let log_ratio = libm::log(rt / rc);
        let se_log = ((1.0 - rt) / (nt * rt) + (1.0 - rc) / (nc * rc)).sqrt();
        Estimate {
            value: rt / rc - 1.0,
            low: libm::exp(log_ratio - Z_95 * se_log) - 1.0,
            high: libm::exp(log_ratio + Z_95 * se_log) - 1.0,
        }
    });
    Ok(Analysis {
        treated,
        control,
        lift_points: Estimate {
            value: 100.0 * lift,
            low: 100.0 * (lift - Z_95 * se),
            high: 100.0 * (lift + Z_95 * se),
        },
        relative_lift,
        z,
        p_value,
        significant: p_value < ALPHA,
    })
}

/// P(|Z| ≥ |z|) for a standard normal Z.
fn two_sided_p(z: f64) -> f64 {
    libm::erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// Φ(x), the standard normal distribution function.
fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Checks a minimum effect to detect, in percentage points: above 0 and at
/// most 100.
pub fn check_minimum_effect(points: f64) -> Result<f64, UpliftError> {
    if points > 0.0 && points <= 100.0 {
        Ok(points)
    } else {
        Err(UpliftError::new(
            "minimumEffect",
            format!(
                "must be a lift in percentage points above 0 and at most 100 {}",
                got_number(points)
            ),
        ))
    }
}

/// Users per arm (two arms of equal size) for 80% power to detect a lift
/// of `points` percentage points over a control rate `baseline` with a
/// two-sided 5% test: ⌈(z_{α/2}·√(2·p̄(1 − p̄)) + z_β·√(p_c(1 − p_c) +
/// p_t(1 − p_t)))² / δ²⌉, p_t = p_c + δ, p̄ = (p_c + p_t)/2. `None` for a
/// lift of 0 (no sample size detects nothing) or one that takes the
/// treated rate outside 0 to 1.
pub fn users_per_arm(baseline: f64, points: f64) -> Option<u64> {
    let delta = points / 100.0;
    let treated = baseline + delta;
    if delta == 0.0 || !(0.0..=1.0).contains(&treated) || !(0.0..=1.0).contains(&baseline) {
        return None;
    }
    let mean = (baseline + treated) / 2.0;
    let root = Z_95 * (2.0 * mean * (1.0 - mean)).sqrt()
        + Z_POWER * (baseline * (1.0 - baseline) + treated * (1.0 - treated)).sqrt();
    Some((root * root / (delta * delta)).ceil() as u64)
}

/// The power of a two-sided 5% test with `treated` and `control` users to
/// detect a lift of `points` percentage points over a control rate
/// `baseline` (the normal approximation, both terms of the formula above).
pub fn power(baseline: f64, points: f64, treated: u64, control: u64) -> f64 {
    let delta = points / 100.0;
    let rate = baseline + delta;
    if treated == 0 || control == 0 || !(0.0..=1.0).contains(&rate) {
        return 0.0;
    }
    let (nt, nc) = (treated as f64, control as f64);
    let pooled = (nt * rate + nc * baseline) / (nt + nc);
    let se_null = (pooled * (1.0 - pooled) * (1.0 / nt + 1.0 / nc)).sqrt();
    let se = (rate * (1.0 - rate) / nt + baseline * (1.0 - baseline) / nc).sqrt();
    if se == 0.0 {
        return if delta.abs() > 0.0 { 1.0 } else { ALPHA };
    }
    let reach = (delta.abs() - Z_95 * se_null) / se;
    normal_cdf(reach) + normal_cdf((-delta.abs() - Z_95 * se_null) / se)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_experiment_by_hand() {
        // 200 of 1,000 treated convert, 150 of 1,000 controls.
        let a = analyse_arms(Arm::new(1_000, 200), Arm::new(1_000, 150)).unwrap();
        assert!((a.lift_points.value - 5.0).abs() < 1e-12);
        let se = (0.2 * 0.8 / 1000.0 + 0.15 * 0.85 / 1000.0f64).sqrt();
        assert!((a.lift_points.low - 100.0 * (0.05 - Z_95 * se)).abs() < 1e-12);
        let pooled: f64 = 0.175;
        let z = 0.05 / (pooled * (1.0 - pooled) * 2.0 / 1000.0).sqrt();
        assert!((a.z - z).abs() < 1e-12);
        // z = 2.9422…: p = 0.00326 (a normal table).
        assert!((a.p_value - 0.003_26).abs() < 5e-5, "{}", a.p_value);
        assert!(a.significant);
        let r = a.relative_lift.unwrap();
        assert!((r.value - 1.0 / 3.0).abs() < 1e-12);
        assert!(r.low > 0.0 && r.high > r.value);
        let empty = analyse_arms(Arm::new(0, 0), Arm::new(10, 1)).unwrap_err();
        assert_eq!(empty.field, "offer.treatedShare");
    }

    #[test]
    fn arms_are_counted_from_the_users() {
        let converted = [true, false, true, true, false, false];
        let treated = [true, true, true, false, false, false];
        let a = analyse(&converted, &treated).unwrap();
        assert_eq!((a.treated.users, a.treated.conversions), (3, 2));
        assert_eq!((a.control.users, a.control.conversions), (3, 1));
    }

    #[test]
    fn the_sample_size_gives_the_power_it_was_asked_for() {
        let n = users_per_arm(0.05, 5.0).unwrap();
        let p = power(0.05, 5.0, n, n);
        assert!((POWER..0.805).contains(&p), "{n}: {p}");
        assert!(power(0.05, 5.0, n - 1, n - 1) < POWER);
        assert_eq!(users_per_arm(0.3, 0.0), None);
        assert_eq!(users_per_arm(0.95, 10.0), None);
        assert!(check_minimum_effect(0.0).is_err());
        assert!(check_minimum_effect(1.0).is_ok());
    }
}
