//! The model behind an opaque handle: a stepwise fit of a [`World`]'s users
//! that a page can animate (a few iterations per frame), cancel (drop it:
//! `free()`), warm-start after a slider moves labels, evaluate, turn into
//! decisions, and score single users with.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{read_js, to_js, World};
use crate::artifact::ModelArtifact;
use crate::base_rate;
use crate::decisions::{bands, profit_curve, Band, Economics, ProfitPoint, Thresholds};
use crate::metrics::{evaluate, Metrics};
use crate::model::{FitParams, Fitter, Split};
use crate::scoring::{score, user_from_json};

#[wasm_bindgen(typescript_custom_section)]
const TS_MODEL: &'static str = r#"
/** How to fit (defaults: testFraction 0.2, splitSeed 42, l2 0, tolerance 1e-6, maxIterations 5000). */
export interface FitOptions { testFraction?: number; splitSeed?: number; l2?: number; tolerance?: number; maxIterations?: number; }
export type StopReason = "running" | "converged" | "iteration_cap" | "looks_separable" | "one_class";
export interface FitProgress { iterations: number; lossHistory: number[]; gradientNorm: number; stop: StopReason; done: boolean; }
/** Weights in FEATURES order: days_since_signup, sessions_7d, content_hours_7d, downloads_7d, paywall_views_7d, tier_2, tier_3. */
export interface FittedModel {
  coefficients: number[]; intercept: number; standardized: number[]; standardizedIntercept: number;
  mean: number[]; stdDev: number[]; iterations: number; finalLoss: number; gradientNorm: number;
  stop: StopReason; warnings: string[]; trainingRows: number;
}
export interface Thresholds { high: number; medium: number; }
export interface Economics { valuePerConversion: number; costPerContact: number; }
export interface EvaluateOptions { threshold?: number; thresholds?: Thresholds; economics?: Economics; }
export interface Evaluation { metrics: any; bands: any[]; profitCurve: any[] | null; bestThreshold: any | null; }
export interface UserSignals { days_since_signup: number; sessions_7d: number; content_hours_7d: number; downloads_7d: number; paywall_views_7d: number; country_tier: string; }
export interface Scored { probability: number; segment: "high_intent" | "medium_intent" | "low_intent"; score: number; intercept: number; contributions: { feature: string; value: number; weight: number; contribution: number }[]; }
"#;

fn js_error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

/// Reads an optional options object (undefined or null: the defaults).
fn from_js<T: for<'de> Deserialize<'de> + Default>(
    value: JsValue,
    what: &str,
) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    read_js(value, what)
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct EvaluateOptions {
    threshold: Option<f64>,
    thresholds: Option<Thresholds>,
    economics: Option<Economics>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Evaluation {
    metrics: Metrics,
    bands: Vec<Band>,
    profit_curve: Option<Vec<ProfitPoint>>,
    best_threshold: Option<ProfitPoint>,
}

/// A gradient-descent fit of a world's users.
#[wasm_bindgen]
pub struct ModelFit {
    fitter: Fitter,
    params: FitParams,
    split: Split,
}

#[wasm_bindgen]
impl ModelFit {
    /// Prepares a fit of `world`'s users with `options` (a `FitOptions`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "FitOptions | undefined")] options: JsValue,
    ) -> Result<ModelFit, JsError> {
        let params: FitParams = from_js(options, "fitOptions")?;
        let valid = params.validate().map_err(js_error)?;
        let fitter = Fitter::new(world.data(), &valid).map_err(js_error)?;
        let split = Split::new(world.data().len(), params.test_fraction, params.split_seed);
        Ok(ModelFit {
            fitter,
            params,
            split,
        })
    }

    /// Runs up to `iterations` more iterations; returns the `FitProgress`.
    #[wasm_bindgen(unchecked_return_type = "FitProgress")]
    pub fn step(&mut self, iterations: usize) -> Result<JsValue, JsError> {
        to_js(&self.fitter.step(iterations))
    }

    /// Runs to the end; returns the `FitProgress`.
    #[wasm_bindgen(unchecked_return_type = "FitProgress")]
    pub fn run(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.fitter.run())
    }

    /// The world's labels moved (same users): keep the weights as a warm
    /// start and fit on.
    pub fn relabel(&mut self, world: &World) -> Result<(), JsError> {
        self.fitter.relabel(world.data()).map_err(js_error)
    }

    /// The model so far (`FittedModel`).
    #[wasm_bindgen(unchecked_return_type = "FittedModel")]
    pub fn model(&self) -> Result<JsValue, JsError> {
        to_js(&self.fitter.model())
    }

    /// Metrics on the held-out users (in-sample without a split), the
    /// intent bands, and with `economics` the profit curve and its best point.
    #[wasm_bindgen(unchecked_return_type = "Evaluation")]
    pub fn evaluate(
        &self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "EvaluateOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsError> {
        let options: EvaluateOptions = from_js(options, "options")?;
        let thresholds = options
            .thresholds
            .unwrap_or_default()
            .validate()
            .map_err(js_error)?;
        let economics = options
            .economics
            .map(Economics::validate)
            .transpose()
            .map_err(js_error)?;
        let threshold = options.threshold.unwrap_or(0.5);
        if !(0.0..=1.0).contains(&threshold) {
            return Err(js_error(format!(
                "options.threshold must be a probability from 0 to 1 (got {threshold})"
            )));
        }
        let data = world.data();
        if data.len() != self.split.train.len() + self.split.test.len() {
            return Err(js_error("evaluate needs the world this fit was made from"));
        }
        let model = self.fitter.model();
        let in_sample = self.split.test.is_empty();
        let rows = if in_sample {
            &self.split.train
        } else {
            &self.split.test
        };
        let all = model.predict(data);
        let y: Vec<bool> = rows.iter().map(|&i| data.converted[i]).collect();
        let p: Vec<f64> = rows.iter().map(|&i| all[i]).collect();
        let truth: Option<Vec<f64>> = data
            .latent
            .as_ref()
            .map(|l| rows.iter().map(|&i| l.probability[i]).collect());
        let (curve, best) = match economics {
            Some(e) => {
                let (c, b) = profit_curve(&p, e);
                (Some(c), Some(b))
            }
            None => (None, None),
        };
        to_js(&Evaluation {
            metrics: evaluate(&y, &p, truth.as_deref(), threshold, in_sample),
            bands: bands(&y, &p, thresholds, economics),
            profit_curve: curve,
            best_threshold: best,
        })
    }

    /// The model artifact (JSON text) that `conversion score --model` reads.
    #[wasm_bindgen(js_name = artifactJson)]
    pub fn artifact_json(
        &self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "Thresholds | undefined")] thresholds: JsValue,
    ) -> Result<String, JsError> {
        let thresholds: Thresholds = from_js(thresholds, "thresholds")?;
        let thresholds = thresholds.validate().map_err(js_error)?;
        let seed = Some(world.valid_params().get().seed);
        Ok(
            ModelArtifact::new(&self.fitter.model(), &self.params, thresholds, seed, None)
                .to_json(),
        )
    }

    /// Scores one user (`UserSignals`): probability, segment and each
    /// signal's push. Errors name the field.
    #[wasm_bindgen(unchecked_return_type = "Scored")]
    pub fn score(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserSignals")] user: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Thresholds | undefined")] thresholds: JsValue,
    ) -> Result<JsValue, JsError> {
        let thresholds: Thresholds = from_js(thresholds, "thresholds")?;
        let thresholds = thresholds.validate().map_err(js_error)?;
        let user: serde_json::Value =
            serde_wasm_bindgen::from_value(user).map_err(|e| js_error(format!("user: {e}")))?;
        let user = user_from_json(&user).map_err(js_error)?;
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
pub fn baseline_for_rate(world: &World, target: f64) -> Result<f64, JsError> {
    base_rate::baseline_for_rate(world.valid_params().get(), world.data(), target).map_err(js_error)
}
