//! The `#[wasm_bindgen]` layer: a thin shell over the core for the page.
//!
//! Long-lived data stays in Rust behind opaque handles ([`World`]); JS gets
//! small results back. Every fallible export returns `Result<_, JsError>`
//! whose message names what was wrong. No maths lives here.

mod model;
mod world;

pub use model::{baseline_for_rate, ModelFit};
pub use world::World;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::contract::{CONTRACT_VERSION, MAX_ROWS_IN_MEMORY};
use crate::params::{GeneratorParams, ValidParams};

#[wasm_bindgen(typescript_custom_section)]
const TS_SHAPES: &'static str = r#"
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
  weights?: Partial<Record<"days_since_signup" | "sessions_7d" | "content_hours_7d" | "downloads_7d" | "paywall_views_7d", number>>;
  tierEffects?: Record<"tier_1" | "tier_2" | "tier_3", number>;
  tierMix?: Record<"tier_1" | "tier_2" | "tier_3", number>;
  distributions?: {
    days_since_signup?: { min: number; max: number };
    sessions_7d?: { lambda: number };
    content_hours_7d?: { shape: number; scale: number };
    downloads_7d?: { lambda: number };
    paywall_views_7d?: { lambda: number };
  };
}

export interface ColumnStats { name: string; min: number; mean: number; stdDev: number; max: number; }
export interface TierStats { tier: string; users: number; conversions: number; share: number; conversionRate: number; }
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
  column: string;
  /** Lower edge of each bin. */
  edges: number[];
  /** Upper edge of the last bin. */
  upper: number;
  users: number[];
  conversions: number[];
  /** Conversion rate per bin; null for an empty bin. */
  rates: (number | null)[];
}
/** What the contract's distribution predicts for a column. */
export interface Expected { column: string; distribution: string; min: number; mean: number; stdDev: number; max: number | null; }
export interface RowView {
  days_since_signup: number; sessions_7d: number; content_hours_7d: number;
  downloads_7d: number; paywall_views_7d: number; country_tier: string; converted: 0 | 1;
  /** True conversion probability (generated data only). */
  probability: number | null;
}
/** Everything the page draws for one state of the world. */
export interface View {
  /** True when only labels moved: same users, new score parameters. */
  relabelled: boolean;
  summary: Summary;
  histograms: Histogram[];
  expected: Expected[];
  firstRows: RowView[];
  params: GeneratorParams;
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

/// The contract's default parameters.
#[wasm_bindgen(js_name = defaultParams, unchecked_return_type = "GeneratorParams")]
pub fn default_params() -> Result<JsValue, JsError> {
    to_js(&GeneratorParams::default())
}

/// Generates the users `params` describe (the CSV's seven columns) and
/// returns how many converted, keeping nothing: the generator alone, for the
/// in-browser benchmark (`bench/`), where `new World` would also time the
/// page's aggregates.
#[wasm_bindgen(js_name = generateAndCount)]
pub fn generate_and_count(
    #[wasm_bindgen(unchecked_param_type = "GeneratorParams")] params: JsValue,
) -> Result<f64, JsError> {
    let data = crate::dataset::Dataset::generate_observed(&checked(params)?);
    Ok(data.converted.iter().filter(|&&c| c).count() as f64)
}

/// Reads a JS parameters object and checks it for the page's row limit,
/// naming the offending field on error.
pub(crate) fn checked(params: JsValue) -> Result<ValidParams, JsError> {
    params_from_js(params)?
        .validate(MAX_ROWS_IN_MEMORY)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Reads a JS parameters object, naming the offending field on error.
pub(crate) fn params_from_js(value: JsValue) -> Result<GeneratorParams, JsError> {
    read_js(value, "parameters")
}

/// Reads a JS object into `T`, naming the offending field on error
/// (`weights.sessions_7d: invalid type …`). It goes through a JSON value
/// first because serde-wasm-bindgen only looks up a struct's own fields, so
/// `deny_unknown_fields` would never see a misspelt one.
pub(crate) fn read_js<T: serde::de::DeserializeOwned>(
    value: JsValue,
    what: &str,
) -> Result<T, JsError> {
    let json: serde_json::Value =
        serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("{what}: {e}")))?;
    serde_path_to_error::deserialize(json).map_err(|e| {
        let path = e.path().to_string();
        JsError::new(&if path == "." {
            format!("{what}: {}", e.inner())
        } else {
            format!("{path}: {}", e.inner())
        })
    })
}

/// Serializes a result as a plain JS object (maps become objects).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("cannot pass the result to JavaScript: {e}")))
}
