//! From a probability to a decision: how good the probabilities are
//! (metrics and their curves), the intent bands a policy draws on them, and
//! what contacting users is worth. Everything here works on plain slices of
//! labels and probabilities, whatever produced them.

pub mod bands;
pub mod curves;
pub mod economics;
pub mod metrics;

use crate::errors::field_error;

field_error!(
    /// A policy input that cannot be used: `thresholds.high`,
    /// `thresholds.medium`, `threshold`, `valuePerConversion` or
    /// `costPerContact`, with the problem.
    DecideError
);
