//! The model across the wasm boundary, in headless Chromium: a stepwise fit,
//! evaluation, bands, scoring, base-rate solving, and errors that reach JS
//! as readable messages.
#![cfg(target_arch = "wasm32")]

#[path = "support/golden.rs"]
mod golden;

use conversion_playground::wasm::{baseline_for_rate, ModelFit, World};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &key.into()).unwrap()
}

fn message(error: JsValue) -> String {
    js_sys::Error::from(error).message().into()
}

fn field(error: &JsValue) -> String {
    get(error, "field").as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
fn a_stepwise_fit_converges_and_evaluates() {
    let world = World::new(js(r#"{"rows": 20000, "seed": "7"}"#)).unwrap();
    let mut fit = ModelFit::new(&world, JsValue::UNDEFINED).unwrap();
    let first = fit.step(3).unwrap();
    assert_eq!(get(&first, "iterations").as_f64(), Some(3.0));
    assert_eq!(get(&first, "done").as_bool(), Some(false));
    let done = fit.run().unwrap();
    assert_eq!(get(&done, "stop").as_string().as_deref(), Some("converged"));
    let history = js_sys::Array::from(&get(&done, "lossHistory"));
    assert!(history.length() > 3);
    let model = fit.model().unwrap();
    let weights = js_sys::Array::from(&get(&model, "coefficients"));
    assert_eq!(weights.length(), 7);
    assert!(
        weights.get(3).as_f64().unwrap() > 0.2,
        "downloads push conversion up"
    );

    let evaluation = fit
        .evaluate(
            &world,
            js(r#"{"economics": {"valuePerConversion": 10, "costPerContact": 2}}"#),
        )
        .unwrap();
    let metrics = get(&evaluation, "metrics");
    let auc = get(&metrics, "auc").as_f64().unwrap();
    let ceiling = get(&metrics, "ceilingAuc").as_f64().unwrap();
    assert!(
        auc > 0.6 && auc <= ceiling + 0.02,
        "auc {auc}, ceiling {ceiling}"
    );
    assert_eq!(js_sys::Array::from(&get(&evaluation, "bands")).length(), 3);
    assert!(get(&get(&evaluation, "bestThreshold"), "expectedProfit")
        .as_f64()
        .is_some());

    let scored = fit
        .score(
            js(r#"{"days_since_signup": 5, "sessions_7d": 6, "content_hours_7d": 8.5, "downloads_7d": 3, "paywall_views_7d": 2, "country_tier": "tier_1"}"#),
            JsValue::UNDEFINED,
        )
        .unwrap();
    assert_eq!(
        get(&scored, "segment").as_string().as_deref(),
        Some("high_intent")
    );
    let artifact = fit.artifact_json(&world, JsValue::UNDEFINED).unwrap();
    assert!(artifact.contains("\"seed\": \"7\""));
}

#[wasm_bindgen_test]
fn relabelled_worlds_refit_from_a_warm_start() {
    let mut world = World::new(js(r#"{"rows": 10000}"#)).unwrap();
    let mut fit = ModelFit::new(&world, js(r#"{"testFraction": 0}"#)).unwrap();
    fit.run().unwrap();
    world
        .update(js(r#"{"rows": 10000, "weights": {"downloads_7d": 1.2}}"#))
        .unwrap();
    fit.relabel(&world).unwrap();
    let again = fit.run().unwrap();
    assert_eq!(
        get(&again, "stop").as_string().as_deref(),
        Some("converged")
    );
    let downloads = js_sys::Array::from(&get(&fit.model().unwrap(), "coefficients"))
        .get(3)
        .as_f64()
        .unwrap();
    assert!(
        downloads > 0.8,
        "the refit follows the new weight: {downloads}"
    );
}

#[wasm_bindgen_test]
fn the_base_rate_solver_reaches_its_target() {
    let world = World::new(js(r#"{"rows": 20000}"#)).unwrap();
    let b0 = baseline_for_rate(&world, 0.05).unwrap();
    let moved = World::new(js(&format!(r#"{{"rows": 20000, "baseline": {b0}}}"#))).unwrap();
    assert!(
        (moved.conversion_rate() - 0.05).abs() < 0.01,
        "rate {}",
        moved.conversion_rate()
    );
    let err = baseline_for_rate(&world, 1.5).unwrap_err();
    assert_eq!(field(&err), "targetRate");
    assert_eq!(
        message(err),
        "targetRate must be a rate above 0 and below 1 (got \"1.5\")"
    );
}

#[wasm_bindgen_test]
fn bad_input_comes_back_as_a_named_js_error() {
    let world = World::new(js(r#"{"rows": 2000}"#)).unwrap();
    let err = ModelFit::new(&world, js(r#"{"testFraction": 2}"#))
        .err()
        .unwrap();
    assert_eq!(field(&err), "testFraction");
    assert_eq!(
        message(err),
        "testFraction must be at least 0 and below 1 (got \"2\")"
    );
    let err = ModelFit::new(&world, js(r#"{"tolerence": 1}"#))
        .err()
        .unwrap();
    assert_eq!(field(&err), "tolerence");
    assert!(message(err).starts_with("tolerence is not a known field"));
    let fit = ModelFit::new(&world, JsValue::UNDEFINED).unwrap();
    let user = r#"{"days_since_signup": 5, "sessions_7d": -1, "content_hours_7d": 1, "downloads_7d": 0, "paywall_views_7d": 0, "country_tier": "tier_1"}"#;
    let err = fit.score(js(user), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(field(&err), "sessions_7d");
    assert_eq!(message(err), "sessions_7d must not be negative (got -1)");
    let err = fit
        .evaluate(
            &world,
            js(r#"{"thresholds": {"high": 0.3, "medium": 0.6}}"#),
        )
        .unwrap_err();
    assert_eq!(field(&err), "thresholds.medium");
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    let err = World::new(js(&deep)).err().unwrap();
    assert_eq!(field(&err), "parameters");
    assert!(
        World::new(js(r#"{"rows": 100}"#)).is_ok(),
        "a normal call still works"
    );
}

#[wasm_bindgen_test]
fn the_browser_fit_has_the_native_bits() {
    let world = World::new(js(r#"{"rows": 100000, "seed": "42"}"#)).unwrap();
    let mut fit = ModelFit::new(&world, js(r#"{"testFraction": 0}"#)).unwrap();
    fit.run().unwrap();
    let model = fit.model().unwrap();
    let coefficients = js_sys::Array::from(&get(&model, "coefficients"));
    let mut got: Vec<f64> = coefficients.iter().map(|v| v.as_f64().unwrap()).collect();
    got.push(get(&model, "intercept").as_f64().unwrap());
    assert_eq!(
        got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        golden::FIT_ROWS_100K_SEED_42.map(f64::to_bits).to_vec(),
        "{got:?}"
    );
}
