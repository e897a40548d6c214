//! The page's typed arrays read back in the shape the core serializes
//! (issue 15): a JS result becomes JSON with every typed array a list of
//! numbers and every object of columns a list of records again, so it can be
//! compared value for value with `serde_json::to_value` of the core's own
//! result for the same users.
#![allow(dead_code)]

use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// `value` as JSON, typed arrays as plain lists (numbers written shortest
/// round-trip and read back exactly).
pub fn plain_json(value: &JsValue) -> Value {
    let replacer =
        Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(|_k: JsValue, v: JsValue| {
            if v.is_instance_of::<js_sys::Float64Array>()
                || v.is_instance_of::<js_sys::Uint32Array>()
            {
                js_sys::Array::from(&v).into()
            } else {
                v
            }
        });
    let text: String = js_sys::JSON::stringify_with_replacer(value, replacer.as_ref())
        .unwrap()
        .into();
    serde_json::from_str(&text).unwrap()
}

/// The value at `path` (dot-separated keys; `*` for every item of a list).
fn each<'a>(value: &'a mut Value, path: &[&str], f: &mut dyn FnMut(&mut Value)) {
    match path.split_first() {
        None => f(value),
        Some((&"*", rest)) => {
            if let Value::Array(items) = value {
                for item in items {
                    each(item, rest, f);
                }
            }
        }
        Some((key, rest)) => {
            if let Some(next) = value.get_mut(*key) {
                each(next, rest, f);
            }
        }
    }
}

/// Turns the object of columns at `path` back into a list of records:
/// `{a: [1, 2], b: [3, 4]}` becomes `[{a: 1, b: 3}, {a: 2, b: 4}]`. Null
/// (an absent curve) stays null.
pub fn rows_at(value: &mut Value, path: &str) {
    let path: Vec<&str> = path.split('.').collect();
    each(value, &path, &mut |columns| {
        let Value::Object(map) = columns else { return };
        let len = map
            .values()
            .next()
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let rows = (0..len)
            .map(|i| {
                let record: Map<String, Value> = map
                    .iter()
                    .map(|(k, column)| (k.clone(), column[i].clone()))
                    .collect();
                Value::Object(record)
            })
            .collect();
        *columns = Value::Array(rows);
    });
}

/// Asserts the field at `path` is a JS `Float64Array` (`"f64"`) or
/// `Uint32Array` (`"u32"`).
pub fn assert_typed(value: &JsValue, path: &str, kind: &str) {
    let field = path
        .split('.')
        .fold(value.clone(), |v, key| match key.parse::<u32>() {
            Ok(i) => v.unchecked_ref::<js_sys::Array>().get(i),
            Err(_) => js_sys::Reflect::get(&v, &key.into()).unwrap(),
        });
    let typed = match kind {
        "f64" => field.is_instance_of::<js_sys::Float64Array>(),
        "u32" => field.is_instance_of::<js_sys::Uint32Array>(),
        _ => unreachable!("a kind is f64 or u32"),
    };
    assert!(typed, "{path} is not a {kind} typed array");
}

/// Asserts two JSON values are equal, numbers compared as f64 bits (so 1
/// and 1.0 match), naming the first path that differs.
pub fn same_json(path: &str, got: &Value, want: &Value) {
    match (got, want) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            assert!(a.to_bits() == b.to_bits(), "{path}: {a} vs {b}");
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{path}: lengths");
            for (k, (x, y)) in a.iter().zip(b).enumerate() {
                same_json(&format!("{path}[{k}]"), x, y);
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            let keys = |o: &Map<String, Value>| o.keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(a), keys(b), "{path}: fields");
            for (k, x) in a {
                same_json(&format!("{path}.{k}"), x, &b[k]);
            }
        }
        _ => assert_eq!(got, want, "{path}"),
    }
}
