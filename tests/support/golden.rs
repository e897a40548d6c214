#![allow(dead_code)] // each test crate uses some of these
//! Pinned outputs of the generator (rand's `value_stability` idea). Changing
//! one of these is a contract version change, never a test update.

/// SHA-256 of `conversion generate --rows 5000 --seed 42` at the defaults.
pub const CSV_ROWS_5000_SEED_42_SHA256: &str =
    "e30689e925b4756dfa3c56cf081f85286246260d043c99ab47ea5036bba01d9c";

/// SHA-256 of `conversion generate --rows 5000 --seed 18446744073709551615`.
pub const CSV_ROWS_5000_SEED_MAX_SHA256: &str =
    "c17c052ff231e9200d22af59ef5eece26ea47fab893abcd8f4b7476236c780c2";

/// SHA-256 of `conversion generate --rows 1000000 --seed 42`: a million
/// sigmoids, Gamma draws and label comparisons, so a platform difference in
/// any of them would show.
pub const CSV_ROWS_1M_SEED_42_SHA256: &str =
    "1c393dbce6db244058e93376a6c066b54c6703677bffe6aac6b3c6ea624c2f58";

/// The first three data rows for seed 42: readable evidence of what moved.
pub const FIRST_ROWS_SEED_42: &str =
    "33,1,1.79,2,1,tier_2,0\n43,2,3.62,1,1,tier_2,1\n39,3,0.85,1,1,tier_2,1\n";

/// `conversion fit` of `generate --rows 100000 --seed 42` with
/// `--test-fraction 0` (raw-unit coefficients in FEATURES order, then the
/// intercept). The fit's sums run in a fixed order with no fused
/// multiply-add, so native (any vector width, any thread count) and wasm
/// give these exact bits. Unlike the CSV hashes this is not part of the
/// contract: a change to the fit may update it, on purpose.
pub const FIT_ROWS_100K_SEED_42: [f64; 8] = [
    -0.01824348955375013,
    0.2751693277074503,
    0.2371631202694951,
    0.4617272332140644,
    0.37107425979683833,
    -0.4754793768549485,
    -0.902471766016543,
    0.6534624476645873,
];

/// SHA-256 of the experiment CSV of `conversion generate --rows 4000
/// --baseline -2 --offer-effect 0.8 --offer-fatigue -0.25` (the lab's
/// lesson, half the users treated, assignment seed 42): the assignment's
/// stream (9) is part of the contract too.
pub const EXPERIMENT_ROWS_4000_LESSON_SHA256: &str =
    "1bc6539a4e64eba573543cd5d83544283a8a4cf524d4ecb33b93974d152a7fbb";

/// The uplift lab on `generate --rows 20000 --baseline -2` with the
/// lesson's offer (τ0 = 0.8, fatigue −0.25), no model: the oracle's, the
/// best possible ranking's and random's conversions added at a budget of
/// 37% and with the noise at 100%, and their Qini; then the mean effect in
/// points. The lab's sums run in a fixed order (two halves, each in index
/// order) with no fused multiply-add, so native and wasm (with its vector
/// loops) give these exact bits. Not part of the contract: a change to the
/// lab's sums may update them, on purpose (reading q's table by Horner's
/// rule moved their last bits, and so did putting every table's points on
/// one grid of all scores).
pub const LAB_ROWS_20K_LESSON: [(f64, f64, f64); 3] = [
    (1029.6699379108466, 1835.1908484379703, 0.01394094029430753),
    (1083.0622562926249, 1835.1908484379717, 0.015513555078843276),
    (678.2878993866292, 1835.1908484379703, 1.035616037370346e-18),
];
pub const LAB_ROWS_20K_LESSON_MEAN_EFFECT_POINTS: f64 = 9.166052694413906;
