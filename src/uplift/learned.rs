//! The uplift model a team can learn from an experiment: two logistic
//! regressions with the project's own fitter, one on the treated users and
//! one on the controls (each with its default options, so 80% of each arm
//! trains it and 20% is held out); each user's score is the difference of
//! their two predicted probabilities. Its Qini coefficient as an analyst
//! measures it uses only the held-out users' arms and outcomes.

use serde::Serialize;

use super::policy::{observed_curve, qini};
use super::UpliftError;
use crate::model::{fit, FitParams, FittedModel};
use crate::world::dataset::Dataset;

/// The two fits and the users neither trained on.
#[derive(Clone, Debug)]
pub struct LearnedUplift {
    /// Fitted on the treated users: P(convert | x, offer).
    pub treated: FittedModel,
    /// Fitted on the controls: P(convert | x, no offer).
    pub control: FittedModel,
    /// The users held out of both fits, in order.
    pub held_out: Vec<usize>,
}

/// What the learned model's Qini coefficient is as an analyst measures it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObservedQini {
    /// Held-out users it is measured on.
    pub users: usize,
    /// Treated converters minus scaled control converters in the first 0,
    /// 1%, …, 100% of the held-out users by the learned score.
    pub curve: Vec<f64>,
    /// Its Qini coefficient ([`super::policy::qini`]).
    pub qini: f64,
}

/// Users `rows` of `data`, with the outcomes `converted`.
fn subset(data: &Dataset, converted: &[bool], rows: &[usize]) -> Dataset {
    let mut out = Dataset::with_capacity(rows.len());
    for &i in rows {
        out.push(&data.features(i), converted[i]);
    }
    out
}

/// Learns the two-model uplift from an experiment on `data`'s users:
/// `converted` is each user's outcome under their arm, `treated` their arm.
/// Fails when an arm has no users.
pub fn learn(
    data: &Dataset,
    converted: &[bool],
    treated: &[bool],
) -> Result<LearnedUplift, UpliftError> {
    let arm = |t: bool| -> Vec<usize> { (0..data.len()).filter(|&i| treated[i] == t).collect() };
    let (treated_rows, control_rows) = (arm(true), arm(false));
    let params = FitParams::default();
    let fit_arm = |rows: &[usize], name: &str| {
        if rows.is_empty() {
            return Err(UpliftError::new(
                "offer.treatedShare",
                format!("leaves the {name} arm without users: there is nothing to learn from"),
            ));
        }
        fit(&subset(data, converted, rows), &params).map_err(|e| {
            UpliftError::new(
                "learned",
                format!("cannot be fitted on the {name} arm: {e}"),
            )
        })
    };
    let (treated_model, treated_split) = fit_arm(&treated_rows, "treated")?;
    let (control_model, control_split) = fit_arm(&control_rows, "control")?;
    let mut held_out: Vec<usize> = treated_split
        .test
        .iter()
        .map(|&k| treated_rows[k])
        .chain(control_split.test.iter().map(|&k| control_rows[k]))
        .collect();
    held_out.sort_unstable();
    Ok(LearnedUplift {
        treated: treated_model,
        control: control_model,
        held_out,
    })
}

impl LearnedUplift {
    /// Each user's learned uplift: P(convert | offer) − P(convert | none).
    pub fn scores(&self, data: &Dataset) -> Vec<f64> {
        let rows: Vec<usize> = (0..data.len()).collect();
        let with = self.treated.predict(data, &rows);
        let without = self.control.predict(data, &rows);
        with.iter().zip(&without).map(|(a, b)| a - b).collect()
    }

    /// The Qini coefficient on the held-out users, from their arms and
    /// outcomes only (`scores` from [`LearnedUplift::scores`]).
    pub fn observed_qini(
        &self,
        scores: &[f64],
        converted: &[bool],
        treated: &[bool],
    ) -> ObservedQini {
        let keys: Vec<f64> = self.held_out.iter().map(|&i| scores[i]).collect();
        let y: Vec<bool> = self.held_out.iter().map(|&i| converted[i]).collect();
        let t: Vec<bool> = self.held_out.iter().map(|&i| treated[i]).collect();
        let curve = observed_curve(&keys, &y, &t);
        ObservedQini {
            users: self.held_out.len(),
            qini: qini(&curve, self.held_out.len()),
            curve,
        }
    }
}
