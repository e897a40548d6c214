//! The generator and CSV writer compiled to wasm, run in headless Chromium:
//! the bytes must equal the native ones (the pinned SHA-256s are the native
//! CLI's), and bad parameters must come back as readable JS errors.
#![cfg(target_arch = "wasm32")]

#[path = "support/golden.rs"]
mod golden;

use conversion_playground::wasm::{default_params, parameter_schema, random_seed, World};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn params(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The refused parameters' error: its message, and the field it carries.
fn refusal(params_json: &str) -> (String, String) {
    match World::new(params(params_json)) {
        Ok(_) => panic!("{params_json} should be refused"),
        Err(e) => {
            let field = js_sys::Reflect::get(&e, &"field".into())
                .unwrap()
                .as_string()
                .unwrap_or_default();
            (js_sys::Error::from(e).message().into(), field)
        }
    }
}

fn error_text(params_json: &str) -> String {
    refusal(params_json).0
}

#[wasm_bindgen_test]
fn csv_bytes_equal_the_native_cli() {
    let world = World::new(params(r#"{"rows": 5000, "seed": "42"}"#)).unwrap();
    assert_eq!(world.rows(), 5000);
    assert_eq!(
        sha256_hex(&world.csv()),
        golden::CSV_ROWS_5000_SEED_42_SHA256
    );
    let top = World::new(params(r#"{"rows": 5000, "seed": "18446744073709551615"}"#)).unwrap();
    assert_eq!(
        sha256_hex(&top.csv()),
        golden::CSV_ROWS_5000_SEED_MAX_SHA256
    );
    let million = World::new(params(r#"{"rows": 1000000, "seed": "42"}"#)).unwrap();
    assert_eq!(
        sha256_hex(&million.csv()),
        golden::CSV_ROWS_1M_SEED_42_SHA256
    );
}

#[wasm_bindgen_test]
fn defaults_cross_the_boundary_with_the_seed_as_a_string() {
    let defaults = default_params().unwrap();
    let seed = js_sys::Reflect::get(&defaults, &"seed".into()).unwrap();
    assert_eq!(seed.as_string().as_deref(), Some("42"));
    let world = World::new(defaults).unwrap();
    assert_eq!(world.rows(), 5000);
    assert!((world.conversion_rate() - 0.86).abs() < 0.03);
}

#[wasm_bindgen_test]
fn bad_parameters_are_named_in_the_js_error() {
    assert!(error_text(r#"{"rows": 0}"#).contains("rows must be at least 1"));
    assert_eq!(
        error_text(r#"{"rows": 1000001}"#),
        "rows must be at most 1,000,000 here (got \"1000001\")"
    );
    assert!(error_text(r#"{"seed": "-1"}"#).contains("must not be negative"));
    assert!(error_text(r#"{"seed": "18446744073709551616"}"#)
        .contains("must be at most 18,446,744,073,709,551,615"));
    assert_eq!(
        refusal(r#"{"weights": {"sessions_7d": "x"}}"#),
        (
            "weights.sessions_7d must be a number (got \"x\")".to_string(),
            "weights.sessions_7d".to_string()
        )
    );
    assert_eq!(
        refusal(r#"{"tierMix": {"tier_1": 0.5, "tier_2": 0.4, "tier_3": 0.25}}"#).1,
        "tierMix"
    );
    assert!(
        error_text(r#"{"distributions": {"sessions_7d": {"lambda": -2}}}"#)
            .contains("must not be negative")
    );
}

#[wasm_bindgen_test]
fn misspelt_parameters_are_refused_not_ignored() {
    assert_eq!(
        error_text(r#"{"weights": {"sesions_7d": 0.9}}"#),
        "weights.sesions_7d is not a parameter"
    );
    assert_eq!(
        error_text(r#"{"rows": -5}"#),
        "rows must not be negative (got -5)"
    );
}

#[wasm_bindgen_test]
fn the_schema_crosses_with_every_default() {
    let schema = js_sys::Array::from(&parameter_schema().unwrap());
    // The contract's 22 parameters and the uplift lab's offer (7).
    assert_eq!(schema.length(), 29);
    let sigma = schema
        .iter()
        .find(|p| {
            js_sys::Reflect::get(p, &"key".into())
                .unwrap()
                .as_string()
                .as_deref()
                == Some("noiseSigma")
        })
        .unwrap();
    assert_eq!(
        js_sys::Reflect::get(&sigma, &"default".into())
            .unwrap()
            .as_f64(),
        Some(0.8)
    );
}

#[wasm_bindgen_test]
fn random_seeds_come_from_the_browser_and_differ() {
    let (a, b) = (random_seed().unwrap(), random_seed().unwrap());
    assert_ne!(a, b);
    for seed in [&a, &b] {
        assert!(seed.parse::<u64>().is_ok(), "{seed}");
        let world = World::new(params(&format!(r#"{{"rows": 10, "seed": "{seed}"}}"#))).unwrap();
        assert_eq!(world.rows(), 10);
    }
}
