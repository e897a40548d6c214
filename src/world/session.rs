//! A world kept in memory while a person explores it: its parameters, its
//! users, and the aggregates the page draws. Moving to new parameters
//! relabels the same users when only the score changed, and draws new users
//! otherwise: that decision lives here, once.

use serde::Serialize;

use super::aggregates::{expected, first_rows, Aggregates, Expected, Histogram, RowView};
use super::dataset::Dataset;
use super::generator::{generate, regenerate, relabel, same_population};
use super::params::{GeneratorParams, ValidParams};
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

/// A generated world: parameters, users, and what the page draws of them.
#[derive(Clone, Debug)]
pub struct World {
    params: ValidParams,
    data: Dataset,
    /// What the page shows that depends only on the users' features.
    aggregates: Aggregates,
}

/// Everything the page draws for one state of the world.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct View<'a> {
    /// How the world got here (`None` for a first look).
    pub change: Option<Change>,
    pub summary: Summary,
    pub histograms: Vec<Histogram>,
    pub expected: Vec<Expected>,
    pub first_rows: Vec<RowView>,
    pub params: &'a GeneratorParams,
}

impl World {
    /// Generates the users `params` describe.
    pub fn new(params: ValidParams) -> World {
        let data = generate(&params);
        let aggregates = Aggregates::new(&data);
        World {
            params,
            data,
            aggregates,
        }
    }

    /// Moves to new parameters: relabels the same users when only score
    /// parameters (weights, tier effects, σ, b0) changed, else draws new users
    /// in the memory already held.
    pub fn update(&mut self, params: ValidParams) -> Change {
        let change = if same_population(self.params.get(), params.get())
            && relabel(&mut self.data, &params)
        {
            Change::Relabelled
        } else {
            regenerate(&mut self.data, &params);
            self.aggregates = Aggregates::new(&self.data);
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

    /// What the page draws now; `change` says how the world got here.
    pub fn view(&self, change: Option<Change>) -> View<'_> {
        let (summary, histograms) = self.aggregates.with_labels(&self.data);
        View {
            change,
            summary,
            histograms,
            expected: expected(self.params.get()),
            first_rows: first_rows(&self.data, PREVIEW_ROWS),
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
        let mut weight = base.clone();
        weight.weights.downloads_7d = 1.1;
        assert_eq!(world.update(valid(weight.clone())), Change::Relabelled);
        assert_eq!(world.data(), &generate(&valid(weight.clone())));
        let mut seed = weight.clone();
        seed.seed = Seed(9);
        assert_eq!(world.update(valid(seed.clone())), Change::Regenerated);
        assert_eq!(world.data(), &generate(&valid(seed)));
        let view = world.view(Some(Change::Regenerated));
        assert_eq!(view.summary.rows, 3_000);
        assert_eq!(view.first_rows.len(), PREVIEW_ROWS);
        assert_eq!(view.params.seed, Seed(9));
    }
}
