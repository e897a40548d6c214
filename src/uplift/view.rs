//! What the lab shows, as one serializable value: the page draws it and the
//! CLI prints it, so both say the same numbers.

use serde::Serialize;

use super::analysis::Analysis;
use super::effects::TauSummary;
use super::groups::GroupCounts;
use super::learned::ObservedQini;
use super::policy::PolicyView;
use crate::decide::bands::Segment;
use crate::decide::tally::Estimate;
use crate::world::params::Seed;

/// Everything the lab shows for one state of the world and the settings.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabView {
    pub users: usize,
    /// Every user's group, as their own draw decides both outcomes.
    pub groups: GroupCounts,
    /// The offer's mean effect per user, in percentage points: the noise
    /// averaged out (q1 − q0), with each user's noise (p1 − p0), and as the
    /// draws decide it (Y1 − Y0: persuadables less sleeping dogs, over all
    /// users; what the experiment estimates).
    pub mean_effect_points: f64,
    pub mean_effect_with_noise_points: f64,
    pub realized_effect_points: f64,
    /// τ(x) over the users.
    pub tau: TauSummary,
    /// The groups along the true score, next to the S-curve.
    pub scores: ScoreChart,
    /// The groups in each intent band of the model (`None` without a model).
    pub bands: Option<Vec<BandGroups>>,
    /// The budget of offers compared.
    pub budget: Budget,
    /// Each targeting policy over every budget and at the chosen one.
    pub policies: Vec<PolicyView>,
    /// The learned uplift model, when it is learned for this experiment.
    pub learned: Option<LearnedView>,
    /// True when the experiment changed since the uplift model was learned
    /// (or it never was): learn it again to compare it.
    pub learned_stale: bool,
    pub experiment: ExperimentView,
}

/// The uplift model learned from the experiment.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LearnedView {
    /// The two fits' weights in raw units (the seven features, then the
    /// intercept): on the treated users and on the controls.
    pub treated_weights: [f64; 8],
    pub control_weights: [f64; 8],
    /// Its Qini as an analyst measures it, on the held-out users.
    pub observed: ObservedQini,
}

/// The users along the score with noise, s(x) + σz (the x of the S-curve),
/// in bins, by group.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreChart {
    /// Left edge of the first bin and each bin's width (log-odds); users
    /// beyond the ends are counted in the end bins.
    pub start: f64,
    pub width: f64,
    pub sure_things: Vec<u64>,
    pub persuadables: Vec<u64>,
    pub sleeping_dogs: Vec<u64>,
    pub lost_causes: Vec<u64>,
    /// The S-curve without the offer, sigmoid(t), and with it for a user
    /// whose τ is the users' mean, sigmoid(t + τ̄), at t = start + k·curveStep.
    pub curve_step: f64,
    pub without: Vec<f64>,
    pub with: Vec<f64>,
    /// The scores where the curve crosses the band thresholds (high,
    /// medium): logit(0.7) and logit(0.4) by default.
    pub threshold_scores: [f64; 2],
}

/// One intent band of the model and who is in it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BandGroups {
    pub segment: Segment,
    pub users: u64,
    pub groups: GroupCounts,
    /// The model's mean probability in the band.
    pub mean_predicted: Option<f64>,
    /// The band's mean true probability without the offer, the noise
    /// averaged out (q0), and its mean effect (q1 − q0), in points.
    pub mean_q0: Option<f64>,
    pub mean_effect_points: Option<f64>,
    /// Offers to this band that change nothing or harm: sure things, lost
    /// causes and sleeping dogs over the band's users.
    pub wasted_share: Option<f64>,
}

/// The budget of offers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Budget {
    /// Hundredths of the users: 0 to 100.
    pub step: usize,
    pub share: f64,
    pub users: usize,
}

/// The experiment as an analyst reads it, and what the lab knows beside it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExperimentView {
    /// `None` when an arm is empty (a treated share of 0 or 1, or a tiny world).
    pub analysis: Option<Analysis>,
    /// Why there is no analysis.
    pub problem: Option<String>,
    /// The assignment seed.
    pub assignment_seed: Seed,
    /// True when the lift's 95% interval covers the realized effect (the
    /// mean of Y1 − Y0 over these users, which the lab knows).
    pub covers_truth: Option<bool>,
    pub power: PowerView,
}

/// How many users a test needs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PowerView {
    /// The smallest lift worth detecting, in points (the learner's).
    pub minimum_effect_points: f64,
    /// The rate it is added to: the control arm's observed rate.
    pub baseline_rate: Option<f64>,
    /// Users per arm for 80% power to detect it (5% two-sided).
    pub users_per_arm: Option<u64>,
    /// The same for the true mean effect p1 − p0 over the true mean p0
    /// (known to the lab, never to an analyst: not the observed lift, which
    /// would be post-hoc power). `None` for an effect of 0.
    pub true_baseline_rate: f64,
    pub true_effect_points: f64,
    pub users_per_arm_for_true_effect: Option<u64>,
    /// This experiment's power to detect the true effect, at its arms' sizes.
    pub power_for_true_effect: f64,
}

/// One experiment of a re-run: a new assignment seed, the same users.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rerun {
    pub assignment_seed: Seed,
    pub treated_users: u64,
    pub control_users: u64,
    pub lift_points: Estimate,
    pub p_value: f64,
    /// Significant at 5% with the true effect's sign.
    pub detected: bool,
    /// The interval covers the realized effect of these users.
    pub covers_truth: bool,
}

/// Many experiments on the same users.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reruns {
    pub runs: Vec<Rerun>,
    /// How many detected the true effect, and how many intervals covered it.
    pub detected: usize,
    pub covered: usize,
    /// The realized effect every interval aims at, in points.
    pub realized_effect_points: f64,
    /// The power the formula gives these experiments (their mean arm sizes).
    pub expected_power: f64,
}
