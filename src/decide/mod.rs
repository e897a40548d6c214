//! From a probability to a decision: how good the probabilities are
//! (metrics and their curves), the intent bands a policy draws on them, what
//! contacting users is worth (judged by the truth or the labels, never by the
//! predictions), the users ranked once so any threshold reads in
//! microseconds, one user's what-if, and the scored users as a CSV.
//! Everything here works on plain slices of labels and probabilities, or on
//! a model's weights, whatever produced them.

pub mod bands;
pub mod board;
pub mod curves;
pub mod economics;
pub mod metrics;
pub mod ranking;
pub mod scored_csv;
pub mod tally;
pub mod whatif;

use crate::errors::field_error;

field_error!(
    /// A policy input that cannot be used: `thresholds.high`,
    /// `thresholds.medium`, `threshold`, `valuePerConversion` or
    /// `costPerContact`, with the problem.
    DecideError
);
