//! A world kept in memory while a person explores it: its parameters, its
//! users, and the aggregates the page draws. Moving to new parameters
//! relabels the same users when only the score changed, and draws new users
//! otherwise: that decision lives here, once. The users may also come from a
//! file: then no parameters drew them, and nothing that needs the truth
//! (the scores, q(x), each user's p) is known.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use super::aggregates::{expected, first_rows, Aggregates, Expected, Histogram, RowView};
use super::dataset::Dataset;
use super::flips::{flips, Flips};
use super::generator::{generate, regenerate, relabel_with, same_population};
use super::params::{GeneratorParams, ParamError, ValidParams};
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

/// A world: users, where they came from, and what the page draws of them.
#[derive(Clone, Debug)]
pub struct World {
    /// The parameters that drew the users; for imported users, the
    /// contract's defaults, which their columns are compared with.
    params: ValidParams,
    data: Dataset,
    /// Which users these are: a new id whenever users are drawn or read,
    /// the same when they are only relabelled.
    generation: u64,
    /// What the page shows of the users' features and labels.
    aggregates: Aggregates,
    /// The users' scores: generated users only (`None` for imported ones).
    scores: Option<Scores>,
    /// The users the last relabel flipped (kept to reuse its memory).
    flipped: Vec<usize>,
}

/// What generated users' scores are made of, and how they fall under the S.
#[derive(Clone, Debug)]
struct Scores {
    /// For the scores' mean and spread.
    moments: ScoreMoments,
    view: ScoreView,
}

impl Scores {
    fn of(params: &GeneratorParams, data: &Dataset) -> Scores {
        let moments = ScoreMoments::of(data);
        let view = score_view(params, data, &moments);
        Scores { moments, view }
    }
}

/// Everything the page draws for one state of the world.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct View<'a> {
    /// How the world got here (`None` for a first look).
    pub change: Option<Change>,
    /// True when the users were read from a file: nothing that needs the
    /// truth is known.
    pub imported: bool,
    pub summary: Summary,
    /// The 95% interval of each tier's conversion rate, in tier order.
    pub tier_intervals: Vec<Option<[f64; 2]>>,
    pub histograms: Vec<Histogram>,
    /// The score → probability picture (generated users only).
    pub scores: Option<&'a ScoreView>,
    pub expected: Vec<Expected>,
    pub first_rows: Vec<RowView>,
    /// The parameters that drew the users, or for imported users the
    /// contract's defaults their columns are compared with.
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
        World {
            aggregates: Aggregates::new(&data),
            scores: Some(Scores::of(params.get(), &data)),
            params,
            data,
            generation: next_generation(),
            flipped: Vec::new(),
        }
    }

    /// Users read from a file (a contract CSV, already validated): a world
    /// whose truth is unknown. Refused without users.
    pub fn imported(mut data: Dataset) -> Result<World, ParamError> {
        data.latent = None;
        let params = GeneratorParams {
            rows: data.len() as u64,
            ..Default::default()
        }
        .validate(data.len() as u64)?;
        Ok(World {
            aggregates: Aggregates::new(&data),
            scores: None,
            params,
            data,
            generation: next_generation(),
            flipped: Vec::new(),
        })
    }

    /// Moves to new parameters: relabels the same users when only score
    /// parameters (weights, tier effects, σ, b0) changed, in one pass that
    /// also counts the scores, and updates the counts by label at the cost of
    /// the users whose label flipped; else draws new users in the memory
    /// already held (imported users are always replaced).
    pub fn update(&mut self, params: ValidParams) -> Change {
        let relabelled = match &mut self.scores {
            Some(scores) if same_population(self.params.get(), params.get()) => {
                let mut tally = ScoreTally::new(ScoreAxis::new(params.get(), &scores.moments));
                if relabel_with(&mut self.data, &params, &mut self.flipped, |b| tally.add(b)) {
                    self.aggregates.follow(&self.data, &self.flipped);
                    let rate = self.aggregates.conversion_rate();
                    scores.view = tally.finish(params.get(), &scores.moments, rate);
                    true
                } else {
                    false
                }
            }
            _ => false,
        };
        let change = if relabelled {
            Change::Relabelled
        } else {
            regenerate(&mut self.data, &params);
            prepare(&mut self.data);
            self.aggregates = Aggregates::new(&self.data);
            self.scores = Some(Scores::of(params.get(), &self.data));
            self.generation = next_generation();
            Change::Regenerated
        };
        self.params = params;
        change
    }

    /// Who moving from `before` to the parameters now flipped: the same
    /// users labelled under both. Refused for imported users (their draws
    /// are unknown) and for parameters that draw other users.
    pub fn flips_since(&self, before: &ValidParams) -> Result<Flips, ParamError> {
        let now = self.params.get();
        if !same_population(before.get(), now) {
            return Err(ParamError::new(
                "before",
                "must draw the same users as the world now (the same seed, rows, distributions and tier mix)",
            ));
        }
        flips(&self.data, before.get(), now).ok_or_else(|| {
            ParamError::new(
                "world",
                "is imported: no parameters drew its users, so no one knows their draws",
            )
        })
    }

    /// The users.
    pub fn data(&self) -> &Dataset {
        &self.data
    }

    /// The checked parameters that drew the users: `None` for imported
    /// users, whom no parameters drew.
    pub fn params(&self) -> Option<&ValidParams> {
        self.scores.is_some().then_some(&self.params)
    }

    /// True when the users were read from a file.
    pub fn is_imported(&self) -> bool {
        self.scores.is_none()
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
            imported: self.is_imported(),
            summary,
            tier_intervals: self.aggregates.tier_intervals(),
            histograms,
            scores: self.scores.as_ref().map(|s| &s.view),
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
            assert!(a.scores.is_some());
            assert_eq!(a.first_rows, b.first_rows);
        }
    }

    #[test]
    fn a_world_says_who_a_move_flipped_as_its_relabel_flipped_them() {
        let base = GeneratorParams {
            rows: 5_000,
            ..Default::default()
        };
        let mut world = World::new(valid(base.clone()));
        let before = world.data().converted.clone();
        let mut moved = base.clone();
        moved.weights.downloads_7d = 1.0;
        world.update(valid(moved));
        let flips = world.flips_since(&valid(base.clone())).unwrap();
        let flipped: Vec<usize> = (0..before.len())
            .filter(|&i| before[i] != world.data().converted[i])
            .collect();
        assert_eq!(flips.started + flips.stopped, flipped.len());
        assert_eq!(flips.examples[0].user, flipped[0]);
        let mut other = base.clone();
        other.seed = Seed(7);
        assert_eq!(
            world.flips_since(&valid(other)).unwrap_err().field,
            "before"
        );
        let imported = World::imported(world.data().clone()).unwrap();
        assert_eq!(
            imported
                .flips_since(&valid(base.clone()))
                .unwrap_err()
                .field,
            "world"
        );
    }

    #[test]
    fn imported_users_have_no_truth_and_leave_for_generated_ones() {
        let base = GeneratorParams {
            rows: 2_000,
            ..Default::default()
        };
        let generated = generate(&valid(base.clone()));
        let before = World::new(valid(base.clone())).generation();
        let mut world = World::imported(generated.clone()).unwrap();
        assert!(world.is_imported());
        assert!(world.params().is_none(), "no parameters drew a file");
        assert!(world.generation() > before);
        assert!(world.data().latent.is_none());
        let view = world.view(None);
        assert!(view.imported && view.scores.is_none());
        assert_eq!(view.summary.rows, 2_000);
        assert_eq!(view.summary.conversions, generated.conversions());
        assert_eq!(view.first_rows[0].probability, None);
        assert_eq!(
            view.params,
            &GeneratorParams {
                rows: 2_000,
                ..Default::default()
            }
        );
        // Moving any parameter draws generated users again, even the same ones.
        let imported_generation = world.generation();
        assert_eq!(world.update(valid(base.clone())), Change::Regenerated);
        assert!(!world.is_imported());
        assert_ne!(world.generation(), imported_generation);
        assert_eq!(world.data(), &generate(&valid(base)));
        assert!(World::imported(Dataset::default()).is_err());
    }
}
