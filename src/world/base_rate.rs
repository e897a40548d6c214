//! Solving the generator's baseline b0 for a target overall conversion rate.
//!
//! The expected rate of a population, the mean of its users' true
//! probabilities, rises strictly with b0, so bisection finds the one b0 that
//! gives the target. It is solved on the users themselves (their features
//! and noise draws), so the world regenerated with that b0 converts at the
//! target up to the Bernoulli draws' noise.

use super::dataset::Dataset;
use super::params::{GeneratorParams, ParamError};
use super::schema::MAX_ABS_WEIGHT;
use super::score::ScoreWeights;
use crate::errors::got_number;
use crate::math::sigmoid;

/// A realistic conversion rate for a subscription streaming product's new
/// users, a few in a hundred: the page's one-click preset (5%). The
/// contract's default world, with b0 = 0, converts about 86%.
pub const REALISTIC_RATE: f64 = 0.05;

/// The baseline b0 at which the mean true probability of `data`'s users is
/// `target`, for the other parameters in `params`. `data` must have been
/// generated here (it needs the noise draws).
pub fn baseline_for_rate(
    params: &GeneratorParams,
    data: &Dataset,
    target: f64,
) -> Result<f64, ParamError> {
    let bad = |problem: String| ParamError::new("targetRate", problem);
    if !(target > 0.0 && target < 1.0) {
        return Err(bad(format!(
            "must be a rate above 0 and below 1 {}",
            got_number(target)
        )));
    }
    let latent = data.latent.as_ref().ok_or_else(|| {
        bad("can only be solved for generated data: imported data have no noise draws".into())
    })?;
    if data.is_empty() {
        return Err(bad("cannot be solved without users".into()));
    }
    // Scores without b0; the rate at b0 is the mean of sigmoid(b0 + s_i).
    let without_baseline = GeneratorParams {
        baseline: 0.0,
        ..params.clone()
    };
    let weights = ScoreWeights::new(&without_baseline);
    let scores: Vec<f64> = data
        .all_features()
        .zip(&latent.noise_z)
        .map(|(x, &z)| weights.systematic(&x) + without_baseline.noise_sigma * z)
        .collect();
    let rate = |b0: f64| scores.iter().map(|&s| sigmoid(b0 + s)).sum::<f64>() / scores.len() as f64;
    let (mut lo, mut hi) = (-MAX_ABS_WEIGHT, MAX_ABS_WEIGHT);
    if rate(lo) > target || rate(hi) < target {
        return Err(bad(format!(
            "cannot be reached with a baseline from -{MAX_ABS_WEIGHT} to {MAX_ABS_WEIGHT} {}",
            got_number(target)
        )));
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if rate(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-12 {
            break;
        }
    }
    Ok(0.5 * (lo + hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::MAX_ROWS_IN_MEMORY;
    use crate::world::generator::generate;

    #[test]
    fn the_solved_baseline_gives_the_target_rate() {
        let params = GeneratorParams {
            rows: 50_000,
            ..Default::default()
        };
        let data = generate(&params.validate(MAX_ROWS_IN_MEMORY).unwrap());
        for target in [0.05, 0.2, 0.5] {
            let b0 = baseline_for_rate(&params, &data, target).unwrap();
            let moved = GeneratorParams {
                baseline: b0,
                ..params.clone()
            };
            let regenerated = generate(&moved.validate(MAX_ROWS_IN_MEMORY).unwrap());
            let mean_p: f64 = regenerated
                .latent
                .as_ref()
                .unwrap()
                .probability
                .iter()
                .sum::<f64>()
                / 50_000.0;
            assert!((mean_p - target).abs() < 1e-9, "{target}: mean p {mean_p}");
            let se = (target * (1.0 - target) / 50_000.0).sqrt();
            assert!((regenerated.conversion_rate() - target).abs() < 5.0 * se);
        }
        assert!(baseline_for_rate(&params, &data, 1.0).is_err());
        let mut imported = data.clone();
        imported.latent = None;
        assert!(baseline_for_rate(&params, &imported, 0.1)
            .unwrap_err()
            .problem
            .contains("generated data"));
    }
}
