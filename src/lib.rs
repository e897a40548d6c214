//! conversion-playground: how a subscription streaming product's behavioural
//! signals become a probability of paid conversion, and how a team turns that
//! probability into decisions.
//!
//! The core (contract, parameters, generator, dataset, CSV, summary) does no
//! I/O: it takes bytes and parameter structs and returns values. Two thin
//! shells sit on it: [`wasm`] for the page and the `conversion` CLI.

pub mod aggregates;
pub mod artifact;
pub mod base_rate;
pub mod contract;
pub mod csv_format;
pub mod dataset;
pub mod decisions;
pub mod generator;
pub mod metrics;
pub mod model;
pub mod params;
pub mod scoring;
pub mod summary;
pub mod wasm;

/// Reads parameters from JSON text, naming the offending field on error
/// (`weights.sessions_7d: invalid type: …`).
pub fn params_from_json(text: &str) -> Result<params::GeneratorParams, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.inner().to_string()
        } else {
            format!("{path}: {}", e.inner())
        }
    })
}
