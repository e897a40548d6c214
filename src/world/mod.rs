//! The world: the data contract, the generator's parameters and their one
//! table, the seeded samplers and generator, users in memory, the CSV, the
//! statistics the page shows, the score → probability picture, the session
//! that keeps a world while a person explores it, and the truth no model of
//! the signals can see past.

pub mod aggregates;
pub mod base_rate;
pub mod contract;
mod csv_fields;
pub mod csv_halves;
pub mod csv_read;
pub mod csv_write;
pub mod dataset;
pub mod experiment;
pub mod flips;
pub mod generator;
pub mod noise_average;
pub mod offer;
pub mod params;
pub mod sampling;
pub mod schema;
pub mod score;
pub mod score_view;
pub mod session;
pub mod summary;
pub mod truth;
mod validate;
pub mod values;
