//! The generated world behind an opaque handle.

use wasm_bindgen::prelude::*;

use super::typed::{counts, field, floats, item, put};
use super::{blob_of, checked, field_error, to_js};
use crate::world::csv_write::to_csv;
use crate::world::score_view::ScoreView;
use crate::world::session;

#[wasm_bindgen(typescript_custom_section)]
const TS_WORLD: &'static str = r#"
/** The score → probability picture: the S-curve and the users' scores under it. */
export interface ScoreView {
  /** Left edge of the score axis (log-odds) and each bin's width. */
  start: number;
  width: number;
  /** Users per bin of their systematic score s(x), what the signals explain. */
  systematic: Uint32Array;
  /** Users per bin of their score with noise, s(x) + σ·z. */
  scores: Uint32Array;
  /** Users left of the axis and right of it. */
  systematicOutside: [number, number];
  scoresOutside: [number, number];
  meanSystematic: number;
  /** Standard deviation of the systematic scores. */
  spreadSystematic: number;
  meanScore: number;
  spreadScore: number;
  /** sigmoid(mean score): the curve at the average user. */
  rateAtMeanScore: number;
  /** The share of users who convert: what the curve makes of them. */
  conversionRate: number;
  /** Where most users sit on the S. */
  sits: "top" | "bottom" | "middle";
  /** The S-curve: curve[i] = sigmoid(start + i·curveStep). */
  curveStep: number;
  curve: Float64Array;
}
/** The five behavioural signals of a user, or a bound on them over users. */
export type SignalValues = Record<Signal, number>;
/** A user a move flipped: their probability crossed their own draw u. */
export interface FlippedUser {
  /** From 0; the page numbers users from 1. */
  user: number;
  signals: SignalValues;
  countryTier: TierName;
  probabilityBefore: number;
  probabilityAfter: number;
  draw: number;
  /** Converted after the move (and so not before). */
  converted: boolean;
}
/** What a move of the score parameters did to the same users. */
export interface Flips {
  users: number;
  /** Users whose score moved at all. */
  moved: number;
  /** Users who convert after the move and did not before, and the reverse. */
  started: number;
  stopped: number;
  /** Flipped users whose score did not move: none, since each draw is the user's own. */
  flippedUnmoved: number;
  /** Each signal's smallest and largest value among the flipped users (null when no one flipped). */
  smallest: SignalValues | null;
  largest: SignalValues | null;
  /** The first flipped users, in user order. */
  examples: FlippedUser[];
}
"#;

/// A `View` for the page: the histograms' edges and counts and the score
/// picture's counts and S-curve as typed arrays, the rest as serde objects.
pub(crate) fn view_js(mut view: session::View) -> Result<JsValue, JsValue> {
    let bulk: Vec<_> = view
        .histograms
        .iter_mut()
        .map(|h| {
            (
                std::mem::take(&mut h.edges),
                std::mem::take(&mut h.users),
                std::mem::take(&mut h.conversions),
            )
        })
        .collect();
    // The score picture is borrowed: serialize a copy without its arrays.
    let full = view.scores;
    let light = full.map(|s| ScoreView {
        systematic: Vec::new(),
        scores: Vec::new(),
        curve: Vec::new(),
        ..s.clone()
    });
    let mut view = view;
    view.scores = light.as_ref();
    let out = to_js(&view)?;
    let histograms = field(&out, "histograms");
    for (i, (edges, users, conversions)) in bulk.iter().enumerate() {
        let h = item(&histograms, i);
        put(&h, "edges", &floats(edges));
        put(&h, "users", &counts(users));
        put(&h, "conversions", &counts(conversions));
    }
    if let Some(s) = full {
        let scores = field(&out, "scores");
        put(&scores, "systematic", &counts(&s.systematic));
        put(&scores, "scores", &counts(&s.scores));
        put(&scores, "curve", &floats(&s.curve));
    }
    Ok(out)
}

/// A generated dataset and the parameters that made it.
#[wasm_bindgen]
pub struct World {
    inner: session::World,
}

impl World {
    /// The core world, for other handles (the model) to read.
    pub(crate) fn inner(&self) -> &session::World {
        &self.inner
    }

    /// Puts other users in place of these (an import).
    pub(crate) fn replace(&mut self, inner: session::World) {
        self.inner = inner;
    }
}

#[wasm_bindgen]
impl World {
    /// Generates the users described by `params` (a `GeneratorParams`
    /// object). Fails, naming the parameter, when one is invalid.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "GeneratorParams")] params: JsValue,
    ) -> Result<World, JsValue> {
        Ok(World {
            inner: session::World::new(checked(params)?),
        })
    }

    /// Moves the world to new parameters and returns the new `View`: the
    /// same users relabelled when only score parameters changed, new users
    /// otherwise. On error nothing changes.
    #[wasm_bindgen(unchecked_return_type = "View")]
    pub fn update(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "GeneratorParams")] params: JsValue,
    ) -> Result<JsValue, JsValue> {
        let change = self.inner.update(checked(params)?);
        view_js(self.inner.view(Some(change)))
    }

    /// The current `View`: summary, histograms, expected statistics, first rows.
    #[wasm_bindgen(unchecked_return_type = "View")]
    pub fn view(&self) -> Result<JsValue, JsValue> {
        view_js(self.inner.view(None))
    }

    /// Who moving from `before` (a `GeneratorParams` that draws the same
    /// users) to the parameters now flipped (`Flips`). Refused, naming the
    /// field, for other users or imported ones.
    #[wasm_bindgen(unchecked_return_type = "Flips")]
    pub fn flips(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GeneratorParams")] before: JsValue,
    ) -> Result<JsValue, JsValue> {
        let flips = self
            .inner
            .flips_since(&checked(before)?)
            .map_err(|e| field_error(&e))?;
        to_js(&flips)
    }

    /// Number of users.
    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> usize {
        self.inner.data().len()
    }

    /// Share of users who converted, 0..1.
    #[wasm_bindgen(js_name = conversionRate)]
    pub fn conversion_rate(&self) -> f64 {
        self.inner.data().conversion_rate()
    }

    /// The contract CSV, byte for byte what `conversion generate` writes.
    pub fn csv(&self) -> Vec<u8> {
        to_csv(self.inner.data())
    }

    /// The same CSV as a `text/csv` Blob, ready to download.
    #[wasm_bindgen(js_name = csvBlob)]
    pub fn csv_blob(&self) -> Result<web_sys::Blob, JsValue> {
        blob_of(&to_csv(self.inner.data()), "text/csv")
    }
}
