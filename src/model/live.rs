//! A fit kept beside the world it fits, tied to it by the world's
//! generation (which users these are), not by a row count: it follows the
//! world as it moves (warm), evaluates on it, and refuses another world. A
//! model evaluated on a world it was not fitted on (a frozen model on a
//! drifted world, an imported one) goes through [`evaluate_on_world`], which
//! says so in its name.

use serde::Serialize;

use super::evaluation::{evaluate_model, rank_model, EvaluateOptions, Evaluation};
use super::features::{P, Q};
use super::fitted::FittedModel;
use super::fitter::{FitProgress, Fitter};
use super::params::{FitError, FitParams, ValidFitParams};
use super::split::Split;
use crate::decide::bands::Thresholds;
use crate::decide::board::DecisionBoard;
use crate::decide::scored_csv::scored_csv;
use crate::decide::whatif::{signal_ranges, WhatIfModel};
use crate::world::params::ValidParams;
use crate::world::session::World;

/// How a live fit followed its world.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Follow {
    /// The same users with new labels: the same split and design, the
    /// current weights as the start.
    Relabelled,
    /// New users: a new split and design, started from the current weights.
    Refitted,
}

/// A fit of one world's users.
#[derive(Clone, Debug)]
pub struct LiveFit {
    fitter: Fitter,
    valid: ValidFitParams,
    generation: u64,
}

impl LiveFit {
    /// A cold fit of `world` (weights 0, the base rate), tracking the
    /// held-out users' loss per iteration. Not run yet: step it.
    pub fn cold(world: &World, params: &ValidFitParams) -> Result<LiveFit, FitError> {
        let fitter = Fitter::new(world.data(), params)?.with_held_out_history(world.data());
        Ok(LiveFit {
            fitter,
            valid: params.clone(),
            generation: world.generation(),
        })
    }

    /// The world moved: keeps following it from the current weights (warm).
    /// Not run yet: step it.
    pub fn follow(&mut self, world: &World) -> Result<Follow, FitError> {
        if world.generation() == self.generation {
            self.fitter.relabel(world.data())?;
            return Ok(Follow::Relabelled);
        }
        let from = self.fitter.model();
        self.fitter =
            Fitter::warm(world.data(), &self.valid, &from)?.with_held_out_history(world.data());
        self.generation = world.generation();
        Ok(Follow::Refitted)
    }

    /// Runs up to `iterations` more iterations; the histories in the answer
    /// are those of these iterations.
    pub fn step(&mut self, iterations: usize) -> FitProgress {
        self.fitter.step(iterations)
    }

    /// Runs to the end.
    pub fn run(&mut self) -> FitProgress {
        let from = self.fitter.progress().iterations;
        self.fitter.run();
        self.fitter.progress_since(from)
    }

    /// Progress so far, with the full histories.
    pub fn progress(&self) -> FitProgress {
        self.fitter.progress()
    }

    /// The model so far.
    pub fn model(&self) -> FittedModel {
        self.fitter.model()
    }

    /// The options it fits with.
    pub fn params(&self) -> &FitParams {
        self.valid.get()
    }

    /// True when `world` holds the users this fit was made from.
    pub fn fits(&self, world: &World) -> bool {
        world.generation() == self.generation
    }

    /// The model on its own world's held-out users (with the world's truth).
    /// Another world is refused: use [`evaluate_on_world`] and say so.
    pub fn evaluate(
        &self,
        world: &World,
        options: &EvaluateOptions,
    ) -> Result<Evaluation, FitError> {
        if !self.fits(world) {
            return Err(FitError::new(
                "world",
                "is not the world this model was fitted on (its users were redrawn): evaluate it there explicitly, as a model from another world",
            ));
        }
        Ok(evaluate_model(
            &self.fitter.model().weights(),
            world.data(),
            self.fitter.split(),
            options,
            world.params().map(ValidParams::get),
        ))
    }

    /// The model's decisions on its own world's evaluation users, the same
    /// users [`LiveFit::evaluate`] measures; what-if users are measured
    /// against the range of its training users. Another world is refused.
    pub fn decisions(&self, world: &World) -> Result<DecisionBoard, FitError> {
        if !self.fits(world) {
            return Err(FitError::new(
                "world",
                "is not the world this model was fitted on (its users were redrawn): decide on it explicitly, as a model from another world",
            ));
        }
        let model = self.fitter.model();
        Ok(board(
            &model.weights(),
            &model.std_dev,
            &model.used,
            world,
            self.fitter.split(),
        ))
    }
}

impl LiveFit {
    /// Every user of its own world scored (`conversion score --format csv`
    /// with this model), `held_out` marking its split's held-out users.
    /// Another world is refused.
    pub fn scored_csv(&self, world: &World, thresholds: &Thresholds) -> Result<Vec<u8>, FitError> {
        if !self.fits(world) {
            return Err(FitError::new(
                "world",
                "is not the world this model was fitted on (its users were redrawn)",
            ));
        }
        Ok(scored_csv(
            world.data(),
            &self.fitter.model().weights(),
            thresholds,
            self.fitter.split(),
        ))
    }
}

/// Every user of `world` scored by a model that was not fitted on it,
/// `held_out` marking the held-out users of the split `split`.
pub fn scored_csv_on_world(
    weights: &[f64; Q],
    world: &World,
    split: &ValidFitParams,
    thresholds: &Thresholds,
) -> Vec<u8> {
    let p = split.get();
    let split = Split::new(world.data().len(), p.test_fraction, p.split_seed);
    scored_csv(world.data(), weights, thresholds, &split)
}

/// The decisions of the model with raw `weights`, training standard
/// deviations `std_dev` and inputs `used`, on `world`'s evaluation users
/// under `split`, what-if users measured against its training users' range.
fn board(
    weights: &[f64; Q],
    std_dev: &[f64; P],
    used: &[bool; P],
    world: &World,
    split: &Split,
) -> DecisionBoard {
    let generated_by = world.params().map(ValidParams::get);
    let (ranking, in_sample) = rank_model(weights, world.data(), split, generated_by);
    let model = WhatIfModel {
        coefficients: std::array::from_fn(|j| weights[j]),
        intercept: weights[P],
        std_dev: *std_dev,
        used: *used,
        range: signal_ranges(world.data(), &split.train),
    };
    DecisionBoard::new(ranking, in_sample, model, generated_by.cloned())
}

/// The decisions of a model that was not fitted on `world` (frozen or
/// imported), on `world`'s evaluation users under the split `split`, as
/// [`evaluate_on_world`] measures it; what-if users are measured against
/// the range of this world's training users (the model's own are not
/// known).
pub fn decisions_on_world(
    weights: &[f64; Q],
    std_dev: &[f64; P],
    used: &[bool; P],
    world: &World,
    split: &ValidFitParams,
) -> DecisionBoard {
    let p = split.get();
    let split = Split::new(world.data().len(), p.test_fraction, p.split_seed);
    board(weights, std_dev, used, world, &split)
}

/// Evaluates a model that was not fitted on `world` (a frozen model after
/// the world moved, an imported one) on `world`'s held-out users under the
/// split `test_fraction` / `split_seed`, with the world's truth. The model
/// may have been trained on some of these users (an imported model of this
/// very world, or a frozen model of the same users before they were
/// relabelled); the caller says so.
pub fn evaluate_on_world(
    weights: &[f64; Q],
    world: &World,
    split: &ValidFitParams,
    options: &EvaluateOptions,
) -> Evaluation {
    let p = split.get();
    let split = Split::new(world.data().len(), p.test_fraction, p.split_seed);
    evaluate_model(
        weights,
        world.data(),
        &split,
        options,
        world.params().map(ValidParams::get),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::MAX_ROWS_IN_MEMORY;
    use crate::world::params::{GeneratorParams, Seed};

    fn world(rows: u64) -> World {
        World::new(
            GeneratorParams {
                rows,
                ..Default::default()
            }
            .validate(MAX_ROWS_IN_MEMORY)
            .unwrap(),
        )
    }

    #[test]
    fn a_live_fit_follows_its_world_and_refuses_another() {
        let mut w = world(4_000);
        let params = FitParams::default().validate().unwrap();
        let mut live = LiveFit::cold(&w, &params).unwrap();
        live.run();
        let options = EvaluateOptions::default();
        let before = live.evaluate(&w, &options).unwrap();
        assert!(
            before.metrics.best_auc.is_some(),
            "the world's truth is known"
        );

        // Same row count, different users: refused by identity.
        let other = world(4_000);
        let err = live.evaluate(&other, &options).unwrap_err();
        assert_eq!(err.field, "world");
        let explicit = evaluate_on_world(&live.model().weights(), &other, &params, &options);
        assert_eq!(explicit.metrics.users, 800);

        // A weight moves: relabelled, warm, and the weight follows.
        let mut moved = w.params().unwrap().get().clone();
        moved.weights.downloads_7d = 1.2;
        w.update(moved.validate(MAX_ROWS_IN_MEMORY).unwrap());
        assert_eq!(live.follow(&w).unwrap(), Follow::Relabelled);
        let progress = live.run();
        assert!(progress.done);
        assert!(live.model().coefficients[3] > 0.8);
        assert!(live.evaluate(&w, &options).is_ok());

        // New users: a new split, warm from the current weights.
        let mut reseeded = w.params().unwrap().get().clone();
        reseeded.seed = Seed(77);
        w.update(reseeded.validate(MAX_ROWS_IN_MEMORY).unwrap());
        assert!(live.evaluate(&w, &options).is_err());
        assert_eq!(live.follow(&w).unwrap(), Follow::Refitted);
        let warm = live.run();
        assert!(
            warm.iterations < 24,
            "{} iterations from a warm start",
            warm.iterations
        );
        assert_eq!(live.model().start, super::super::Start::Warm);
        assert!(live.evaluate(&w, &options).is_ok());
    }
}
