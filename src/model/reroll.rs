//! Many worlds: the same parameters drawn again with another seed, fitted
//! from scratch, with the learned weights' 95% intervals beside that world's
//! best-possible weights. Twenty of them show whether the intervals are
//! honest: about 19 in 20 should cover the best-possible weight, and, with
//! many users, few cover the generating one.

use serde::Serialize;

use super::features::{P, Q};
use super::fitter::Fitter;
use super::params::{FitError, StopReason, ValidFitParams};
use crate::world::generator::generate;
use crate::world::params::{GeneratorParams, Seed, ValidParams};
use crate::world::truth::{best_possible, generating_weights};

/// One world of a re-roll.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedFit {
    pub seed: Seed,
    /// Learned weights, raw units, intercept last.
    pub learned: [f64; Q],
    /// Their 95% intervals (`None` when the fit did not converge).
    pub low: Option<[f64; Q]>,
    pub high: Option<[f64; Q]>,
    /// This world's best-possible weights (the logistic fit to q(x) on its
    /// users).
    pub best: [f64; Q],
    /// The generating weights in the model's terms (the same in every world).
    pub generating: [f64; Q],
    /// False for an input left out or constant.
    pub used: [bool; P],
    /// For each weight (intercept last): does its interval cover this
    /// world's best-possible weight? `None` without an interval.
    pub covers_best: Option<[bool; Q]>,
    pub stop: StopReason,
}

/// Draws `params` with `seed` instead of its own, fits it cold with `fit`,
/// and computes that world's best-possible weights.
pub fn fit_seed(
    params: &ValidParams,
    fit: &ValidFitParams,
    seed: Seed,
) -> Result<SeedFit, FitError> {
    let p = GeneratorParams {
        seed,
        ..params.get().clone()
    };
    // Only the seed changed: still valid.
    let valid = p
        .validate(u64::MAX)
        .map_err(|e| FitError::new(e.field, e.problem))?;
    let data = generate(&valid);
    let mut fitter = Fitter::new(&data, fit)?;
    fitter.run();
    let model = fitter.model();
    let best = best_possible(&p, &data, &fit.get().leave_out, Some(&model.weights()))?;
    let intervals = model.intervals.as_ref();
    let used = model.used;
    Ok(SeedFit {
        seed,
        learned: model.weights(),
        low: intervals.map(|i| i.low),
        high: intervals.map(|i| i.high),
        best: best.weights,
        generating: generating_weights(&p),
        used,
        covers_best: intervals.map(|i| {
            std::array::from_fn(|k| i.low[k] <= best.weights[k] && best.weights[k] <= i.high[k])
        }),
        stop: model.stop,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FitParams;
    use crate::world::contract::MAX_ROWS_IN_MEMORY;

    #[test]
    fn twenty_worlds_mostly_cover_their_best_possible_weights() {
        let params = GeneratorParams {
            rows: 5_000,
            ..Default::default()
        }
        .validate(MAX_ROWS_IN_MEMORY)
        .unwrap();
        let fit = FitParams::default().validate().unwrap();
        // Seeds as the page draws them: the world's, then the next 19
        // (wrapping past 2^64 − 1).
        let seeds: Vec<Seed> = (0..20u64).map(|k| Seed(u64::MAX.wrapping_add(k))).collect();
        let worlds: Vec<SeedFit> = seeds
            .iter()
            .map(|&s| fit_seed(&params, &fit, s).unwrap())
            .collect();
        let covered: usize = worlds
            .iter()
            .map(|w| w.covers_best.unwrap().iter().filter(|&&c| c).count())
            .sum();
        // 160 intervals at 95%: 152 expected; far fewer would mean dishonest
        // intervals.
        assert!(covered >= 140, "{covered} of 160");
        assert_ne!(worlds[0].learned, worlds[1].learned);
        assert_eq!(worlds[0].generating, worlds[1].generating);
    }
}
