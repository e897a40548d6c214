//! A world kept in memory while a person explores it: its parameters, its
//! users, and the aggregates the page draws. Moving to new parameters
//! relabels the same users when only the score changed, and draws new users
//! otherwise: that decision lives here, once.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use super::aggregates::{expected, first_rows, Aggregates, Expected, Histogram, RowView};
use super::dataset::Dataset;
use super::generator::{generate, regenerate, relabel_with, same_population};
use super::params::{GeneratorParams, ValidParams};
use super::score_view::{score_view, ScoreAxis, ScoreMoments, ScoreTally, ScoreView};
use super::summary::Summary;

/// Rows the page's table shows.
pub const PREVIEW_ROWS: usize = 20;

/// How a world moved to new parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only score parameters moved: the same users, new labels.
    Relabelled,
    /// New users were drawn.
    Regenerated,
}

/// The last generation id handed out: ids are unique in a process, so a fit
/// made for one world never passes for another's.
static GENERATIONS: AtomicU64 = AtomicU64::new(0);

fn next_generation() -> u64 {
    GENERATIONS.fetch_add(1, Ordering::Relaxed) + 1
}

/// A generated world: parameters, users, and what the page draws of them.
#[derive(Clone, Debug)]
pub struct World {
    params: ValidParams,
    data: Dataset,
    /// Which users these are: a new id whenever users are drawn, the same
    /// when they are only relabelled.
    generation: u64,
    /// What the page shows of the users' features and labels.
    aggregates: Aggregates,
    /// What the users' scores are made of, for their mean and spread.
    moments: ScoreMoments,
    /// The users' scores under the S-curve.
    scores: ScoreView,
    /// The users the last relabel flipped (kept to reuse its memory).
    flipped: Vec<usize>,
}

/// Everything the page draws for one state of the world.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct View<'a> {
    /// How the world got here (`None` for a first look).
    pub change: Option<Change>,
    pub summary: Summary,
    /// The 95% interval of each tier's conversion rate, in tier order.
    pub tier_intervals: Vec<Option<[f64; 2]>>,
    pub histograms: Vec<Histogram>,
    /// The score → probability picture.
    pub scores: &'a ScoreView,
    pub expected: Vec<Expected>,
    pub first_rows: Vec<RowView>,
    pub params: &'a GeneratorParams,
}

/// Readies new users for relabelling while they are being drawn anyway, so
/// that the first slider move after them costs no more than the next.
fn prepare(data: &mut Dataset) {
    if let Some(latent) = data.latent.as_mut() {
        latent.prepare_relabel();
    }
}

impl World {
    /// Generates the users `params` describe.
    pub fn new(params: ValidParams) -> World {
        let mut data = generate(&params);
        prepare(&mut data);
        let aggregates = Aggregates::new(&data);
        let moments = ScoreMoments::of(&data);
        let scores = score_view(params.get(), &data, &moments);
        World {
            params,
            data,
            generation: next_generation(),
            aggregates,
            moments,
            scores,
            flipped: Vec::new(),
        }
    }

    /// Moves to new parameters: relabels the same users when only score
    /// parameters (weights, tier effects, σ, b0) changed, in one pass that
    /// also counts the scores, and updates the counts by label at the cost of
    /// the users whose label flipped; else draws new users in the memory
    /// already held.
    pub fn update(&mut self, params: ValidParams) -> Change {
        let mut tally = ScoreTally::new(ScoreAxis::new(params.get(), &self.moments));
        let change = if same_population(self.params.get(), params.get())
            && relabel_with(&mut self.data, &params, &mut self.flipped, |b| tally.add(b))
        {
            self.aggregates.follow(&self.data, &self.flipped);
            let rate = self.aggregates.conversion_rate();
            self.scores = tally.finish(params.get(), &self.moments, rate);
            Change::Relabelled
        } else {
            regenerate(&mut self.data, &params);
            prepare(&mut self.data);
            self.aggregates = Aggregates::new(&self.data);
            self.moments = ScoreMoments::of(&self.data);
            self.scores = score_view(params.get(), &self.data, &self.moments);
            self.generation = next_generation();
            Change::Regenerated
        };
        self.params = params;
        change
    }

    /// The users.
    pub fn data(&self) -> &Dataset {
        &self.data
    }

    /// The checked parameters that made the users.
    pub fn params(&self) -> &ValidParams {
        &self.params
    }

    /// Identifies the users: it changes whenever new users are drawn and
    /// stays when the same users are relabelled, so a model fitted here can
    /// tell whether a world still holds its users.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// What the page draws now; `change` says how the world got here.
    pub fn view(&self, change: Option<Change>) -> View<'_> {
        let (summary, histograms) = self.aggregates.summary_and_histograms();
        View {
            change,
            summary,
            tier_intervals: self.aggregates.tier_intervals(),
            histograms,
            scores: &self.scores,
            expected: expected(self.params.get()),
            first_rows: first_rows(&self.data, self.params.get(), PREVIEW_ROWS),
            params: self.params.get(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::MAX_ROWS_IN_MEMORY;
    use crate::world::params::Seed;

    fn valid(p: GeneratorParams) -> ValidParams {
        p.validate(MAX_ROWS_IN_MEMORY).unwrap()
    }

    #[test]
    fn score_moves_relabel_and_population_moves_regenerate() {
        let base = GeneratorParams {
            rows: 3_000,
            ..Default::default()
        };
        let mut world = World::new(valid(base.clone()));
        let first = world.generation();
        assert_ne!(World::new(valid(base.clone())).generation(), first);
        let mut weight = base.clone();
        weight.weights.downloads_7d = 1.1;
        assert_eq!(world.update(valid(weight.clone())), Change::Relabelled);
        assert_eq!(world.generation(), first, "relabelling keeps the users");
        assert_eq!(world.data(), &generate(&valid(weight.clone())));
        let mut seed = weight.clone();
        seed.seed = Seed(9);
        assert_eq!(world.update(valid(seed.clone())), Change::Regenerated);
        assert_ne!(world.generation(), first, "new users, a new generation");
        assert_eq!(world.data(), &generate(&valid(seed)));
        let view = world.view(Some(Change::Regenerated));
        assert_eq!(view.summary.rows, 3_000);
        let latent = world.data().latent.as_ref().unwrap();
        assert_eq!(view.first_rows[0].probability, Some(latent.probability[0]));
        assert_eq!(view.first_rows.len(), PREVIEW_ROWS);
        assert_eq!(view.params.seed, Seed(9));
    }

    #[test]
    fn a_relabelled_world_shows_what_a_fresh_one_shows() {
        let base = GeneratorParams {
            rows: 7_000,
            ..Default::default()
        };
        let mut world = World::new(valid(base.clone()));
        for (weight, sigma, baseline) in [(1.2, 0.8, 0.0), (1.2, 3.0, -4.5), (-0.3, 0.0, 2.0)] {
            let mut moved = base.clone();
            moved.weights.downloads_7d = weight;
            moved.noise_sigma = sigma;
            moved.baseline = baseline;
            assert_eq!(world.update(valid(moved.clone())), Change::Relabelled);
            let fresh = World::new(valid(moved));
            let (a, b) = (world.view(None), fresh.view(None));
            assert_eq!(a.summary, b.summary);
            assert_eq!(a.histograms, b.histograms);
            assert_eq!(a.scores, b.scores, "the score view, bit for bit");
            assert_eq!(a.first_rows, b.first_rows);
        }
    }
}
