//! A model's decisions, kept while a person moves the policy: its
//! evaluation users ranked once ([`Ranking`]) and the model itself for
//! what-if users. Every read is cheap: the bands, profits, gains and the
//! histogram at any thresholds and economics, and one user's what-if.

use serde::Serialize;

use super::bands::{Band, Thresholds};
use super::curves::Gain;
use super::economics::Economics;
use super::ranking::{GainPoint, JudgedBy, Policies, ProbabilityBin, Ranking, LIFT_SHARES};
use super::whatif::{WhatIf, WhatIfModel};
use crate::world::dataset::Features;
use crate::world::params::GeneratorParams;
use crate::world::truth::noise_averaged_user;

/// Everything the decisions show at one policy.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionView {
    /// The evaluation users: held out, or (without a split) the training
    /// users, and said so.
    pub users: usize,
    pub conversions: usize,
    pub in_sample: bool,
    /// What profits are judged by.
    pub judged_by: JudgedBy,
    /// The model's probabilities, by converted and not.
    pub histogram: Vec<ProbabilityBin>,
    pub thresholds: Thresholds,
    pub bands: Vec<Band>,
    /// With economics: every policy's worth.
    pub policies: Option<Policies>,
    /// Cumulative gains: the model's, and the true-p oracle's (known worlds).
    pub gains: Vec<GainPoint>,
    pub oracle_gains: Option<Vec<GainPoint>>,
    /// Lift at the top 10%, 20% and 30%.
    pub lift: Vec<Gain>,
}

/// A model's decisions on one world's evaluation users.
#[derive(Clone, Debug)]
pub struct DecisionBoard {
    ranking: Ranking,
    in_sample: bool,
    model: WhatIfModel,
    /// The parameters that drew the users, when known: q(x) of a what-if user.
    truth: Option<GeneratorParams>,
}

impl DecisionBoard {
    /// `ranking` of the evaluation users (`in_sample` when they trained the
    /// model), `model` for what-if users, and the world's parameters when
    /// they are known.
    pub fn new(
        ranking: Ranking,
        in_sample: bool,
        model: WhatIfModel,
        truth: Option<GeneratorParams>,
    ) -> DecisionBoard {
        DecisionBoard {
            ranking,
            in_sample,
            model,
            truth,
        }
    }

    /// The decisions at `thresholds` and, when given, `economics`.
    pub fn view(&self, thresholds: Thresholds, economics: Option<Economics>) -> DecisionView {
        let r = &self.ranking;
        let (gains, oracle_gains) = r.gains_curves();
        DecisionView {
            users: r.users(),
            conversions: r.conversions(),
            in_sample: self.in_sample,
            judged_by: r.judged_by(),
            histogram: r.histogram(),
            thresholds,
            bands: r.bands(thresholds, economics),
            policies: economics.map(|e| r.policies(e)),
            gains,
            oracle_gains,
            lift: r.gains(&LIFT_SHARES),
        }
    }

    /// One user's what-if at `thresholds`.
    pub fn what_if(&self, thresholds: &Thresholds, user: &Features) -> WhatIf {
        let truth = self.truth.as_ref().map(|p| noise_averaged_user(p, user));
        self.model.what_if(thresholds, user, truth)
    }
}
