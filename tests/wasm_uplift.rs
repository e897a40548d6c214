//! The uplift lab in headless Chromium: its experiment CSV must be the
//! native CLI's bytes (pinned), its groups, policies and sums the native
//! lab's (to the bit),
//! and a bad setting must come back as a JS error naming its field.
#![cfg(target_arch = "wasm32")]

#[path = "support/golden.rs"]
mod golden;

use conversion_playground::wasm::{UpliftLab, World};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}

fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        js_sys::Reflect::get(&v, &key.into()).unwrap()
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const LESSON: &str = r#"{"offer": {"effect": 0.8, "fatigue": -0.25}}"#;

#[wasm_bindgen_test]
fn the_lab_writes_the_native_experiment_csv() {
    let world = World::new(json(r#"{"rows": 4000, "baseline": -2}"#)).unwrap();
    let mut lab = UpliftLab::new();
    let csv = lab.experiment_csv(&world, json(LESSON)).unwrap();
    assert_eq!(sha256_hex(&csv), golden::EXPERIMENT_ROWS_4000_LESSON_SHA256);
}

#[wasm_bindgen_test]
fn the_lab_counts_the_native_groups_and_learns_the_native_model() {
    // The native CLI on the same world (tests/cli_uplift.rs): 11,292 sure
    // things, 1,878 persuadables, 18 sleeping dogs, 6,812 lost causes; the
    // learned model's held-out Qini 0.0073.
    let world = World::new(json(r#"{"rows": 20000, "baseline": -2}"#)).unwrap();
    let mut lab = UpliftLab::new();
    let view = lab
        .update(&world, json(LESSON), JsValue::UNDEFINED)
        .unwrap();
    for (path, expected) in [
        ("groups.sureThings", 11_292.0),
        ("groups.persuadables", 1_878.0),
        ("groups.sleepingDogs", 18.0),
        ("groups.lostCauses", 6_812.0),
    ] {
        assert_eq!(get(&view, path).as_f64(), Some(expected), "{path}");
    }
    assert_eq!(get(&view, "learnedStale").as_bool(), Some(true));
    let view = lab.learn(&world, json(LESSON), JsValue::UNDEFINED).unwrap();
    let qini = get(&view, "learned.observed.qini").as_f64().unwrap();
    assert_eq!(format!("{qini:.4}"), "0.0073");
    let lift = get(&view, "experiment.analysis.liftPoints.value")
        .as_f64()
        .unwrap();
    assert_eq!(format!("{lift:.2}"), "8.88");
}

/// Asserts that a view of the lesson world at 20,000 users has the native
/// lab's pinned bits (tests/uplift.rs).
fn assert_native_bits(view: &JsValue) {
    let policies = js_sys::Array::from(&get(view, "policies"));
    let curve = |i: u32, key: &str, k: u32| {
        js_sys::Float64Array::from(get(&policies.get(i), key)).get_index(k)
    };
    for (i, (incremental, with_noise, qini)) in (0..).zip(golden::LAB_ROWS_20K_LESSON) {
        assert_eq!(
            curve(i, "incremental", 37).to_bits(),
            incremental.to_bits(),
            "policy {i}"
        );
        assert_eq!(
            curve(i, "incrementalWithNoise", 100).to_bits(),
            with_noise.to_bits(),
            "policy {i}"
        );
        let shown = get(&policies.get(i), "qini").as_f64().unwrap();
        assert_eq!(shown.to_bits(), qini.to_bits(), "policy {i}");
    }
    let mean = get(view, "meanEffectPoints").as_f64().unwrap();
    assert_eq!(
        mean.to_bits(),
        golden::LAB_ROWS_20K_LESSON_MEAN_EFFECT_POINTS.to_bits()
    );
}

#[wasm_bindgen_test]
fn the_lab_sums_the_native_bits() {
    // The native lab's bits on the same world and offer (no model,
    // tests/uplift.rs pins them): the wasm build's vector loops (p1, q's
    // table, the steps' running sums) do the same operations in the same
    // order.
    let world = World::new(json(r#"{"rows": 20000, "baseline": -2}"#)).unwrap();
    let view = UpliftLab::new()
        .update(&world, json(LESSON), JsValue::UNDEFINED)
        .unwrap();
    assert_native_bits(&view);
}

#[wasm_bindgen_test]
fn a_dragged_lab_sums_the_bits_of_a_lab_opened_there() {
    // Effects far each way grow the noise-average table; back at the
    // lesson's, the vector loops read it on the same grid, to the bit.
    let world = World::new(json(r#"{"rows": 20000, "baseline": -2}"#)).unwrap();
    let mut lab = UpliftLab::new();
    for effect in ["3.0", "6.5", "-6.5"] {
        let settings = format!(r#"{{"offer": {{"effect": {effect}, "fatigue": -0.25}}}}"#);
        lab.update(&world, json(&settings), JsValue::UNDEFINED)
            .unwrap();
    }
    let view = lab
        .update(&world, json(LESSON), JsValue::UNDEFINED)
        .unwrap();
    assert_native_bits(&view);
}

#[wasm_bindgen_test]
fn a_bad_setting_names_its_field() {
    let world = World::new(json(r#"{"rows": 100}"#)).unwrap();
    let mut lab = UpliftLab::new();
    for (settings, field) in [
        (r#"{"offer": {"effect": "x"}}"#, "offer.effect"),
        (r#"{"budget": 7}"#, "budget"),
        (r#"{"discount": -1}"#, "discount"),
    ] {
        let e = lab
            .update(&world, json(settings), JsValue::UNDEFINED)
            .unwrap_err();
        assert_eq!(
            get(&e, "field").as_string().as_deref(),
            Some(field),
            "{settings}"
        );
    }
    let e = lab
        .update(&world, JsValue::UNDEFINED, json("[1, 2]"))
        .unwrap_err();
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("model"));
}
