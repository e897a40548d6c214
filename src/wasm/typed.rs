//! Bulk numbers for the page's charts and curves as typed arrays
//! (`Float64Array`, `Uint32Array`): one copy out of wasm memory into a
//! buffer of their own, which the worker then transfers to the page rather
//! than copying it again. Everything else in a result stays a serde object.
//!
//! The pattern: take the bulk vectors out of the core's result, serialize
//! the rest ([`super::to_js`]), then put each vector back as a typed array
//! under its field.

use js_sys::{Array, Float64Array, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// `values` as a `Float64Array` of its own.
pub(crate) fn floats(values: &[f64]) -> JsValue {
    Float64Array::from(values).into()
}

/// Counts as a `Uint32Array` of its own. Counts of users are at most the
/// page's row limit, far below 2^32.
pub(crate) fn counts<T: Copy + TryInto<u32>>(values: &[T]) -> JsValue {
    let narrow: Vec<u32> = values
        .iter()
        .map(|&n| n.try_into().unwrap_or(u32::MAX))
        .collect();
    Uint32Array::from(&narrow[..]).into()
}

/// `object[key]`, or undefined.
pub(crate) fn field(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Item `i` of a JS array.
pub(crate) fn item(array: &JsValue, i: usize) -> JsValue {
    array.unchecked_ref::<Array>().get(i as u32)
}

/// Sets `object[key] = value` (an object made by `to_js`, so it cannot refuse).
pub(crate) fn put(object: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// A list of small records as one object of columns, one typed array per
/// field: `{threshold: Float64Array, contacted: Uint32Array, …}` for a
/// list of `{threshold, contacted, …}`.
pub(crate) struct Columns<'a, T> {
    items: &'a [T],
    out: JsValue,
}

impl<'a, T> Columns<'a, T> {
    pub(crate) fn of(items: &'a [T]) -> Self {
        Columns {
            items,
            out: js_sys::Object::new().into(),
        }
    }

    /// A column of numbers.
    pub(crate) fn float(self, key: &str, value: impl Fn(&T) -> f64) -> Self {
        let column: Vec<f64> = self.items.iter().map(value).collect();
        put(&self.out, key, &floats(&column));
        self
    }

    /// A column of counts.
    pub(crate) fn count(self, key: &str, value: impl Fn(&T) -> usize) -> Self {
        let column: Vec<usize> = self.items.iter().map(value).collect();
        put(&self.out, key, &counts(&column));
        self
    }

    pub(crate) fn build(self) -> JsValue {
        self.out
    }
}
