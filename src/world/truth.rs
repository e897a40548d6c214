//! What the world knows and no model of its signals can: each user's
//! noise-averaged probability q(x), the best any logistic model can learn
//! from the signals, and the ceilings no model passes. Generated worlds only:
//! it needs the parameters that drew the users (and, for the oracle, each
//! user's own noise draw).
//!
//! The score is s(x) + σz with the noise z inside the logistic, so a user
//! with signals x converts with probability q(x) = E[sigmoid(s(x) + σZ)]
//! (see [`super::noise_average`]). q is not a logistic curve in x, so no
//! setting of a logistic model equals it; with unlimited data the fitted
//! weights converge to the logistic fit to q(x) over the population, the
//! weights that minimise the expected log-loss with the fractional labels
//! q(x): [`best_possible`]. Never the generating weights.

use serde::Serialize;

use super::contract::Tier;
use super::csv_write::to_csv;
use super::dataset::{Dataset, Features, Latent};
use super::generator::generate;
use super::noise_average::NoiseAverage;
use super::params::{GeneratorParams, ValidParams};
use super::score::ScoreWeights;
use crate::model::{fit_probabilities, FitError, ProbabilityFit, Signal, FEATURES};

/// Model weights in raw units: [`FEATURES`] order, then the intercept.
pub type Weights = [f64; FEATURES.len() + 1];

/// q(x) of users `rows` of `data`, for the parameters that generated them.
pub fn noise_averaged(params: &GeneratorParams, data: &Dataset, rows: &[usize]) -> Vec<f64> {
    let weights = ScoreWeights::new(params);
    let scores: Vec<f64> = rows
        .iter()
        .map(|&i| weights.systematic(&data.features(i)))
        .collect();
    from_scores(params.noise_sigma, scores)
}

/// q(x) of every user of `data`.
pub fn noise_averaged_all(params: &GeneratorParams, data: &Dataset) -> Vec<f64> {
    let weights = ScoreWeights::new(params);
    let scores = data
        .all_features()
        .map(|x| weights.systematic(&x))
        .collect();
    from_scores(params.noise_sigma, scores)
}

/// q(x) of one user with signals `x`: the chance that such a user converts,
/// their own noise averaged out (a what-if user, in no dataset).
pub fn noise_averaged_user(params: &GeneratorParams, x: &Features) -> f64 {
    let s = ScoreWeights::new(params).systematic(x);
    NoiseAverage::new(params.noise_sigma, s, s).integrate(s).0
}

/// q of each systematic score, in place.
fn from_scores(sigma: f64, mut scores: Vec<f64>) -> Vec<f64> {
    let (lowest, highest) = scores
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &s| {
            (if s < lo { s } else { lo }, if s > hi { s } else { hi })
        });
    let average = NoiseAverage::new(sigma, lowest, highest);
    scores.iter_mut().for_each(|s| *s = average.at(*s));
    scores
}

/// The generating weights in the model's terms: each signal's weight, the
/// tier contrasts against `tier_1` (tier_2 − tier_1, tier_3 − tier_1) and
/// the intercept b0 + tier_1's effect (a `tier_1` user with every signal 0).
pub fn generating_weights(params: &GeneratorParams) -> Weights {
    let w = &params.weights;
    let tier = |t: Tier| params.tier_effects.get(t);
    [
        w.days_since_signup,
        w.sessions_7d,
        w.content_hours_7d,
        w.downloads_7d,
        w.paywall_views_7d,
        tier(Tier::Tier2) - tier(Tier::Tier1),
        tier(Tier::Tier3) - tier(Tier::Tier1),
        params.baseline + tier(Tier::Tier1),
    ]
}

/// Binary entropy −q ln q − (1 − q) ln(1 − q), in nats (0 at q = 0 or 1):
/// the log-loss of predicting q when the truth is q.
pub fn entropy(q: f64) -> f64 {
    let part = |x: f64| if x > 0.0 { -x * libm::log(x) } else { 0.0 };
    part(q) + part(1.0 - q)
}

/// Why a file's truth is unknown even with parameters in hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unknown {
    /// The parameters generate another number of users.
    RowCount { file: usize, generated: u64 },
    /// The parameters generate other bytes (another seed, another weight, a
    /// file edited or written by another tool).
    Bytes,
}

/// The users' latent draws (noise, label draw, true p) for a contract CSV of
/// `file_rows` users whose bytes are exactly what `params` generate (`same`
/// compares the generated CSV with the file's bytes): the noise draws are in
/// no CSV, so the only way to know them is to draw the same world again and
/// check it is this file, byte for byte.
pub fn latent_of_file(
    params: &ValidParams,
    file_rows: usize,
    same: impl FnOnce(&[u8]) -> bool,
) -> Result<Latent, Unknown> {
    let generated = params.get().rows;
    if generated != file_rows as u64 {
        return Err(Unknown::RowCount {
            file: file_rows,
            generated,
        });
    }
    let mut data = generate(params);
    if !same(&to_csv(&data)) {
        return Err(Unknown::Bytes);
    }
    Ok(data.latent.take().unwrap_or_default())
}

/// The best any logistic model on the chosen signals can do in this world.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BestPossible {
    /// The logistic fit to q(x) over the world's users: raw units,
    /// [`FEATURES`] order, then the intercept (0 for a left-out input).
    pub weights: Weights,
    /// False for an input left out (or constant).
    pub used: [bool; FEATURES.len()],
    /// Its expected log-loss over the world's users (labels q).
    pub expected_log_loss: f64,
    /// The mean entropy of q over the world's users: the log-loss no model
    /// of these signals can beat, whatever its form.
    pub irreducible_log_loss: f64,
    /// Newton iterations the fit took.
    pub iterations: usize,
}

/// The best-possible logistic model for `data` (generated by `params`),
/// using every signal but `leave_out`: the logistic fit to q(x) with
/// fractional labels, on every user. `start` (a previous answer) speeds it
/// up; the answer does not depend on it beyond the solver's tolerance.
pub fn best_possible(
    params: &GeneratorParams,
    data: &Dataset,
    leave_out: &[Signal],
    start: Option<&Weights>,
) -> Result<BestPossible, FitError> {
    let q = noise_averaged_all(params, data);
    best_possible_for(&q, data, leave_out, start)
}

/// [`best_possible`] from q(x) already computed for every user.
fn best_possible_for(
    q: &[f64],
    data: &Dataset,
    leave_out: &[Signal],
    start: Option<&Weights>,
) -> Result<BestPossible, FitError> {
    let ProbabilityFit {
        weights,
        used,
        log_loss,
        iterations,
    } = fit_probabilities(data, q, leave_out, start)?;
    let irreducible = q.iter().map(|&x| entropy(x)).sum::<f64>() / q.len().max(1) as f64;
    Ok(BestPossible {
        weights,
        used,
        expected_log_loss: log_loss,
        irreducible_log_loss: irreducible,
        iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::MAX_ROWS_IN_MEMORY;
    use crate::world::generator::generate;

    #[test]
    fn a_file_is_known_only_if_its_parameters_draw_it_byte_for_byte() {
        let params = GeneratorParams {
            rows: 500,
            ..Default::default()
        };
        let valid = params.validate(MAX_ROWS_IN_MEMORY).unwrap();
        let data = generate(&valid);
        let bytes = to_csv(&data);
        let file = |bytes: Vec<u8>| move |csv: &[u8]| csv == bytes.as_slice();
        assert_eq!(
            latent_of_file(&valid, 500, file(bytes.clone())).unwrap(),
            data.latent.clone().unwrap()
        );
        let mut edited = bytes.clone();
        let last = edited.len() - 2;
        edited[last] = if edited[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            latent_of_file(&valid, 500, file(edited)),
            Err(Unknown::Bytes)
        );
        assert_eq!(
            latent_of_file(&valid, 499, file(bytes)),
            Err(Unknown::RowCount {
                file: 499,
                generated: 500
            })
        );
    }

    #[test]
    fn entropy_is_the_log_loss_of_knowing_q() {
        assert_eq!(entropy(0.0), 0.0);
        assert_eq!(entropy(1.0), 0.0);
        assert!((entropy(0.5) - std::f64::consts::LN_2).abs() < 1e-15);
        assert!((entropy(0.2) - entropy(0.8)).abs() < 1e-15);
    }

    #[test]
    fn the_generating_weights_in_model_terms() {
        let w = generating_weights(&GeneratorParams::default());
        assert_eq!(w[..5], [-0.02, 0.30, 0.25, 0.50, 0.40]);
        assert!((w[5] + 0.5).abs() < 1e-15 && (w[6] + 1.0).abs() < 1e-15);
        assert!((w[7] - 0.8).abs() < 1e-15);
    }

    #[test]
    fn without_noise_q_is_the_true_probability_and_the_best_model_is_the_truth() {
        let params = GeneratorParams {
            rows: 20_000,
            noise_sigma: 0.0,
            ..Default::default()
        };
        let data = generate(&params.validate(MAX_ROWS_IN_MEMORY).unwrap());
        let q = noise_averaged_all(&params, &data);
        assert_eq!(q.as_slice(), &data.latent.as_ref().unwrap().probability[..]);
        let best = best_possible(&params, &data, &[], None).unwrap();
        for (b, t) in best.weights.iter().zip(generating_weights(&params)) {
            assert!((b - t).abs() < 1e-6, "{:?}", best.weights);
        }
    }

    #[test]
    fn noise_shrinks_the_best_weights_and_leaving_a_signal_out_moves_the_rest() {
        let params = GeneratorParams {
            rows: 20_000,
            ..Default::default()
        };
        let data = generate(&params.validate(MAX_ROWS_IN_MEMORY).unwrap());
        let best = best_possible(&params, &data, &[], None).unwrap();
        let truth = generating_weights(&params);
        for (j, (b, t)) in best.weights.iter().zip(truth).enumerate().take(7).skip(1) {
            let ratio = b / t;
            assert!(ratio > 0.85 && ratio < 0.95, "{j}: {ratio}");
        }
        assert!(best.expected_log_loss > best.irreducible_log_loss);
        assert!(best.expected_log_loss - best.irreducible_log_loss < 1e-3);
        // Not collapsible: leaving out an independent signal shrinks the others.
        let without =
            best_possible(&params, &data, &[Signal::Downloads7d], Some(&best.weights)).unwrap();
        assert_eq!(without.weights[3], 0.0);
        assert!(!without.used[3]);
        assert!(without.weights[1] < best.weights[1]);
        assert!(without.expected_log_loss > best.expected_log_loss);
    }
}
