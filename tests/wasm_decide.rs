//! The decisions across the wasm boundary, in headless Chromium: the ranked
//! users read at any policy give the native evaluation's bands and profits
//! bit for bit (tests/support/golden_model.rs), a what-if user is
//! `conversion score`'s, the scored users CSV is the native bytes, and a CSV
//! imported in chunks becomes the world, or, refused, leaves it untouched
//! with its problems listed.
#![cfg(target_arch = "wasm32")]

#[path = "support/golden_model.rs"]
mod golden_model;

use conversion_playground::decide::bands::Thresholds;
use conversion_playground::decide::scored_csv::scored_csv;
use conversion_playground::model::{fit, FitParams};
use conversion_playground::wasm::{
    scored_csv_of_fit, CsvImport, Decisions, FixedModel, ModelFit, World,
};
use conversion_playground::world::contract::MAX_ROWS_IN_MEMORY;
use conversion_playground::world::csv_write::to_csv;
use conversion_playground::world::generator::generate;
use conversion_playground::world::params::{GeneratorParams, Seed};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &key.into()).unwrap()
}

fn number(value: &JsValue, key: &str) -> f64 {
    get(value, key)
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number"))
}

fn text(value: &JsValue, key: &str) -> String {
    get(value, key).as_string().unwrap_or_default()
}

fn fitted(world: &World) -> ModelFit {
    let mut live = ModelFit::new(world, JsValue::UNDEFINED).unwrap();
    live.run().unwrap();
    live
}

#[wasm_bindgen_test]
fn decisions_read_at_any_policy_are_the_native_evaluations() {
    let world = World::new(js(golden_model::WORLD_JSON)).unwrap();
    let live = fitted(&world);
    let decisions = Decisions::of_fit(&live, &world).unwrap();
    let view = decisions
        .view(
            JsValue::UNDEFINED,
            js(r#"{"valuePerConversion": 10, "costPerContact": 8}"#),
        )
        .unwrap();
    assert_eq!(number(&view, "users") as usize, golden_model::USERS);
    assert_eq!(text(&view, "judgedBy"), "truth");
    let bands = js_sys::Array::from(&get(&view, "bands"));
    for (k, band) in bands.iter().enumerate() {
        assert_eq!(number(&band, "users") as usize, golden_model::BAND_USERS[k]);
        assert_eq!(
            number(&band, "conversions") as usize,
            golden_model::BAND_CONVERSIONS[k]
        );
        assert_eq!(
            number(&band, "expectedProfit").to_bits(),
            golden_model::BAND_PROFIT[k].to_bits()
        );
    }
    let best = get(&get(&get(&view, "policies"), "model"), "best");
    assert_eq!(number(&best, "threshold"), golden_model::BEST_THRESHOLD);
    assert_eq!(
        number(&best, "expectedProfit").to_bits(),
        golden_model::BEST_PROFIT.to_bits()
    );
    // The histogram holds every held-out user once.
    let histogram = get(&view, "histogram");
    let column = |key: &str| -> Vec<u32> {
        wasm_bindgen::JsCast::unchecked_into::<js_sys::Uint32Array>(get(&histogram, key)).to_vec()
    };
    let total: f64 = column("converted")
        .iter()
        .zip(column("notConverted"))
        .map(|(&c, n)| f64::from(c) + f64::from(n))
        .sum();
    assert_eq!(total as usize, golden_model::USERS);
    // Other thresholds: the bands still partition the users.
    let moved = decisions
        .view(js(r#"{"high": 0.95, "medium": 0.9}"#), JsValue::UNDEFINED)
        .unwrap();
    let users: f64 = js_sys::Array::from(&get(&moved, "bands"))
        .iter()
        .map(|b| number(&b, "users"))
        .sum();
    assert_eq!(users as usize, golden_model::USERS);
    assert!(get(&moved, "policies").is_null());
    // A refused policy names its field.
    let err = decisions
        .view(
            JsValue::UNDEFINED,
            js(r#"{"valuePerConversion": 1e8, "costPerContact": 1}"#),
        )
        .unwrap_err();
    assert_eq!(text(&err, "field"), "valuePerConversion");
    let err = decisions
        .view(js(r#"{"high": 0.3, "medium": 0.5}"#), JsValue::UNDEFINED)
        .unwrap_err();
    assert_eq!(text(&err, "field"), "thresholds.medium");
}

/// A Blob's bytes.
async fn bytes_of(blob: web_sys::Blob) -> Vec<u8> {
    let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
        .await
        .unwrap();
    js_sys::Uint8Array::new(&buffer).to_vec()
}

#[wasm_bindgen_test]
async fn a_what_if_user_is_conversion_scores_and_the_scored_csv_is_the_native_bytes() {
    let world = World::new(js(golden_model::WORLD_JSON)).unwrap();
    let live = fitted(&world);
    let decisions = Decisions::of_fit(&live, &world).unwrap();
    let what_if = decisions
        .what_if(js(golden_model::USER_JSON), JsValue::UNDEFINED)
        .unwrap();
    let scored = get(&what_if, "scored");
    assert_eq!(
        number(&scored, "score").to_bits(),
        golden_model::USER_SCORE.to_bits()
    );
    assert_eq!(
        number(&scored, "probability").to_bits(),
        golden_model::USER_PROBABILITY.to_bits()
    );
    let q = number(&what_if, "trueProbability");
    assert!(q > 0.9 && q < 1.0, "q(x) of a keen user: {q}");
    assert!(get(&what_if, "nextBand").is_null(), "already high intent");
    let err = decisions
        .what_if(js(r#"{"days_since_signup": 0}"#), JsValue::UNDEFINED)
        .unwrap_err();
    assert_eq!(text(&err, "field"), "days_since_signup");

    let params = GeneratorParams {
        rows: golden_model::ROWS,
        seed: Seed(golden_model::SEED),
        ..Default::default()
    };
    let data = generate(&params.validate(MAX_ROWS_IN_MEMORY).unwrap());
    let (model, split) = fit(&data, &FitParams::default()).unwrap();
    let native = scored_csv(&data, &model.weights(), &Thresholds::default(), &split);
    let blob = scored_csv_of_fit(&live, &world, JsValue::UNDEFINED).unwrap();
    assert_eq!(blob.type_(), "text/csv");
    let page = bytes_of(blob).await;
    assert!(
        page == native,
        "the page's scored users are the CLI's bytes"
    );
}

#[wasm_bindgen_test]
fn an_imported_csv_becomes_the_world_and_a_bad_one_leaves_it() {
    let mut world = World::new(js(golden_model::WORLD_JSON)).unwrap();
    let before = world.view().unwrap();
    // A bad file, fed in small chunks: refused, its problems listed.
    let mut bad = CsvImport::new();
    let text_bad = format!(
        "{}\n3,1,1.00,0,0,tier_1,1\n3,1,1.00,0,0,tier_9,1\n0,1,1.00,0,0,tier_1,1\n",
        conversion_playground::world::contract::CSV_HEADER
    );
    for chunk in text_bad.as_bytes().chunks(7) {
        bad.feed(chunk);
    }
    let err = world.import_csv(bad).unwrap_err();
    assert_eq!(text(&err, "field"), "file");
    assert_eq!(number(&err, "total"), 2.0);
    let problems: Vec<String> = js_sys::Array::from(&get(&err, "problems"))
        .iter()
        .map(|p| p.as_string().unwrap())
        .collect();
    assert!(problems[0].starts_with("line 3, column 6 (country_tier): must be tier_1"));
    assert!(problems[1].starts_with("line 4, column 1 (days_since_signup): must be at least 1"));
    assert!(!world.imported());
    assert_eq!(
        js_sys::JSON::stringify(&world.view().unwrap()).unwrap(),
        js_sys::JSON::stringify(&before).unwrap(),
        "the world is untouched"
    );

    // A good file (CRLF, the pipeline's Tier_1): the world, with no truth.
    let data = generate(
        &GeneratorParams {
            rows: 3_000,
            seed: Seed(5),
            ..Default::default()
        }
        .validate(MAX_ROWS_IN_MEMORY)
        .unwrap(),
    );
    let file = String::from_utf8(to_csv(&data))
        .unwrap()
        .replace('\n', "\r\n")
        .replace("tier_1", "Tier_1");
    let mut good = CsvImport::new();
    for chunk in file.as_bytes().chunks(4_096) {
        assert!(good.feed(chunk));
    }
    assert_eq!(good.rows(), 3_000);
    let view = world.import_csv(good).unwrap();
    assert!(world.imported());
    assert_eq!(get(&view, "imported").as_bool(), Some(true));
    assert!(get(&view, "scores").is_null());
    assert_eq!(number(&get(&view, "summary"), "rows"), 3_000.0);
    assert_eq!(
        number(&get(&view, "summary"), "conversions") as usize,
        data.conversions()
    );
    assert!(
        world.csv() == to_csv(&data),
        "read back as the contract writes it"
    );
    // Its model is judged by the labels, and nothing needs the truth.
    let live = fitted(&world);
    let view = Decisions::of_fit(&live, &world)
        .unwrap()
        .view(
            JsValue::UNDEFINED,
            js(r#"{"valuePerConversion": 10, "costPerContact": 8}"#),
        )
        .unwrap();
    assert_eq!(text(&view, "judgedBy"), "labels");
    assert!(get(&get(&view, "policies"), "bestPossible").is_null());
    assert!(get(&view, "oracleGains").is_null());
    let err = conversion_playground::wasm::baseline_for_rate(&world, 0.05).unwrap_err();
    assert_eq!(text(&err, "field"), "targetRate");
    // A frozen model decides on it explicitly, with the page's split.
    let frozen: FixedModel = live.freeze(&world);
    let fixed = Decisions::of_fixed(&frozen, &world, js(r#"{"testFraction": 0.5}"#)).unwrap();
    let users = number(
        &fixed.view(JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap(),
        "users",
    );
    assert_eq!(users, 1_500.0);
}
