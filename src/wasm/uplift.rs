//! The uplift lab behind an opaque handle: it follows the world it is
//! given, keeps what a change does not reach, and answers with small views.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::typed::{counts, field, floats, item, put};
use super::{blob_of, field_error, read_value, to_js, World};
use crate::decide::economics::MAX_AMOUNT;
use crate::uplift::policy::OfferEconomics;
use crate::uplift::settings::{DEFAULT_BUDGET, DEFAULT_MINIMUM_EFFECT};
use crate::uplift::view::LabView;
use crate::uplift::{self, LabSettings, ModelWeights, UpliftError};

#[wasm_bindgen(typescript_custom_section)]
const TS_UPLIFT: &'static str = r#"
/** The offer and its experiment: τ(x) = effect + tierEffects[tier] + fatigue · paywall_views_7d. */
export interface OfferParams {
  effect?: number; fatigue?: number; tierEffects?: Partial<Record<TierName, number>>;
  /** Share of users the experiment treats. */
  treatedShare?: number;
  /** Any unsigned 64-bit integer, as a decimal string. */
  assignmentSeed?: string;
}
/** The lab's settings (defaults from upliftDefaults()). */
export interface UpliftSettings {
  offer?: OfferParams;
  /** Share of users offered, 0 to 1 (to the nearest percent). */
  budget?: number;
  valuePerConversion?: number; costPerContact?: number;
  /** Given to every offered user who converts, sure things included. */
  discount?: number;
  /** The smallest lift worth detecting, in percentage points. */
  minimumEffect?: number;
  thresholds?: Partial<Thresholds>;
}
export interface UpliftDefaults {
  budget: number; valuePerConversion: number; costPerContact: number; discount: number;
  minimumEffect: number; thresholds: Thresholds;
  /** The largest amount of money accepted. */
  maxAmount: number;
}
export interface GroupCounts { sureThings: number; persuadables: number; sleepingDogs: number; lostCauses: number; }
export interface TauSummary { min: number; mean: number; max: number; }
export interface ScoreChart {
  start: number; width: number;
  sureThings: Uint32Array; persuadables: Uint32Array; sleepingDogs: Uint32Array; lostCauses: Uint32Array;
  curveStep: number; without: Float64Array; with: Float64Array;
  /** The scores where the S-curve crosses the high and the medium threshold. */
  thresholdScores: [number, number];
}
export interface BandGroups {
  segment: Segment; users: number; groups: GroupCounts;
  meanPredicted: number | null; meanQ0: number | null; meanEffectPoints: number | null; wastedShare: number | null;
}
export interface UpliftBudget { step: number; share: number; users: number; }
export type UpliftPolicy = "model_probability" | "oracle" | "best_possible" | "learned" | "random";
export interface BudgetOutcome {
  offers: number; incremental: number; incrementalWithNoise: number; discounts: number; discountsWithNoise: number;
  cost: number; costWithNoise: number; profit: number; profitWithNoise: number; groups: GroupCounts;
}
export interface PolicyView {
  policy: UpliftPolicy;
  /** Conversions added by offering the first 0, 1%, …, 100% of users (101 points). */
  incremental: Float64Array; incrementalWithNoise: Float64Array; profit: Float64Array;
  qini: number; qiniWithNoise: number; atBudget: BudgetOutcome;
}
export interface ObservedQini { users: number; curve: Float64Array; qini: number; }
export interface LearnedView { treatedWeights: number[]; controlWeights: number[]; observed: ObservedQini; }
export interface Arm { users: number; conversions: number; rate: Estimate; }
export interface Analysis {
  treated: Arm; control: Arm; liftPoints: Estimate; relativeLift: Estimate | null;
  z: number; pValue: number; significant: boolean;
}
export interface PowerView {
  minimumEffectPoints: number; baselineRate: number | null; usersPerArm: number | null;
  trueBaselineRate: number; trueEffectPoints: number; usersPerArmForTrueEffect: number | null; powerForTrueEffect: number;
}
export interface ExperimentView {
  analysis: Analysis | null; problem: string | null; assignmentSeed: string; coversTruth: boolean | null; power: PowerView;
}
/** Everything the uplift lab shows. */
export interface LabView {
  users: number; groups: GroupCounts;
  meanEffectPoints: number; meanEffectWithNoisePoints: number; realizedEffectPoints: number;
  tau: TauSummary; scores: ScoreChart; bands: BandGroups[] | null; budget: UpliftBudget;
  policies: PolicyView[]; learned: LearnedView | null; learnedStale: boolean; experiment: ExperimentView;
}
export interface Rerun {
  assignmentSeed: string; treatedUsers: number; controlUsers: number; liftPoints: Estimate;
  pValue: number; detected: boolean; coversTruth: boolean;
}
/** A τ step's plan, for a helper worker taking the later half of the users. */
export interface StepPlan {
  /** The learned ranking rides along: the lab takes both halves itself. */
  learned: boolean;
  /** Only the offer's effect changed (not the world, the model or the assignment). */
  onlyOffer: boolean;
}
export interface Reruns { runs: Rerun[]; detected: number; covered: number; realizedEffectPoints: number; expectedPower: number; }
"#;

/// The lab's defaults (`UpliftDefaults`), for the page's controls.
#[wasm_bindgen(js_name = upliftDefaults, unchecked_return_type = "UpliftDefaults")]
pub fn uplift_defaults() -> Result<JsValue, JsValue> {
    let e = OfferEconomics::default();
    let t = crate::decide::bands::Thresholds::default();
    to_js(&serde_json::json!({
        "budget": DEFAULT_BUDGET,
        "valuePerConversion": e.economics.value_per_conversion,
        "costPerContact": e.economics.cost_per_contact,
        "discount": e.discount,
        "minimumEffect": DEFAULT_MINIMUM_EFFECT,
        "thresholds": { "high": t.high, "medium": t.medium },
        "maxAmount": MAX_AMOUNT,
    }))
}

fn settings(value: JsValue) -> Result<LabSettings, JsValue> {
    LabSettings::from_value(&read_value(value, "settings")?).map_err(|e| field_error(&e))
}

/// The model's weights from JS: eight finite numbers, or nothing.
fn weights(value: JsValue) -> Result<Option<ModelWeights>, JsValue> {
    let bad = || {
        field_error(&UpliftError::new(
            "model",
            "must be the model's eight weights (the seven features, then the intercept)",
        ))
    };
    match read_value(value, "model")? {
        Value::Null => Ok(None),
        Value::Array(items) if items.len() == 8 => {
            let mut w = [0.0; 8];
            for (slot, item) in w.iter_mut().zip(&items) {
                *slot = item.as_f64().filter(|x| x.is_finite()).ok_or_else(bad)?;
            }
            Ok(Some(w))
        }
        _ => Err(bad()),
    }
}

/// A `LabView` for the page: the score chart's counts and curves, every
/// policy's Qini and profit curves and the learned model's observed Qini
/// curve as typed arrays.
fn lab_view_js(mut view: LabView) -> Result<JsValue, JsValue> {
    use std::mem::take;
    let c = &mut view.scores;
    let groups = [
        ("sureThings", take(&mut c.sure_things)),
        ("persuadables", take(&mut c.persuadables)),
        ("sleepingDogs", take(&mut c.sleeping_dogs)),
        ("lostCauses", take(&mut c.lost_causes)),
    ];
    let curves = [
        ("without", take(&mut c.without)),
        ("with", take(&mut c.with)),
    ];
    let policies: Vec<_> = view
        .policies
        .iter_mut()
        .map(|p| {
            [
                ("incremental", take(&mut p.incremental)),
                ("incrementalWithNoise", take(&mut p.incremental_with_noise)),
                ("profit", take(&mut p.profit)),
            ]
        })
        .collect();
    let observed = view.learned.as_mut().map(|l| take(&mut l.observed.curve));
    let out = to_js(&view)?;
    let scores = field(&out, "scores");
    for (key, values) in &groups {
        put(&scores, key, &counts(values));
    }
    for (key, values) in &curves {
        put(&scores, key, &floats(values));
    }
    let policies_js = field(&out, "policies");
    for (i, curves) in policies.iter().enumerate() {
        let p = item(&policies_js, i);
        for (key, values) in curves {
            put(&p, key, &floats(values));
        }
    }
    if let Some(curve) = observed {
        put(
            &field(&field(&out, "learned"), "observed"),
            "curve",
            &floats(&curve),
        );
    }
    Ok(out)
}

/// The uplift lab of the world it is given.
#[wasm_bindgen]
pub struct UpliftLab {
    lab: uplift::Lab,
}

impl UpliftLab {
    /// Reads the page's settings and weights, runs `act` (update or learn)
    /// on the core's lab, and hands its `LabView` to the page.
    fn show(
        &mut self,
        world: &World,
        settings_js: JsValue,
        weights_js: JsValue,
        act: impl FnOnce(
            &mut uplift::Lab,
            &crate::world::session::World,
            &LabSettings,
            Option<&ModelWeights>,
        ) -> Result<LabView, UpliftError>,
    ) -> Result<JsValue, JsValue> {
        let (s, w) = (settings(settings_js)?, weights(weights_js)?);
        let view =
            act(&mut self.lab, world.inner(), &s, w.as_ref()).map_err(|e| field_error(&e))?;
        lab_view_js(view)
    }
}

#[wasm_bindgen]
impl UpliftLab {
    /// An empty lab: it computes on the first update.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> UpliftLab {
        UpliftLab {
            lab: uplift::Lab::default(),
        }
    }

    /// Follows `world` with `settings` (`UpliftSettings`) and the model with
    /// `weights` (its raw weights, intercept last; undefined: no model),
    /// and returns the `LabView`.
    #[wasm_bindgen(unchecked_return_type = "LabView")]
    pub fn update(
        &mut self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "UpliftSettings | undefined")] settings_js: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number[] | undefined")] weights_js: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.show(world, settings_js, weights_js, uplift::Lab::update)
    }

    /// Learns the uplift model from the experiment as it is (two logistic
    /// fits), then returns the `LabView` with it.
    #[wasm_bindgen(unchecked_return_type = "LabView")]
    pub fn learn(
        &mut self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "UpliftSettings | undefined")] settings_js: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number[] | undefined")] weights_js: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.show(world, settings_js, weights_js, uplift::Lab::learn)
    }

    /// `runs` more experiments on the same users with the next assignment
    /// seeds (`Reruns`).
    #[wasm_bindgen(unchecked_return_type = "Reruns")]
    pub fn rerun(
        &mut self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "UpliftSettings | undefined")] settings_js: JsValue,
        runs: u32,
    ) -> Result<JsValue, JsValue> {
        let s = settings(settings_js)?;
        let reruns = self
            .lab
            .rerun(world.inner(), &s, u64::from(runs))
            .map_err(|e| field_error(&e))?;
        to_js(&reruns)
    }

    /// The experiment CSV (the contract's columns plus `treated`), byte for
    /// byte what `conversion generate` writes with the same offer.
    #[wasm_bindgen(js_name = experimentCsv)]
    pub fn experiment_csv(
        &mut self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "UpliftSettings | undefined")] settings_js: JsValue,
    ) -> Result<Vec<u8>, JsValue> {
        let s = settings(settings_js)?;
        self.lab
            .experiment_csv(world.inner(), &s)
            .map_err(|e| field_error(&e))
    }

    /// Brings the lab to `world`, `settings` and the model and readies a τ
    /// step: its `StepPlan`, or undefined when `update` has only the view
    /// to compute. Then `stepFirst`, `stepJoinFirst`, `stepTruth` and
    /// `stepFinish`, with a helper's halves or without.
    #[wasm_bindgen(js_name = beginStep, unchecked_return_type = "StepPlan | undefined")]
    pub fn begin_step(
        &mut self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "UpliftSettings | undefined")] settings_js: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number[] | undefined")] weights_js: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (s, w) = (settings(settings_js)?, weights(weights_js)?);
        let plan = self
            .lab
            .begin_step(world.inner(), &s, w.as_ref())
            .map_err(|e| field_error(&e))?;
        let Some(plan) = plan else {
            return Ok(JsValue::UNDEFINED);
        };
        to_js(&serde_json::json!({
            "learned": plan.learned,
            "onlyOffer": plan.only_offer,
        }))
    }

    /// The effects' pass over the earlier half of the users; returns its
    /// keys' histograms for the helper's `followTruth`.
    #[wasm_bindgen(js_name = stepFirst)]
    pub fn step_first(&mut self, world: &World) -> Vec<u8> {
        self.lab.step_first(world.inner())
    }

    /// Joins the later half's effects' pass: the helper's bytes
    /// (`followFirst`), or undefined to take it here. A bad half changes
    /// nothing.
    #[wasm_bindgen(js_name = stepJoinFirst)]
    pub fn step_join_first(
        &mut self,
        world: &World,
        later: Option<Vec<u8>>,
    ) -> Result<(), JsValue> {
        self.lab
            .step_join_first(world.inner(), later.as_deref())
            .map_err(|e| field_error(&e))
    }

    /// The true rankings' pass over the earlier half of the users.
    #[wasm_bindgen(js_name = stepTruth)]
    pub fn step_truth(&mut self, world: &World) {
        self.lab.step_truth(world.inner());
    }

    /// Joins the later half's true rankings' pass (the helper's bytes from
    /// `followTruth`, or undefined to take it here) and returns the `LabView`.
    #[wasm_bindgen(js_name = stepFinish, unchecked_return_type = "LabView")]
    pub fn step_finish(
        &mut self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "UpliftSettings | undefined")] settings_js: JsValue,
        later: Option<Vec<u8>>,
    ) -> Result<JsValue, JsValue> {
        let s = settings(settings_js)?;
        let view = self
            .lab
            .step_finish(world.inner(), &s, later.as_deref())
            .map_err(|e| field_error(&e))?;
        lab_view_js(view)
    }

    /// A helper's lab: whether `followStep` with these is quick (the same
    /// world, model and assignment as the step it followed last).
    pub fn follows(
        &self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "UpliftSettings | undefined")] settings_js: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number[] | undefined")] weights_js: JsValue,
    ) -> Result<bool, JsValue> {
        let (s, w) = (settings(settings_js)?, weights(weights_js)?);
        Ok(self.lab.follows(world.inner(), &s, w.as_ref()))
    }

    /// A helper's lab: readies a τ step of the lab whose world, settings
    /// and model these are.
    #[wasm_bindgen(js_name = followStep)]
    pub fn follow_step(
        &mut self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "UpliftSettings | undefined")] settings_js: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number[] | undefined")] weights_js: JsValue,
    ) -> Result<(), JsValue> {
        let (s, w) = (settings(settings_js)?, weights(weights_js)?);
        let plan = uplift::StepPlan {
            learned: false,
            only_offer: true,
        };
        self.lab
            .follow_step(world.inner(), &s, w.as_ref(), plan)
            .map_err(|e| field_error(&e))
    }

    /// A helper's lab: the effects' pass over the later half, as bytes.
    #[wasm_bindgen(js_name = followFirst)]
    pub fn follow_first(&mut self, world: &World) -> Vec<u8> {
        self.lab.follow_first(world.inner())
    }

    /// A helper's lab: the true rankings' pass over the later half, with
    /// the lab's histograms from `stepFirst` added to its own, as bytes.
    #[wasm_bindgen(js_name = followTruth)]
    pub fn follow_truth(&mut self, world: &World, counts: &[u8]) -> Result<Vec<u8>, JsValue> {
        self.lab
            .follow_truth(world.inner(), counts)
            .map_err(|e| field_error(&e))
    }

    /// The same CSV as a `text/csv` Blob, ready to download.
    #[wasm_bindgen(js_name = experimentCsvBlob)]
    pub fn experiment_csv_blob(
        &mut self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "UpliftSettings | undefined")] settings_js: JsValue,
    ) -> Result<web_sys::Blob, JsValue> {
        blob_of(&self.experiment_csv(world, settings_js)?, "text/csv")
    }
}
