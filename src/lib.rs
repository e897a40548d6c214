//! conversion-playground: how a subscription streaming product's behavioural
//! signals become a probability of paid conversion, and how a team turns that
//! probability into decisions. The data contract it follows is
//! `docs/contract.md`.
//!
//! A pure core that does no I/O, in rooms by concern:
//! - [`world`]: the contract, the generator's parameters, the seeded
//!   generator, users in memory, the CSV, and what the page shows of them;
//! - [`model`]: the logistic regression and its fit;
//! - [`decide`]: metrics, intent bands and economics;
//! - [`uplift`]: the offer's effect on each user, the experiment, and
//!   targeting by who the offer changes rather than who converts;
//! - [`artifact`] and [`scoring`]: the model file and scoring one user;
//! - [`math`], [`errors`], [`input`] and [`parallel`]: shared by all of them.
//!
//! Two thin shells sit on it: `wasm` (compiled for `wasm32` only) for the
//! page, and the `conversion` CLI (native only).

pub mod artifact;
pub mod decide;
pub mod errors;
pub mod input;
pub mod math;
pub mod model;
pub mod parallel;
pub mod scoring;
pub mod uplift;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
pub mod world;
