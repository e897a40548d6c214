//! The truth of a world the page keeps: its users standardized once, so the
//! best-possible model (the logistic fit to q(x)) refits in a few Newton
//! steps from the last answer each time a slider moves.

use serde::Serialize;

use super::features::{Signal, P};
use super::fractional::ProbabilityFitter;
use super::params::FitError;
use crate::world::session::World;
use crate::world::truth::{entropy, generating_weights, noise_averaged_all, Weights};

/// What a world knows and no model can see, for the chosen signals
/// (weights raw, [`super::FEATURES`] order then the intercept).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TruthView {
    /// The generating weights in the model's terms (tier contrasts against
    /// tier_1; intercept b0 + tier_1's effect).
    pub generating: Weights,
    /// The best any logistic model of these signals can learn: the logistic
    /// fit to q(x) over the world's users.
    pub best: Weights,
    /// False for a signal left out.
    pub used: [bool; P],
    /// The best model's expected log-loss over the world's users.
    pub best_log_loss: f64,
    /// The mean entropy of q(x) over the world's users.
    pub irreducible_log_loss: f64,
    /// Newton steps the best-possible fit took.
    pub iterations: usize,
    /// The world's noise σ.
    pub noise_sigma: f64,
}

/// The truth of one draw of users, kept between slider moves.
#[derive(Clone, Debug)]
pub struct LiveTruth {
    generation: u64,
    fitter: ProbabilityFitter,
    last: Option<Weights>,
}

impl LiveTruth {
    /// Standardizes `world`'s users for the best-possible fits.
    pub fn new(world: &World) -> Result<LiveTruth, FitError> {
        Ok(LiveTruth {
            generation: world.generation(),
            fitter: ProbabilityFitter::new(world.data())?,
            last: None,
        })
    }

    /// True when `world` holds the users this truth was made for.
    pub fn fits(&self, world: &World) -> bool {
        world.generation() == self.generation
    }

    /// The truth of `world` as its parameters are now, using every signal
    /// but `leave_out`. Refused, naming `world`, for other users than this
    /// truth was made for, or for imported users (no parameters drew them).
    pub fn view(&mut self, world: &World, leave_out: &[Signal]) -> Result<TruthView, FitError> {
        if !self.fits(world) {
            return Err(FitError::new(
                "world",
                "holds other users than this truth was made for",
            ));
        }
        let params = world.params().map(|p| p.get()).ok_or_else(|| {
            FitError::new(
                "world",
                "is imported: no parameters drew its users, so its truth is unknown",
            )
        })?;
        let q = noise_averaged_all(params, world.data());
        let best = self.fitter.fit(&q, leave_out, self.last.as_ref())?;
        self.last = Some(best.weights);
        Ok(TruthView {
            generating: generating_weights(params),
            best: best.weights,
            used: best.used,
            best_log_loss: best.log_loss,
            irreducible_log_loss: q.iter().map(|&x| entropy(x)).sum::<f64>()
                / q.len().max(1) as f64,
            iterations: best.iterations,
            noise_sigma: params.noise_sigma,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fit_probabilities;
    use crate::world::contract::MAX_ROWS_IN_MEMORY;
    use crate::world::params::{GeneratorParams, Seed};

    fn world(seed: u64) -> World {
        let params = GeneratorParams {
            rows: 3_000,
            seed: Seed(seed),
            ..Default::default()
        };
        World::new(params.validate(MAX_ROWS_IN_MEMORY).unwrap())
    }

    #[test]
    fn the_view_is_the_fit_to_q_and_other_users_are_refused_by_name() {
        let w = world(5);
        let mut truth = LiveTruth::new(&w).unwrap();
        let view = truth.view(&w, &[]).unwrap();
        let params = w.params().unwrap().get();
        let q = noise_averaged_all(params, w.data());
        let cold = fit_probabilities(w.data(), &q, &[], None).unwrap();
        assert_eq!(view.generating, generating_weights(params));
        for (a, b) in view.best.iter().zip(&cold.weights) {
            assert!(
                (a - b).abs() < 1e-6,
                "{:?} vs {:?}",
                view.best,
                cold.weights
            );
        }
        assert!(view.irreducible_log_loss > 0.0 && view.irreducible_log_loss < view.best_log_loss);
        assert_eq!(view.noise_sigma, params.noise_sigma);

        let other = world(6);
        assert!(!truth.fits(&other));
        assert_eq!(truth.view(&other, &[]).unwrap_err().field, "world");

        let mut data = w.data().clone();
        data.latent = None;
        let imported = World::imported(data).unwrap();
        let mut blind = LiveTruth::new(&imported).unwrap();
        let e = blind.view(&imported, &[]).unwrap_err();
        assert_eq!(e.field, "world");
        assert!(e.problem.contains("imported"), "{e}");
    }
}
