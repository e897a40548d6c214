//! The page's world in headless Chromium: a slider move relabels the same
//! users by comparing scores with each user's logit(u), in wasm's vector
//! instructions, and must give the bytes a fresh generation gives (which the
//! native CLI's pinned hashes check), with the score view beside them.
#![cfg(target_arch = "wasm32")]

use conversion_playground::wasm::World;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn params(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        js_sys::Reflect::get(&v, &key.into()).unwrap()
    })
}

#[wasm_bindgen_test]
fn relabelled_worlds_write_the_bytes_of_fresh_ones() {
    let mut world = World::new(params(r#"{"rows": 200000, "seed": "7"}"#)).unwrap();
    for moved in [
        r#"{"rows": 200000, "seed": "7", "weights": {"downloads_7d": 1.3}}"#,
        r#"{"rows": 200000, "seed": "7", "baseline": -4.5, "noiseSigma": 3}"#,
        r#"{"rows": 200000, "seed": "7", "baseline": 2, "noiseSigma": 0, "tierEffects": {"tier_3": -9}}"#,
    ] {
        let view = world.update(params(moved)).unwrap();
        assert_eq!(
            get(&view, "change").as_string().as_deref(),
            Some("relabelled")
        );
        let fresh = World::new(params(moved)).unwrap();
        assert!(world.csv() == fresh.csv(), "{moved}");
        let fresh_view = fresh.view().unwrap();
        for path in [
            "summary.conversions",
            "scores.meanScore",
            "scores.spreadScore",
            "scores.rateAtMeanScore",
        ] {
            assert_eq!(
                get(&view, path).as_f64(),
                get(&fresh_view, path).as_f64(),
                "{moved}: {path}"
            );
        }
        let counts = |v: &JsValue| js_sys::JSON::stringify(&get(v, "scores.scores")).unwrap();
        assert_eq!(counts(&view), counts(&fresh_view), "{moved}");
    }
}

/// The lessons' "who flipped" in the browser: the converters a move added
/// are those the relabelled world counts beyond the world before it, and
/// other users or a bad parameter are refused by field.
#[wasm_bindgen_test]
fn a_world_says_who_a_move_flipped_in_the_browser() {
    let before = r#"{"rows": 20000, "seed": "7"}"#;
    let mut world = World::new(params(before)).unwrap();
    let converted = get(&world.view().unwrap(), "summary.conversions")
        .as_f64()
        .unwrap();
    let moved = world
        .update(params(
            r#"{"rows": 20000, "seed": "7", "weights": {"downloads_7d": 1.2}}"#,
        ))
        .unwrap();
    let now = get(&moved, "summary.conversions").as_f64().unwrap();
    let flips = world.flips(params(before)).unwrap();
    assert_eq!(get(&flips, "stopped").as_f64(), Some(0.0));
    assert_eq!(get(&flips, "started").as_f64(), Some(now - converted));
    assert!(get(&flips, "smallest.downloads_7d").as_f64().unwrap() >= 1.0);
    let other = world
        .flips(params(r#"{"rows": 20000, "seed": "8"}"#))
        .unwrap_err();
    assert_eq!(get(&other, "field").as_string().as_deref(), Some("before"));
    let bad = world
        .flips(params(r#"{"rows": 20000, "noiseSigma": -1}"#))
        .unwrap_err();
    assert!(get(&bad, "field").as_string().is_some());
}
