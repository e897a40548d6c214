//! The model behind an opaque handle: a stepwise fit of a [`World`]'s users
//! that a page can animate (a few iterations per frame), cancel (drop it:
//! `free()`), warm-start after a slider moves labels, evaluate, export, and
//! score single users with.

use wasm_bindgen::prelude::*;

use super::{field_error, read_value, to_js, World};
use crate::artifact::ModelArtifact;
use crate::decide::bands::Thresholds;
use crate::model::{evaluate_model, EvaluateOptions, FitParams, Fitter};
use crate::scoring::{score, user_from_json};
use crate::world::base_rate;

#[wasm_bindgen(typescript_custom_section)]
const TS_MODEL: &'static str = r#"
/** How to fit (defaults: testFraction 0.2, splitSeed 42, l2 0, tolerance 1e-6, maxIterations 5000). */
export interface FitOptions { testFraction?: number; splitSeed?: number; l2?: number; tolerance?: number; maxIterations?: number; }
export type StopReason = "running" | "converged" | "iteration_cap" | "looks_separable" | "one_class";
export interface FitProgress { iterations: number; lossHistory: number[]; gradientNorm: number; stop: StopReason; done: boolean; }
/** Weights in FEATURES order: days_since_signup, sessions_7d, content_hours_7d, downloads_7d, paywall_views_7d, tier_2, tier_3. */
export interface FittedModel {
  coefficients: number[]; intercept: number; standardizedCoefficients: number[]; standardizedIntercept: number;
  mean: number[]; stdDev: number[]; iterations: number; finalLoss: number; gradientNorm: number;
  stop: StopReason; warnings: string[]; trainingRows: number;
}
export interface Thresholds { high: number; medium: number; }
export interface Economics { valuePerConversion: number; costPerContact: number; }
export interface EvaluateOptions { threshold?: number; thresholds?: Partial<Thresholds>; economics?: Economics; }
export interface Confusion { truePositives: number; falsePositives: number; trueNegatives: number; falseNegatives: number; }
export interface RocPoint { threshold: number; falsePositiveRate: number; truePositiveRate: number; }
export interface CalibrationBin { lower: number; upper: number; users: number; meanPredicted: number | null; observedRate: number | null; meanTrueProbability: number | null; }
export interface Gain { shareContacted: number; shareOfConversions: number; lift: number; }
export interface Metrics {
  users: number; inSample: boolean; logLoss: number; threshold: number; accuracy: number; confusion: Confusion;
  precision: number; recall: number; auc: number | null; ceilingAuc: number | null;
  roc: RocPoint[]; calibration: CalibrationBin[]; gains: Gain[];
}
export type Segment = "high_intent" | "medium_intent" | "low_intent";
export interface Band {
  segment: Segment; lower: number; upper: number; users: number; share: number; conversions: number;
  conversionRate: number | null; meanPredicted: number | null; lift: number | null; shareOfConversions: number; expectedProfit: number | null;
}
export interface ProfitPoint { threshold: number; contacted: number; expectedProfit: number; }
export interface Evaluation { metrics: Metrics; bands: Band[]; profitCurve: ProfitPoint[] | null; bestThreshold: ProfitPoint | null; }
export interface UserSignals { days_since_signup: number; sessions_7d: number; content_hours_7d: number; downloads_7d: number; paywall_views_7d: number; country_tier: string; }
export interface Contribution { feature: string; value: number; weight: number; contribution: number; }
export interface Scored { probability: number; segment: Segment; score: number; intercept: number; contributions: Contribution[]; }
"#;

/// A gradient-descent fit of a world's users.
#[wasm_bindgen]
pub struct ModelFit {
    fitter: Fitter,
    params: FitParams,
}

/// Thresholds from an optional JS object.
fn thresholds(value: JsValue) -> Result<Thresholds, JsValue> {
    let value = read_value(value, "thresholds")?;
    Thresholds::from_value(&value, "thresholds").map_err(|e| field_error(&e))
}

#[wasm_bindgen]
impl ModelFit {
    /// Prepares a fit of `world`'s users with `options` (a `FitOptions`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "FitOptions | undefined")] options: JsValue,
    ) -> Result<ModelFit, JsValue> {
        let params = FitParams::from_value(&read_value(options, "fitOptions")?)
            .map_err(|e| field_error(&e))?;
        let valid = params.validate().map_err(|e| field_error(&e))?;
        let fitter = Fitter::new(world.inner().data(), &valid).map_err(|e| field_error(&e))?;
        Ok(ModelFit { fitter, params })
    }

    /// Runs up to `iterations` more iterations; returns the `FitProgress`.
    #[wasm_bindgen(unchecked_return_type = "FitProgress")]
    pub fn step(&mut self, iterations: usize) -> Result<JsValue, JsValue> {
        to_js(&self.fitter.step(iterations))
    }

    /// Runs to the end; returns the `FitProgress`.
    #[wasm_bindgen(unchecked_return_type = "FitProgress")]
    pub fn run(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.fitter.run())
    }

    /// The world's labels moved (same users): keep the weights as a warm
    /// start and fit on.
    pub fn relabel(&mut self, world: &World) -> Result<(), JsValue> {
        self.fitter
            .relabel(world.inner().data())
            .map_err(|e| field_error(&e))
    }

    /// The model so far (`FittedModel`).
    #[wasm_bindgen(unchecked_return_type = "FittedModel")]
    pub fn model(&self) -> Result<JsValue, JsValue> {
        to_js(&self.fitter.model())
    }

    /// Metrics on the held-out users (in-sample without a split), the
    /// intent bands, and with `economics` the profit curve and its best point.
    #[wasm_bindgen(unchecked_return_type = "Evaluation")]
    pub fn evaluate(
        &self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "EvaluateOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options = EvaluateOptions::from_value(&read_value(options, "options")?)
            .map_err(|e| field_error(&e))?;
        let data = world.inner().data();
        if data.len() != self.fitter.split().users() {
            return Err(field_error(&crate::model::FitError::new(
                "world",
                "must be the world this fit was made from",
            )));
        }
        to_js(&evaluate_model(
            &self.fitter.model(),
            data,
            self.fitter.split(),
            &options,
        ))
    }

    /// The model artifact (JSON text) that `conversion score --model` reads.
    #[wasm_bindgen(js_name = artifactJson)]
    pub fn artifact_json(
        &self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "Partial<Thresholds> | undefined")]
        thresholds_js: JsValue,
    ) -> Result<String, JsValue> {
        let seed = Some(world.inner().params().get().seed);
        Ok(ModelArtifact::new(
            &self.fitter.model(),
            &self.params,
            thresholds(thresholds_js)?,
            seed,
            None,
        )
        .to_json())
    }

    /// Scores one user (`UserSignals`): probability, segment and each
    /// signal's push. Errors name the field.
    #[wasm_bindgen(unchecked_return_type = "Scored")]
    pub fn score(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserSignals")] user: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Partial<Thresholds> | undefined")]
        thresholds_js: JsValue,
    ) -> Result<JsValue, JsValue> {
        let thresholds = thresholds(thresholds_js)?;
        let user = user_from_json(&read_value(user, "user")?).map_err(|e| field_error(&e))?;
        let model = self.fitter.model();
        to_js(&score(
            &model.coefficients,
            model.intercept,
            &thresholds,
            &user,
        ))
    }
}

/// The baseline b0 at which `world`'s users would convert at `target` on
/// average (the other parameters as they are).
#[wasm_bindgen(js_name = baselineForRate)]
pub fn baseline_for_rate(world: &World, target: f64) -> Result<f64, JsValue> {
    let inner = world.inner();
    base_rate::baseline_for_rate(inner.params().get(), inner.data(), target)
        .map_err(|e| field_error(&e))
}
