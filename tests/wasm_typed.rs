//! Issue 15: the page's chart and curve data cross the wasm boundary as
//! typed arrays, and they are value for value what the core computes for
//! the same users (what serde handed over before as lists of numbers): a
//! world after a weight-slider step, a fit's progress, the decisions at a
//! threshold, and the uplift lab after a τ step. Each JS result is read
//! back in the core's shape (tests/support/typed.rs) and compared whole
//! with `serde_json::to_value` of the core's result; each bulk field must
//! be a `Float64Array` or a `Uint32Array`.
#![cfg(target_arch = "wasm32")]

#[path = "support/typed.rs"]
mod typed;

use conversion_playground::decide::bands::Thresholds;
use conversion_playground::decide::economics::Economics;
use conversion_playground::model::{FitParams, LiveFit};
use conversion_playground::uplift::{Lab, LabSettings};
use conversion_playground::wasm::{Decisions, ModelFit, UpliftLab, World};
use conversion_playground::world::contract::MAX_ROWS_IN_MEMORY;
use conversion_playground::world::params::{GeneratorParams, ValidParams};
use conversion_playground::world::session;
use serde_json::Value;
use typed::{assert_typed, plain_json, rows_at, same_json};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const WORLD: &str = r#"{"rows": 30000, "seed": "11"}"#;
const MOVED: &str = r#"{"rows": 30000, "seed": "11", "weights": {"downloads_7d": 0.9}}"#;

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn valid(json: &str) -> ValidParams {
    GeneratorParams::from_value(&serde_json::from_str(json).unwrap())
        .and_then(|p| p.validate(MAX_ROWS_IN_MEMORY))
        .unwrap()
}

/// The core's world moved as the page's is.
fn core_world() -> session::World {
    let mut world = session::World::new(valid(WORLD));
    world.update(valid(MOVED));
    world
}

#[wasm_bindgen_test]
fn a_weight_step_gives_the_cores_histograms_and_score_picture() {
    let mut world = World::new(js(WORLD)).unwrap();
    let view = world.update(js(MOVED)).unwrap();
    for k in 0..5 {
        assert_typed(&view, &format!("histograms.{k}.edges"), "f64");
        assert_typed(&view, &format!("histograms.{k}.users"), "u32");
        assert_typed(&view, &format!("histograms.{k}.conversions"), "u32");
    }
    assert_typed(&view, "scores.systematic", "u32");
    assert_typed(&view, "scores.scores", "u32");
    assert_typed(&view, "scores.curve", "f64");

    let mut core = session::World::new(valid(WORLD));
    let change = core.update(valid(MOVED));
    let want = serde_json::to_value(core.view(Some(change))).unwrap();
    same_json("view", &plain_json(&view), &want);
    // The first look too (no change), as the page's first draw gets it.
    let first = World::new(js(WORLD)).unwrap().view().unwrap();
    let fresh = session::World::new(valid(WORLD));
    same_json(
        "first view",
        &plain_json(&first),
        &serde_json::to_value(fresh.view(None)).unwrap(),
    );
}

#[wasm_bindgen_test]
fn a_fit_step_gives_the_cores_loss_curves() {
    let world = World::new(js(MOVED)).unwrap();
    let mut fit = ModelFit::new(&world, JsValue::UNDEFINED).unwrap();
    let core_world = core_world();
    let mut core = LiveFit::cold(&core_world, &FitParams::default().validate().unwrap()).unwrap();
    for iterations in [1, 4, 10] {
        let step = fit.step(iterations).unwrap();
        assert_typed(&step, "lossHistory", "f64");
        assert_typed(&step, "heldOutHistory", "f64");
        let want = serde_json::to_value(core.step(iterations)).unwrap();
        same_json("step", &plain_json(&step), &want);
    }
    let want = serde_json::to_value(core.progress()).unwrap();
    let got = plain_json(&fit.progress().unwrap());
    assert_eq!(got["lossHistory"].as_array().map(Vec::len), Some(15));
    same_json("progress", &got, &want);
}

#[wasm_bindgen_test]
fn a_threshold_step_gives_the_cores_histogram_gains_and_profit_curves() {
    let world = World::new(js(MOVED)).unwrap();
    let mut fit = ModelFit::new(&world, JsValue::UNDEFINED).unwrap();
    fit.run().unwrap();
    let decisions = Decisions::of_fit(&fit, &world).unwrap();
    let core_world = core_world();
    let mut core = LiveFit::cold(&core_world, &FitParams::default().validate().unwrap()).unwrap();
    core.run();
    let board = core.decisions(&core_world).unwrap();
    let economics_json = r#"{"valuePerConversion": 40, "costPerContact": 3}"#;
    let economics =
        Economics::from_value(&serde_json::from_str(economics_json).unwrap(), "economics").unwrap();
    for (high, medium) in [(0.7, 0.4), (0.83, 0.21)] {
        let thresholds = Thresholds { high, medium };
        let view = decisions
            .view(
                js(&format!(r#"{{"high": {high}, "medium": {medium}}}"#)),
                js(economics_json),
            )
            .unwrap();
        for (path, kind) in [
            ("histogram.lower", "f64"),
            ("histogram.upper", "f64"),
            ("histogram.converted", "u32"),
            ("histogram.notConverted", "u32"),
            ("gains.shareContacted", "f64"),
            ("gains.shareOfConversions", "f64"),
            ("oracleGains.shareOfConversions", "f64"),
            ("policies.model.points.threshold", "f64"),
            ("policies.model.points.contacted", "u32"),
            ("policies.oracle.points.expectedProfit", "f64"),
        ] {
            assert_typed(&view, path, kind);
        }
        let mut got = plain_json(&view);
        for columns in [
            "histogram",
            "gains",
            "oracleGains",
            "policies.model.points",
            "policies.bestPossible.points",
            "policies.oracle.points",
        ] {
            rows_at(&mut got, columns);
        }
        let want = serde_json::to_value(board.view(thresholds, Some(economics))).unwrap();
        same_json("decisions", &got, &want);
    }
}

#[wasm_bindgen_test]
fn a_tau_step_gives_the_cores_score_chart_and_policy_curves() {
    let lesson = r#"{"rows": 20000, "seed": "5", "baseline": -2}"#;
    let world = World::new(js(lesson)).unwrap();
    let core_world = session::World::new(valid(lesson));
    let mut lab = UpliftLab::new();
    let mut core = Lab::default();
    for effect in [0.8, 0.85, 1.3] {
        let settings =
            format!(r#"{{"offer": {{"effect": {effect}, "fatigue": -0.25}}, "budget": 0.2}}"#);
        let view = lab
            .update(&world, js(&settings), JsValue::UNDEFINED)
            .unwrap();
        for key in ["sureThings", "persuadables", "sleepingDogs", "lostCauses"] {
            assert_typed(&view, &format!("scores.{key}"), "u32");
        }
        assert_typed(&view, "scores.without", "f64");
        assert_typed(&view, "scores.with", "f64");
        for key in ["incremental", "incrementalWithNoise", "profit"] {
            assert_typed(&view, &format!("policies.0.{key}"), "f64");
        }
        let s = LabSettings::from_value(&serde_json::from_str(&settings).unwrap()).unwrap();
        let want: Value =
            serde_json::to_value(core.update(&core_world, &s, None).unwrap()).unwrap();
        same_json("lab", &plain_json(&view), &want);
    }
    // The learned model's observed Qini curve too.
    let settings = r#"{"offer": {"effect": 1.3, "fatigue": -0.25}, "budget": 0.2}"#;
    let view = lab.learn(&world, js(settings), JsValue::UNDEFINED).unwrap();
    assert_typed(&view, "learned.observed.curve", "f64");
    let s = LabSettings::from_value(&serde_json::from_str(settings).unwrap()).unwrap();
    let want = serde_json::to_value(core.learn(&core_world, &s, None).unwrap()).unwrap();
    same_json("learned", &plain_json(&view), &want);
}
