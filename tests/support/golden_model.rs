#![allow(dead_code)] // each test crate uses some of these
//! What the model panel shows for one world, computed natively
//! (tests/model_values.rs checks them against values recomputed by hand)
//! and required bit for bit of the wasm build (tests/wasm_model.rs): the
//! page's numbers are the CLI's numbers.
//!
//! The world: 20,000 users, seed 7, the contract's defaults. The fit: the
//! defaults (20% held out, split seed 42, no penalty, tolerance 1e-6).
//! Like `golden::FIT_ROWS_100K_SEED_42` these are not part of the data
//! contract: a deliberate change to the fit or the metrics may update them,
//! saying why in its commit.

/// The world, as the page's worker sends it.
pub const WORLD_JSON: &str = r#"{"rows": 20000, "seed": "7"}"#;
pub const ROWS: u64 = 20_000;
pub const SEED: u64 = 7;

/// The evaluation options: a conversion worth 10, a contact costing 8.
pub const EVALUATE_JSON: &str = r#"{"economics": {"valuePerConversion": 10, "costPerContact": 8}}"#;
pub const VALUE_PER_CONVERSION: f64 = 10.0;
pub const COST_PER_CONTACT: f64 = 8.0;

/// Raw-unit coefficients in FEATURES order, then the intercept.
pub const FIT: [f64; 8] = [
    -0.016920560121750614,
    0.26773925854089753,
    0.24778199736698156,
    0.491217629844202,
    0.36757688149071377,
    -0.531786952533161,
    -0.9623034069713939,
    0.6229339283242189,
];

/// Held-out users and their metrics at the 0.5 threshold.
pub const USERS: usize = 4_000;
pub const LOG_LOSS: f64 = 0.3695955390477126;
pub const ACCURACY: f64 = 0.85575;
pub const PRECISION: f64 = 0.8609706774519716;
pub const RECALL: f64 = 0.9921351587532771;
pub const AUC: f64 = 0.7241335908196769;
/// AUC of the users' true probabilities p (with their own noise draws): an
/// oracle no model of the signals reaches (the reachable ceiling is the AUC
/// of q(x)).
pub const ORACLE_AUC: f64 = 0.7823315665824647;
/// True positives, false positives, true negatives, false negatives.
pub const CONFUSION: [usize; 4] = [3406, 550, 17, 27];

/// High, medium and low intent (thresholds 0.7 and 0.4).
pub const BAND_USERS: [usize; 3] = [3581, 406, 13];
pub const BAND_CONVERSIONS: [usize; 3] = [3154, 271, 8];
/// What contacting each band is worth, judged by q(x): each user's
/// noise-averaged probability, never the model's own prediction.
pub const BAND_PROFIT: [f64; 3] = [3118.650672606771, -696.9021009540875, -53.6029718167938];

/// The most profitable threshold, its users contacted and its profit
/// (judged by q(x), as the bands).
pub const BEST_THRESHOLD: f64 = 0.8;
pub const BEST_CONTACTED: usize = 2994;
pub const BEST_PROFIT: f64 = 3338.245378770993;

/// A keen user (young account, many sessions, hours, downloads; tier_1).
pub const USER_JSON: &str = r#"{"days_since_signup": 5, "sessions_7d": 6, "content_hours_7d": 8.5, "downloads_7d": 3, "paywall_views_7d": 2, "country_tier": "tier_1"}"#;
pub const USER_SCORE: f64 = 6.459720309094228;
pub const USER_PROBABILITY: f64 = 0.9984372126961989;

/// The baseline b0 at which 20,000 users of seed 42 convert at 5% on
/// average (`baselineForRate`).
pub const BASELINE_FOR_5_PERCENT: f64 = -6.124803517704169;
