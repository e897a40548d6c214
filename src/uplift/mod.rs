//! The uplift lab: who to nudge, not who will convert. An offer changes a
//! treated user's score by τ(x) ([`crate::world::offer`]); both outcomes of
//! every user come from the same draws, so the lab knows who the offer
//! persuades, whom it wastes money on and whom it puts off. It compares
//! targeting policies by that truth, reads the experiment as an analyst
//! would, and learns an uplift model from it.
//!
//! - [`groups`]: sure things, persuadables, sleeping dogs and lost causes;
//! - [`effects`]: both outcomes of every user, with and without the noise;
//! - [`analysis`], [`reruns`]: the experiment's rates, lift, p-value and
//!   power, and many experiments on the same users;
//! - [`ranking`], [`policy`], [`tally`]: policies over budgets, judged by the truth;
//! - [`learned`]: the two-model uplift learned from the experiment;
//! - [`settings`], [`lab`], [`view`]: the lab kept beside a world, and what it shows.

pub mod analysis;
pub mod effects;
pub mod groups;
pub mod lab;
pub mod learned;
pub mod policy;
pub mod ranking;
pub mod reruns;
pub mod settings;
pub mod tally;
pub mod view;
pub mod wire;

use crate::decide::DecideError;
use crate::errors::field_error;
use crate::world::params::ParamError;

pub use lab::{Lab, ModelWeights, StepPlan};
pub use settings::LabSettings;
pub use view::LabView;

field_error!(
    /// Why the lab cannot do what was asked: the setting at fault
    /// (`offer.effect`, `budget`, `discount`, `minimumEffect`, …, `world`
    /// for a world it cannot work on), with the problem.
    UpliftError
);

impl From<ParamError> for UpliftError {
    fn from(e: ParamError) -> Self {
        UpliftError::new(e.field, e.problem)
    }
}

impl From<DecideError> for UpliftError {
    fn from(e: DecideError) -> Self {
        UpliftError::new(e.field, e.problem)
    }
}
