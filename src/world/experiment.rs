//! The experiment: a seeded share of users gets the offer, and what each
//! user is seen to do is the outcome under that assignment. The draws are
//! the world's own (common random numbers), so the users who are not
//! treated show exactly the contract's `converted`.
//!
//! The assignment is one uniform draw v per user from its own ChaCha8
//! stream ([`streams::ASSIGNMENT`]) keyed by the assignment seed: treated
//! when v < the treated share. One draw per user whatever the share, so a
//! share moves only the users whose draw it crosses.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::csv_read::RowSink;
use super::dataset::{Dataset, Features, Latent};
use super::generator::Generator;
use super::offer::{treated_scores, OfferEffect, OfferParams, ValidOffer};
use super::params::ValidParams;
use super::sampling::{stream, streams};
use super::score::BLOCK;
use crate::math::probabilities_of;

/// The assignment draws of an experiment, user after user.
#[derive(Clone, Debug)]
pub struct Assignment {
    rng: ChaCha8Rng,
    share: f64,
}

impl Assignment {
    /// The assignment of `offer` (its seed and treated share), from the
    /// first user.
    pub fn new(offer: &OfferParams) -> Assignment {
        Assignment {
            rng: stream(offer.assignment_seed.0, streams::ASSIGNMENT),
            share: offer.treated_share,
        }
    }

    /// Appends whether each of the next `n` users is treated.
    pub fn fill(&mut self, n: usize, treated: &mut Vec<bool>) {
        let (rng, share) = (&mut self.rng, self.share);
        treated.extend((0..n).map(|_| rng.random::<f64>() < share));
    }
}

/// Who the experiment of `offer` treats among `n` users, in order.
pub fn assign(offer: &OfferParams, n: usize) -> Vec<bool> {
    let mut treated = Vec::with_capacity(n);
    Assignment::new(offer).fill(n, &mut treated);
    treated
}

/// Each user's probability with the offer, p1 = sigmoid(score + τ(x)), and
/// outcome with it, u < p1, for users whose tiers, paywall views, scores
/// (with their noise) and label draws are given: the same operations as
/// the generator's label, on the treated score.
fn treated_outcomes(
    effect: &OfferEffect,
    tiers: &[super::contract::Tier],
    paywall_views: &[u32],
    scores: &[f64],
    draws: &[f64],
    p1: &mut [f64],
    y1: &mut [bool],
) {
    let mut shifted = [0.0f64; BLOCK];
    let blocks = tiers
        .chunks(BLOCK)
        .zip(paywall_views.chunks(BLOCK))
        .zip(scores.chunks(BLOCK))
        .zip(draws.chunks(BLOCK))
        .zip(p1.chunks_mut(BLOCK).zip(y1.chunks_mut(BLOCK)));
    for ((((tiers, views), scores), draws), (p1, y1)) in blocks {
        let shifted = &mut shifted[..scores.len()];
        treated_scores(effect, tiers, views, scores, shifted);
        probabilities_of(shifted, p1);
        for ((y, &u), &p) in y1.iter_mut().zip(draws).zip(&*p1) {
            *y = u < p;
        }
    }
}

/// Draws the users of an experiment, in chunks of any size, in constant
/// memory: the contract's users, each with the outcome under the
/// assignment as `converted`, and who was treated.
#[derive(Clone, Debug)]
pub struct ExperimentGenerator {
    generator: Generator,
    effect: OfferEffect,
    assignment: Assignment,
    p1: Vec<f64>,
    y1: Vec<bool>,
}

impl ExperimentGenerator {
    /// The experiment of `offer` on the users `params` describe.
    pub fn new(params: &ValidParams, offer: &ValidOffer) -> ExperimentGenerator {
        ExperimentGenerator {
            generator: Generator::new(params),
            effect: OfferEffect::new(offer.get()),
            assignment: Assignment::new(offer.get()),
            p1: Vec::new(),
            y1: Vec::new(),
        }
    }

    /// Users not generated yet.
    pub fn remaining(&self) -> u64 {
        self.generator.remaining()
    }

    /// Appends the next `n` users (fewer if fewer remain) to `data`, their
    /// draws to `latent` (as [`Generator::fill`]) and whether each was
    /// treated to `treated`; `data.converted` gets the outcome under the
    /// assignment. Returns how many were added.
    pub fn fill(
        &mut self,
        n: usize,
        data: &mut Dataset,
        latent: &mut Latent,
        treated: &mut Vec<bool>,
    ) -> usize {
        let (start, drawn, first) = (data.len(), latent.label_draw.len(), treated.len());
        let n = self.generator.fill(n, data, latent);
        self.assignment.fill(n, treated);
        self.p1.resize(n, 0.0);
        self.y1.resize(n, false);
        treated_outcomes(
            &self.effect,
            &data.country_tier[start..],
            &data.paywall_views_7d[start..],
            &latent.probability.scores()[drawn..],
            &latent.label_draw[drawn..],
            &mut self.p1,
            &mut self.y1,
        );
        let observed = data.converted[start..].iter_mut().zip(&treated[first..]);
        for ((converted, &treated), &y1) in observed.zip(&self.y1) {
            if treated {
                *converted = y1;
            }
        }
        n
    }
}

/// An experiment's users as a file holds them: the contract's columns
/// (`converted` the outcome under the assignment) and who was treated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExperimentData {
    pub data: Dataset,
    pub treated: Vec<bool>,
}

impl RowSink for ExperimentData {
    fn push_row(&mut self, x: &Features, converted: bool) {
        self.data.push(x, converted);
    }

    fn push_treated(&mut self, treated: bool) {
        self.treated.push(treated);
    }
}

/// Generates the experiment of `offer` on the users `params` describe, in
/// memory: what `conversion generate` with an offer writes.
pub fn generate_experiment(params: &ValidParams, offer: &ValidOffer) -> ExperimentData {
    let n = usize::try_from(params.get().rows).unwrap_or(usize::MAX);
    let mut out = ExperimentData {
        data: Dataset::with_capacity(n),
        treated: Vec::with_capacity(n),
    };
    let mut latent = Latent::default();
    ExperimentGenerator::new(params, offer).fill(n, &mut out.data, &mut latent, &mut out.treated);
    out.data.latent = Some(latent);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::MAX_ROWS_IN_MEMORY;
    use crate::world::csv_read::{CsvError, CsvLimits, CsvReader, Layout};
    use crate::world::csv_write::to_experiment_csv;
    use crate::world::generator::generate;
    use crate::world::params::{GeneratorParams, Seed};

    /// Reads a whole experiment CSV held in memory, or lists what is wrong. At
    /// most `max_rows` data rows are read.
    pub fn parse_experiment_csv(bytes: &[u8], max_rows: u64) -> Result<ExperimentData, CsvError> {
        let mut out = ExperimentData::default();
        let mut reader = CsvReader::with_layout(CsvLimits::rows(max_rows), Layout::Experiment);
        reader.feed(bytes, &mut out);
        reader.finish(&mut out)?;
        Ok(out)
    }

    fn params(rows: u64, offer: OfferParams) -> ValidParams {
        GeneratorParams {
            rows,
            offer: Some(offer),
            ..Default::default()
        }
        .validate(MAX_ROWS_IN_MEMORY)
        .unwrap()
    }

    #[test]
    fn an_offer_of_nothing_observes_the_contract_labels() {
        let p = params(4_000, OfferParams::default());
        let experiment = generate_experiment(&p, &p.offer().unwrap());
        assert_eq!(experiment.data, generate(&p));
        let treated = experiment.treated.iter().filter(|&&t| t).count();
        assert!((1_850..2_150).contains(&treated), "{treated}");
    }

    #[test]
    fn treated_users_show_the_outcome_with_the_offer_and_the_others_without() {
        let offer = OfferParams {
            effect: 1.5,
            fatigue: -0.3,
            treated_share: 0.3,
            assignment_seed: Seed(7),
            ..Default::default()
        };
        let p = params(6_000, offer.clone());
        let experiment = generate_experiment(&p, &p.offer().unwrap());
        let world = generate(&p);
        let latent = world.latent.as_ref().unwrap();
        let tau = OfferEffect::new(&offer);
        let mut changed = 0;
        for i in 0..world.len() {
            let with_offer = latent.label_draw[i]
                < crate::math::sigmoid(latent.probability.scores()[i] + tau.at(&world.features(i)));
            let expected = if experiment.treated[i] {
                with_offer
            } else {
                world.converted[i]
            };
            assert_eq!(experiment.data.converted[i], expected, "user {i}");
            changed += usize::from(experiment.data.converted[i] != world.converted[i]);
        }
        assert!(changed > 100, "{changed}");
        assert_eq!(experiment.treated, assign(&offer, 6_000));
    }

    #[test]
    fn chunks_of_any_size_give_the_same_experiment() {
        let offer = OfferParams {
            effect: 0.8,
            ..Default::default()
        };
        let p = params(5_000, offer);
        let whole = generate_experiment(&p, &p.offer().unwrap());
        let mut generator = ExperimentGenerator::new(&p, &p.offer().unwrap());
        let mut out = ExperimentData::default();
        let mut latent = Latent::default();
        while generator.remaining() > 0 {
            latent.clear();
            generator.fill(777, &mut out.data, &mut latent, &mut out.treated);
        }
        assert_eq!(out.treated, whole.treated);
        assert_eq!(out.data.converted, whole.data.converted);
    }

    #[test]
    fn the_experiment_csv_reads_back_and_names_a_bad_treated_field() {
        let p = params(500, OfferParams::default());
        let mut experiment = generate_experiment(&p, &p.offer().unwrap());
        experiment.data.latent = None;
        let bytes = to_experiment_csv(
            &experiment.data,
            &experiment.data.converted,
            &experiment.treated,
        );
        assert_eq!(parse_experiment_csv(&bytes, 1_000).unwrap(), experiment);
        let text = String::from_utf8(bytes).unwrap();
        let bad = text
            .replacen(",0\n", ",2\n", 1)
            .replacen(",1\n", ",1,1\n", 1);
        let err = parse_experiment_csv(bad.as_bytes(), 1_000).unwrap_err();
        let lines: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
        assert_eq!(err.total, 2, "{lines:?}");
        assert!(
            lines
                .iter()
                .any(|l| l.ends_with("column 8 (treated): must be 0 or 1 (got \"2\")")),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.ends_with(": must have 8 fields, separated by commas (got 9)")),
            "{lines:?}"
        );
        let contract = crate::world::csv_read::parse_csv(text.as_bytes(), 1_000).unwrap_err();
        assert!(
            contract.problems[0]
                .problem
                .contains("this is an experiment CSV"),
            "{contract}"
        );
    }
}
