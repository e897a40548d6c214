//! Hostile and malformed input across the wasm boundary, in headless
//! Chromium: every refusal names its field, and the module keeps working.
#![cfg(target_arch = "wasm32")]

use conversion_playground::wasm::{ModelFit, World};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &key.into()).unwrap()
}

fn set(object: &JsValue, key: &str, value: JsValue) {
    js_sys::Reflect::set(object, &key.into(), &value).unwrap();
}

/// The error's field and message.
fn refusal(error: JsValue) -> (String, String) {
    let field = get(&error, "field").as_string().unwrap_or_default();
    (field, js_sys::Error::from(error).message().into())
}

#[wasm_bindgen_test]
fn a_list_is_not_a_parameters_object() {
    let (field, message) = refusal(World::new(js("[1, 3]")).err().unwrap());
    assert_eq!(field, "parameters");
    assert_eq!(
        message,
        "parameters must be an object with named fields (got a list)"
    );
}

#[wasm_bindgen_test]
fn nan_and_infinity_are_named_not_read_as_null() {
    let params = js(r#"{"rows": 100}"#);
    set(&params, "baseline", JsValue::from_f64(f64::NAN));
    let (field, message) = refusal(World::new(params).err().unwrap());
    assert_eq!(field, "baseline");
    assert_eq!(message, "baseline must be a number (got \"NaN\")");

    let weights = js("{}");
    set(
        &weights,
        "sessions_7d",
        JsValue::from_f64(f64::NEG_INFINITY),
    );
    let params = js("{}");
    set(&params, "weights", weights);
    let (field, message) = refusal(World::new(params).err().unwrap());
    assert_eq!(field, "weights.sessions_7d");
    assert_eq!(
        message,
        "weights.sessions_7d must be a number (got \"-infinity\")"
    );

    let world = World::new(js(r#"{"rows": 2000}"#)).unwrap();
    let mut fit = ModelFit::new(&world, JsValue::UNDEFINED).unwrap();
    fit.run().unwrap();
    let options = js("{}");
    set(&options, "threshold", JsValue::from_f64(f64::NAN));
    let (field, message) = refusal(fit.evaluate(&world, options).err().unwrap());
    assert_eq!(field, "threshold");
    assert_eq!(message, "threshold must be a number (got \"NaN\")");
    let money = js(r#"{"economics": {"valuePerConversion": 1e308, "costPerContact": 0}}"#);
    let (field, message) = refusal(fit.evaluate(&world, money).err().unwrap());
    assert_eq!(field, "valuePerConversion");
    assert_eq!(
        message,
        "valuePerConversion must be an amount from 0 to 10,000,000 (got \"1e308\")"
    );
    assert!(
        World::new(js(r#"{"rows": 100}"#)).is_ok(),
        "a normal call still works"
    );
}
