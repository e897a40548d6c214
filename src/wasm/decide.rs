//! The decisions behind an opaque handle: a model's evaluation users ranked
//! once ([`Decisions`]), read at any thresholds and economics while a person
//! drags them, one user's what-if, and the scored users as a CSV.

use wasm_bindgen::prelude::*;

use super::model::{fit_options, put_profit_points, take_profit_points, thresholds};
use super::typed::{put, Columns};
use super::{blob_of, field_error, read_value, to_js, FixedModel, ModelFit, World};
use crate::decide::bands::Thresholds;
use crate::decide::board::DecisionBoard;
use crate::decide::board::DecisionView;
use crate::decide::economics::{Economics, MAX_AMOUNT};
use crate::decide::ranking::GainPoint;
use crate::decide::ranking::{HISTOGRAM_BINS, LIFT_SHARES};
use crate::model::{decisions_on_world, included, scored_csv_on_world};
use crate::scoring::user_from_json;
use crate::world::base_rate::REALISTIC_RATE;

#[wasm_bindgen(typescript_custom_section)]
const TS_DECIDE: &'static str = r#"
/** The decisions' starting points, from the core. */
export interface DecideDefaults {
  thresholds: Thresholds;
  economics: Economics;
  /** The largest value per conversion or cost per contact accepted. */
  maxAmount: number;
  /** The shares of users lift is reported at (the top 10%, 20%, 30%). */
  liftShares: number[];
  histogramBins: number;
  /** The realistic base rate of the target-rate preset. */
  realisticRate: number;
}
/** What policies' profits are judged by: q(x) on generated data, the labels on imported data. */
export type JudgedBy = "truth" | "labels";
/** The predicted probabilities' histogram as columns: bin i holds [lower[i], upper[i]) (the last includes 1). */
export interface ProbabilityColumns { lower: Float64Array; upper: Float64Array; converted: Uint32Array; notConverted: Uint32Array; }
export interface ProfitCurve { points: ProfitColumns; best: ProfitPoint; }
export interface Policies {
  economics: Economics;
  /** Contacting everyone the model puts at or above each threshold. */
  model: ProfitCurve;
  everyone: number;
  nobody: number;
  /** Ranking by q(x): the best any model of the signals can do (generated data). */
  bestPossible: ProfitCurve | null;
  /** Ranking by each user's own p, judged by p: unreachable (generated data). */
  oracle: ProfitCurve | null;
}
/** Cumulative gains as columns: point i contacts shareContacted[i] of the users and finds shareOfConversions[i] of the converters. */
export interface GainColumns { shareContacted: Float64Array; shareOfConversions: Float64Array; }
export interface DecisionView {
  users: number; conversions: number; inSample: boolean; judgedBy: JudgedBy;
  histogram: ProbabilityColumns; thresholds: Thresholds; bands: Band[]; policies: Policies | null;
  gains: GainColumns; oracleGains: GainColumns | null; lift: Gain[];
}
export type NoChange = "left_out" | "no_weight" | "outside_contract";
export interface SignalChange {
  signal: Signal; from: number; to: number | null; change: number | null; changeSd: number | null;
  probability: number | null; beyondTraining: boolean; none: NoChange | null;
}
export interface NextBand { segment: Segment; threshold: number; changes: SignalChange[]; smallest: Signal | null; }
export interface Extrapolation { signal: Signal; value: number; min: number; max: number; }
export interface WhatIf {
  scored: Scored;
  /** q(x) for such a user: their own noise averaged out (generated data only). */
  trueProbability: number | null;
  nextBand: NextBand | null;
  beyondTraining: Extrapolation[];
}
"#;

/// The decisions' defaults (`DecideDefaults`): the band thresholds, the
/// economics, the money bound, the lift shares and the target-rate preset.
#[wasm_bindgen(js_name = decideDefaults, unchecked_return_type = "DecideDefaults")]
pub fn decide_defaults() -> Result<JsValue, JsValue> {
    to_js(&serde_json::json!({
        "thresholds": Thresholds::default(),
        "economics": Economics::default(),
        "maxAmount": MAX_AMOUNT,
        "liftShares": LIFT_SHARES,
        "histogramBins": HISTOGRAM_BINS,
        "realisticRate": REALISTIC_RATE,
    }))
}

/// Economics from a JS object (`Economics`), checked; null for none.
fn economics(value: JsValue) -> Result<Option<Economics>, JsValue> {
    let value = read_value(value, "economics")?;
    if value.is_null() {
        return Ok(None);
    }
    Economics::from_value(&value, "economics")
        .map(Some)
        .map_err(|e| field_error(&e))
}

/// A `DecisionView` for the page: the histogram, the gains and the profit
/// curves as columns of typed arrays.
fn decision_view_js(mut view: DecisionView) -> Result<JsValue, JsValue> {
    let histogram = std::mem::take(&mut view.histogram);
    let gains = std::mem::take(&mut view.gains);
    let oracle_gains = view.oracle_gains.as_mut().map(std::mem::take);
    let points = view.policies.as_mut().map(take_profit_points);
    let out = to_js(&view)?;
    let bins = Columns::of(&histogram)
        .float("lower", |b| b.lower)
        .float("upper", |b| b.upper)
        .count("converted", |b| b.converted)
        .count("notConverted", |b| b.not_converted)
        .build();
    put(&out, "histogram", &bins);
    put(&out, "gains", &gain_columns(&gains));
    if let Some(oracle) = oracle_gains {
        put(&out, "oracleGains", &gain_columns(&oracle));
    }
    if let Some(points) = points {
        put_profit_points(&super::typed::field(&out, "policies"), &points);
    }
    Ok(out)
}

fn gain_columns(gains: &[GainPoint]) -> JsValue {
    Columns::of(gains)
        .float("shareContacted", |g| g.share_contacted)
        .float("shareOfConversions", |g| g.share_of_conversions)
        .build()
}

/// A model's decisions on a world's evaluation users, ranked once.
#[wasm_bindgen]
pub struct Decisions {
    board: DecisionBoard,
}

#[wasm_bindgen]
impl Decisions {
    /// The live fit's decisions on its own world's evaluation users (the
    /// ones `evaluate` measures). Another world is refused.
    #[wasm_bindgen(js_name = ofFit)]
    pub fn of_fit(fit: &ModelFit, world: &World) -> Result<Decisions, JsValue> {
        let board = fit
            .live()
            .decisions(world.inner())
            .map_err(|e| field_error(&e))?;
        Ok(Decisions { board })
    }

    /// A frozen or imported model's decisions on `world`'s held-out users
    /// under the split `split` (a `FitOptions`), as `evaluateOnWorld`
    /// measures it.
    #[wasm_bindgen(js_name = ofFixed)]
    pub fn of_fixed(
        model: &FixedModel,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "FitOptions | undefined")] split: JsValue,
    ) -> Result<Decisions, JsValue> {
        let split = fit_options(split)?;
        let a = model.artifact();
        let std_dev = std::array::from_fn(|j| a.scaler.std_dev[j]);
        let used = included(&a.training.fit.leave_out);
        let board = decisions_on_world(&a.weights(), &std_dev, &used, world.inner(), &split);
        Ok(Decisions { board })
    }

    /// The decisions at `thresholds` (a `Thresholds`) and, when given,
    /// `economics` (an `Economics`): bands, every policy's worth, gains,
    /// lift and the histogram (`DecisionView`). Errors name the field.
    #[wasm_bindgen(unchecked_return_type = "DecisionView")]
    pub fn view(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Partial<Thresholds> | undefined")]
        thresholds_js: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Economics | undefined")] economics_js: JsValue,
    ) -> Result<JsValue, JsValue> {
        let thresholds = thresholds(thresholds_js)?;
        let economics = economics(economics_js)?;
        decision_view_js(self.board.view(thresholds, economics))
    }

    /// One user (`UserSignals`) at `thresholds`: the model's probability,
    /// segment and pushes, q(x) for such a user, the smallest change to the
    /// next band and what is beyond the training data (`WhatIf`).
    #[wasm_bindgen(js_name = whatIf, unchecked_return_type = "WhatIf")]
    pub fn what_if(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserSignals")] user: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Partial<Thresholds> | undefined")]
        thresholds_js: JsValue,
    ) -> Result<JsValue, JsValue> {
        let thresholds = thresholds(thresholds_js)?;
        let user = user_from_json(&read_value(user, "user")?).map_err(|e| field_error(&e))?;
        to_js(&self.board.what_if(&thresholds, &user))
    }
}

/// Every user of the live fit's world scored, as `conversion score --model
/// M --format csv` writes them for its model file and the world's CSV: a
/// `text/csv` Blob, ready to download.
#[wasm_bindgen(js_name = scoredCsvOfFit)]
pub fn scored_csv_of_fit(
    fit: &ModelFit,
    world: &World,
    #[wasm_bindgen(unchecked_param_type = "Partial<Thresholds> | undefined")]
    thresholds_js: JsValue,
) -> Result<web_sys::Blob, JsValue> {
    let thresholds = thresholds(thresholds_js)?;
    let bytes = fit
        .live()
        .scored_csv(world.inner(), &thresholds)
        .map_err(|e| field_error(&e))?;
    blob_of(&bytes, "text/csv")
}

/// Every user of `world` scored by a frozen or imported model, `held_out`
/// marking the split `split` (a `FitOptions`): a `text/csv` Blob.
#[wasm_bindgen(js_name = scoredCsvOfFixed)]
pub fn scored_csv_of_fixed(
    model: &FixedModel,
    world: &World,
    #[wasm_bindgen(unchecked_param_type = "FitOptions | undefined")] split: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Partial<Thresholds> | undefined")]
    thresholds_js: JsValue,
) -> Result<web_sys::Blob, JsValue> {
    let split = fit_options(split)?;
    let thresholds = thresholds(thresholds_js)?;
    let bytes = scored_csv_on_world(
        &model.artifact().weights(),
        world.inner(),
        &split,
        &thresholds,
    );
    blob_of(&bytes, "text/csv")
}
