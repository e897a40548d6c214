//! The `#[wasm_bindgen]` layer: a thin shell over the core for the page,
//! compiled for `wasm32` only.
//!
//! Long-lived data stays in Rust behind opaque handles ([`World`],
//! [`ModelFit`], [`FixedModel`], [`Truth`], [`Decisions`], [`CsvImport`]);
//! JS gets small results back: bulk numbers for charts as typed arrays
//! (`typed`), the rest as serde objects. Input crosses as JSON (read by
//! the core's [`crate::input`], so messages are plain and nesting is
//! bounded); every failure reaches JS as an `Error` whose `field` and
//! `problem` properties say what was wrong, so the page routes it to its
//! control without parsing the message. No maths lives here.

mod decide;
mod import;
mod model;
mod truth;
mod typed;
mod uplift;
mod world;

pub use decide::{decide_defaults, scored_csv_of_fit, scored_csv_of_fixed, Decisions};
pub use import::CsvImport;
pub use model::{baseline_for_rate, model_defaults, FixedModel, ModelFit};
pub use truth::{reroll_seed, Truth};
pub use uplift::{uplift_defaults, UpliftLab};
pub use world::World;

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::errors::FieldError;
use crate::world::contract::{CONTRACT_VERSION, MAX_ROWS_IN_MEMORY};
use crate::world::params::{GeneratorParams, ValidParams};
use crate::world::schema;

#[wasm_bindgen(typescript_custom_section)]
const TS_SHAPES: &'static str = r#"
/** What every error thrown by this module carries besides its message. */
export interface FieldError extends Error {
  /** The input at fault: a parameter path (`weights.sessions_7d`), an option (`testFraction`), a signal. */
  field: string;
  /** What is wrong, in words that follow the field's name. */
  problem: string;
}

type Signal = "days_since_signup" | "sessions_7d" | "content_hours_7d" | "downloads_7d" | "paywall_views_7d";
type TierName = "tier_1" | "tier_2" | "tier_3";

/** Generator parameters (the contract's defaults when a field is left out). */
export interface GeneratorParams {
  contractVersion?: number;
  /** Number of users, 1 ..= maxRows(). */
  rows?: number;
  /** Any unsigned 64-bit integer, as a decimal string (exact above 2^53). */
  seed?: string;
  /** Baseline log-odds b0. */
  baseline?: number;
  /** Noise σ inside the logistic. */
  noiseSigma?: number;
  weights?: Partial<Record<Signal, number>>;
  tierEffects?: Partial<Record<TierName, number>>;
  tierMix?: Partial<Record<TierName, number>>;
  distributions?: {
    days_since_signup?: { min?: number; max?: number };
    sessions_7d?: { lambda?: number };
    content_hours_7d?: { shape?: number; scale?: number };
    downloads_7d?: { lambda?: number };
    paywall_views_7d?: { lambda?: number };
  };
  /** An offer and its experiment (the uplift lab): absent in the contract's world. */
  offer?: OfferParams;
}

/** One parameter of the generator, as the page's controls need it. */
export interface ParamInfo {
  /** Dotted path in GeneratorParams, e.g. "weights.sessions_7d". */
  key: string;
  kind: "seed" | "whole" | "number";
  group: "world" | "score" | "weights" | "tiers" | "advanced" | "offer" | "experiment";
  label: string;
  help: string;
  /** The contract's value (a seed as a string). */
  default: number | string;
  min: number;
  max: number;
  /** True when `min` itself is not allowed. */
  minExclusive: boolean;
  /** The page's slider, for parameters moved by dragging. */
  slider: { min: number; max: number; step: number; digits: number } | null;
}

export interface ColumnStats { name: string; min: number; mean: number; stdDev: number; max: number; }
export interface TierStats { tier: TierName; users: number; conversions: number; share: number; conversionRate: number; }
/** A dataset at a glance. */
export interface Summary {
  rows: number;
  conversions: number;
  conversionRate: number;
  columns: ColumnStats[];
  tiers: TierStats[];
}
/** One numeric signal's histogram with the conversion rate per bin. */
export interface Histogram {
  column: Signal;
  /** True for a signal with whole values: bin i holds edges[i] up to, not including, edges[i + 1]. */
  integer: boolean;
  /** Lower edge of each bin. */
  edges: Float64Array;
  /** Upper edge of the last bin. */
  upper: number;
  users: Uint32Array;
  conversions: Uint32Array;
  /** Conversion rate per bin; null for an empty bin. */
  rates: (number | null)[];
  /** The rate's 95% Wilson interval per bin; null for an empty bin. */
  rateLow: (number | null)[];
  rateHigh: (number | null)[];
}
/** What the contract's distribution predicts for a column. */
export interface Expected { column: Signal; distribution: string; min: number; mean: number; stdDev: number; max: number | null; }
export interface RowView {
  days_since_signup: number; sessions_7d: number; content_hours_7d: number;
  downloads_7d: number; paywall_views_7d: number; country_tier: TierName; converted: 0 | 1;
  /** What the signals explain of the score, s(x) (generated data only, as the next three). */
  systematic: number | null;
  /** The user's own noise, σ·z. */
  noise: number | null;
  /** True conversion probability, sigmoid(s(x) + σ·z). */
  probability: number | null;
  /** The user's fixed uniform draw u: converted when u < p. */
  draw: number | null;
}
/** Everything the page draws for one state of the world. */
export interface View {
  /** How the world got here: the same users relabelled, new users, or a first look (null). */
  change: "relabelled" | "regenerated" | null;
  /** True when the users were read from a file: nothing that needs the truth is known. */
  imported: boolean;
  summary: Summary;
  /** The 95% Wilson interval of each tier's conversion rate (tier_1, tier_2, tier_3); null for an empty tier. */
  tierIntervals: ([number, number] | null)[];
  histograms: Histogram[];
  /** The users' scores under the S-curve (null for imported users). */
  scores: ScoreView | null;
  expected: Expected[];
  firstRows: RowView[];
  /** The parameters that drew the users; for imported users, the contract's defaults their columns are compared with. */
  params: Required<Omit<GeneratorParams, "offer">>;
}
"#;

/// Makes Rust panics (bugs only) readable in the browser console.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The data contract's version, written into exported files.
#[wasm_bindgen(js_name = contractVersion)]
pub fn contract_version() -> u32 {
    CONTRACT_VERSION
}

/// The most rows the page can hold in memory.
#[wasm_bindgen(js_name = maxRows)]
pub fn max_rows() -> f64 {
    MAX_ROWS_IN_MEMORY as f64
}

/// Every generator parameter with its default, bounds, slider, label and
/// help: the page builds its controls from this.
#[wasm_bindgen(js_name = parameterSchema, unchecked_return_type = "ParamInfo[]")]
pub fn parameter_schema() -> Result<JsValue, JsValue> {
    to_js(&schema::describe())
}

/// A seed drawn from the browser's `crypto.getRandomValues`, as a decimal
/// string (exact above 2^53): the page's "Random seed".
#[wasm_bindgen(js_name = randomSeed)]
pub fn random_seed() -> Result<String, JsValue> {
    crate::world::params::Seed::random()
        .map(|s| s.to_string())
        .map_err(|e| field_error(&e))
}

/// The contract's default parameters.
#[wasm_bindgen(js_name = defaultParams, unchecked_return_type = "Required<Omit<GeneratorParams, \"offer\">>")]
pub fn default_params() -> Result<JsValue, JsValue> {
    to_js(&GeneratorParams::default())
}

/// Generates the users `params` describe (the CSV's seven columns) and
/// returns how many converted, keeping nothing: the generator alone, for the
/// in-browser benchmark (`bench/`), where `new World` would also time the
/// page's aggregates.
#[wasm_bindgen(js_name = generateAndCount)]
pub fn generate_and_count(
    #[wasm_bindgen(unchecked_param_type = "GeneratorParams")] params: JsValue,
) -> Result<f64, JsValue> {
    let data = crate::world::generator::generate_observed(&checked(params)?);
    Ok(data.conversions() as f64)
}

/// Reads a JS parameters object and checks it for the page's row limit.
pub(crate) fn checked(params: JsValue) -> Result<ValidParams, JsValue> {
    let value = read_value(params, "parameters")?;
    GeneratorParams::from_value(&value)
        .and_then(|p| p.validate(MAX_ROWS_IN_MEMORY))
        .map_err(|e| field_error(&e))
}

/// A JS value as JSON, through `JSON.stringify` and the core's reader (which
/// refuses deep nesting before recursing). `undefined` reads as null; NaN
/// and ±Infinity read as the text `"NaN"`, `"infinity"`, `"-infinity"`.
pub(crate) fn read_value(value: JsValue, what: &str) -> Result<Value, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    // JSON has no NaN or infinity: JSON.stringify would write null, and the
    // message would say "got null". Write them as their names instead, so a
    // NaN is refused as `must be a number (got "NaN")`.
    let replacer =
        Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(|_key: JsValue, value: JsValue| {
            match value.as_f64() {
                Some(x) if !x.is_finite() => JsValue::from_str(&crate::errors::number(x)),
                _ => value,
            }
        });
    let text = js_sys::JSON::stringify_with_replacer(&value, replacer.as_ref())
        .map(String::from)
        .map_err(|_| {
            field_error(&crate::input::InputError::new(
                what,
                "cannot be read: it must be plain data (numbers, text, lists and objects)",
            ))
        })?;
    crate::input::parse(&text, what).map_err(|e| field_error(&e))
}

/// A core error as a JS `Error` with `field` and `problem` properties.
pub(crate) fn field_error(e: &(impl FieldError + ?Sized)) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    let _ = js_sys::Reflect::set(&error, &"field".into(), &e.field().into());
    let _ = js_sys::Reflect::set(&error, &"problem".into(), &e.problem().into());
    error.into()
}

/// `bytes` as a `Blob` of type `mime`, made in the worker from a view of
/// wasm memory: the one copy is the Blob's own (no intermediate JS array),
/// and a Blob crosses to the page without copying its bytes again.
pub(crate) fn blob_of(bytes: &[u8], mime: &str) -> Result<web_sys::Blob, JsValue> {
    // SAFETY: the view is read by the Blob constructor right here, before any
    // allocation could grow (and so move) wasm memory, and before `bytes`
    // is dropped.
    let view = unsafe { js_sys::Uint8Array::view(bytes) };
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(&view), &options)
}

/// Serializes a result as a plain JS object (maps become objects).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            js_sys::Error::new(&format!("cannot pass the result to JavaScript: {e}")).into()
        })
}
