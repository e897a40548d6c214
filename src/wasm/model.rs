//! The model behind opaque handles: [`ModelFit`], a live fit of a world's
//! users that a page animates (a few iterations per frame), cancels (drop
//! it: `free()`), keeps following the world warm, evaluates and exports; and
//! [`FixedModel`], a model that no longer fits its world (frozen) or never
//! did (imported), evaluated on a world only through the explicit
//! `evaluateOnWorld`.

use wasm_bindgen::prelude::*;

use super::typed::{field, floats, put, Columns};
use super::{field_error, read_value, to_js, World};
use crate::artifact::ModelArtifact;
use crate::decide::bands::Thresholds;
use crate::decide::ranking::{Policies, ProfitCurve};
use crate::model::{
    evaluate_on_world, EvaluateOptions, Evaluation, FitParams, FitProgress, LiveFit, LEARNING_RATES,
};
use crate::scoring::{score, user_from_json};
use crate::world::base_rate;

#[wasm_bindgen(typescript_custom_section)]
const TS_MODEL: &'static str = r#"
export type FeatureName = "days_since_signup" | "sessions_7d" | "content_hours_7d" | "downloads_7d" | "paywall_views_7d" | "tier_2" | "tier_3";
/** A signal a model can leave out: the five behavioural signals, or the country tier (both one-hot columns). */
export type SignalName = "days_since_signup" | "sessions_7d" | "content_hours_7d" | "downloads_7d" | "paywall_views_7d" | "country_tier";
export type Optimizer = "gd" | "nesterov" | "whitened";
/** How to fit (defaults: testFraction 0.2, splitSeed 42, l2 0, tolerance 1e-6, maxIterations 5000, optimizer "whitened", learningRate 1, leaveOut []). */
export interface FitOptions {
  testFraction?: number; splitSeed?: number; l2?: number; tolerance?: number; maxIterations?: number;
  optimizer?: Optimizer; learningRate?: number; leaveOut?: SignalName[];
}
export type StopReason = "running" | "converged" | "iteration_cap" | "diverged" | "one_class";
/** How a descent is going: steady, overshooting (learning rate too high) or crawling (too low). */
export type Pace = { kind: "steady" } | { kind: "overshooting" } | { kind: "crawling"; iterationsNeeded: number };
export type Separation = "separable" | "nearly_separable";
export interface FitProgress {
  iterations: number;
  /** The histories start after this iteration. */
  historyFrom: number;
  /** Training objective (log-loss + L2 term) per iteration. */
  lossHistory: Float64Array;
  /** Held-out log-loss per iteration (empty without held-out users). */
  heldOutHistory: Float64Array;
  gradientNorm: number; stop: StopReason; pace: Pace | null; done: boolean;
}
/** 95% intervals from the observed Fisher information at the optimum. */
export interface Intervals {
  /** True with L2 > 0. */
  approximate: boolean;
  /** Raw units, FEATURES order then the intercept. */
  standardErrors: number[]; standardizedStandardErrors: number[]; low: number[]; high: number[];
}
/** Weights in FEATURES order: days_since_signup, sessions_7d, content_hours_7d, downloads_7d, paywall_views_7d, tier_2, tier_3. */
export interface FittedModel {
  coefficients: number[]; intercept: number; standardizedCoefficients: number[]; standardizedIntercept: number;
  mean: number[]; stdDev: number[]; used: boolean[]; optimizer: Optimizer; start: "cold" | "warm";
  iterations: number; objective: number; trainingLogLoss: number | null; gradientNorm: number;
  stop: StopReason; pace: Pace | null; separation: Separation | null; intervals: Intervals | null; warnings: string[]; trainingRows: number;
}
/** One weight as a table shows it (`intercept` last). */
export interface WeightRow {
  feature: FeatureName | "intercept"; weight: number; oddsRatio: number | null; perSd: number; used: boolean;
  low: number | null; high: number | null; oddsLow: number | null; oddsHigh: number | null;
}
export interface Thresholds { high: number; medium: number; }
export interface Economics { valuePerConversion: number; costPerContact: number; }
export interface EvaluateOptions { threshold?: number; thresholds?: Partial<Thresholds>; economics?: Economics; }
/** A figure measured on a sample of users, with its 95% interval. */
export interface Estimate { value: number; low: number; high: number; }
export interface Confusion { truePositives: number; falsePositives: number; trueNegatives: number; falseNegatives: number; }
export interface CurvePoint { threshold: number; falsePositiveRate: number; truePositiveRate: number; precision: number; }
/** The ROC and precision–recall points as columns: point i is (threshold[i], falsePositiveRate[i], …), from contacting no one to everyone. */
export interface CurveColumns { threshold: Float64Array; falsePositiveRate: Float64Array; truePositiveRate: Float64Array; precision: Float64Array; }
export interface CalibrationBin {
  lower: number; upper: number; users: number; meanPredicted: number | null;
  observedRate: number | null; observedLow: number | null; observedHigh: number | null; meanBest: number | null;
}
export interface Gain { shareContacted: number; shareOfConversions: number; lift: number; }
export interface Metrics {
  users: number; inSample: boolean; baseRate: number;
  logLoss: Estimate; baselineLogLoss: number; irreducibleLogLoss: number | null; excessLogLoss: Estimate | null;
  threshold: number; confusion: Confusion; accuracy: Estimate; majorityAccuracy: number; precision: Estimate; recall: Estimate;
  auc: Estimate | null; bestAuc: Estimate | null; oracleAuc: Estimate | null; averagePrecision: number | null;
  curve: CurveColumns; atThreshold: CurvePoint; calibration: CalibrationBin[]; gains: Gain[];
}
export type Segment = "high_intent" | "medium_intent" | "low_intent";
export interface Band {
  segment: Segment; lower: number; upper: number; users: number; share: number; conversions: number;
  conversionRate: number | null; meanPredicted: number | null; lift: number | null; shareOfConversions: number; expectedProfit: number | null;
}
/** Contacting everyone at or above a threshold: expected (judged by q(x) or the labels) and realised on the labels. */
export interface ProfitPoint { threshold: number; contacted: number; expectedProfit: number; realisedProfit: number; }
/** Profit points as columns: point i is (threshold[i], contacted[i], expectedProfit[i], realisedProfit[i]). */
export interface ProfitColumns { threshold: Float64Array; contacted: Uint32Array; expectedProfit: Float64Array; realisedProfit: Float64Array; }
/** A model measured on its evaluation users; profits are judged by q(x) on generated data, by the labels on imported data. */
export interface Evaluation { metrics: Metrics; bands: Band[]; judgedBy: JudgedBy; policies: Policies | null; }
export interface UserSignals { days_since_signup: number; sessions_7d: number; content_hours_7d: number; downloads_7d: number; paywall_views_7d: number; country_tier: string; }
export interface Contribution { feature: string; value: number; weight: number; contribution: number; }
export interface Scored { probability: number; segment: Segment; score: number; intercept: number; contributions: Contribution[]; }
/** The model's defaults (the CLI's), for the page's controls. */
export interface ModelDefaults {
  fit: Required<FitOptions>;
  /** Classification threshold of accuracy, precision, recall and the confusion matrix. */
  threshold: number;
  /** The learning rates allowed, smallest and largest. */
  learningRates: { min: number; max: number };
}
/** A fixed model: where it came from, its weights (raw units, intercept last) and table rows. */
export interface FixedModelView {
  source: "frozen" | "imported"; weights: number[]; rows: WeightRow[]; start: "cold" | "warm";
  fit: Required<FitOptions>; trainingRows: number; seed: string | null;
}
"#;

/// The model's defaults, the CLI's: fit options, the classification
/// threshold and the learning rates allowed (`ModelDefaults`).
#[wasm_bindgen(js_name = modelDefaults, unchecked_return_type = "ModelDefaults")]
pub fn model_defaults() -> Result<JsValue, JsValue> {
    let (min, max) = LEARNING_RATES;
    to_js(&serde_json::json!({
        "fit": FitParams::default(),
        "threshold": EvaluateOptions::default().threshold,
        "learningRates": { "min": min, "max": max },
    }))
}

/// Thresholds from an optional JS object.
pub(crate) fn thresholds(value: JsValue) -> Result<Thresholds, JsValue> {
    let value = read_value(value, "thresholds")?;
    Thresholds::from_value(&value, "thresholds").map_err(|e| field_error(&e))
}

/// Evaluation options from an optional JS object.
fn evaluate_options(value: JsValue) -> Result<EvaluateOptions, JsValue> {
    EvaluateOptions::from_value(&read_value(value, "options")?).map_err(|e| field_error(&e))
}

/// Checked fit options from an optional JS object.
pub(crate) fn fit_options(value: JsValue) -> Result<crate::model::ValidFitParams, JsValue> {
    FitParams::from_value(&read_value(value, "fitOptions")?)
        .and_then(|p| p.validate())
        .map_err(|e| field_error(&e))
}

/// A `FitProgress` for the page: the loss histories as `Float64Array`s.
fn progress_js(mut progress: FitProgress) -> Result<JsValue, JsValue> {
    let loss = std::mem::take(&mut progress.loss_history);
    let held_out = std::mem::take(&mut progress.held_out_history);
    let out = to_js(&progress)?;
    put(&out, "lossHistory", &floats(&loss));
    put(&out, "heldOutHistory", &floats(&held_out));
    Ok(out)
}

/// An `Evaluation` for the page: the ROC and precision–recall points and
/// the profit curves as columns of typed arrays.
fn evaluation_js(mut evaluation: Evaluation) -> Result<JsValue, JsValue> {
    let curve = std::mem::take(&mut evaluation.metrics.curve);
    let taken = evaluation.policies.as_mut().map(take_profit_points);
    let out = to_js(&evaluation)?;
    let roc = Columns::of(&curve)
        .float("threshold", |p| p.threshold)
        .float("falsePositiveRate", |p| p.false_positive_rate)
        .float("truePositiveRate", |p| p.true_positive_rate)
        .float("precision", |p| p.precision)
        .build();
    put(&field(&out, "metrics"), "curve", &roc);
    if let Some(points) = taken {
        put_profit_points(&field(&out, "policies"), &points);
    }
    Ok(out)
}

/// Each profit curve's points (the model's, the best possible's, the
/// oracle's), taken out of a `Policies` before the rest is serialized.
pub(crate) type ProfitPoints = [Option<Vec<crate::decide::economics::ProfitPoint>>; 3];

/// Takes the profit curves' points out of `policies`.
pub(crate) fn take_profit_points(policies: &mut Policies) -> ProfitPoints {
    let take = |c: &mut ProfitCurve| std::mem::take(&mut c.points);
    [
        Some(take(&mut policies.model)),
        policies.best_possible.as_mut().map(take),
        policies.oracle.as_mut().map(take),
    ]
}

/// Puts the points back into the serialized `policies` as columns.
pub(crate) fn put_profit_points(policies: &JsValue, points: &ProfitPoints) {
    for (key, points) in ["model", "bestPossible", "oracle"].iter().zip(points) {
        if let Some(points) = points {
            let columns = Columns::of(points)
                .float("threshold", |p| p.threshold)
                .count("contacted", |p| p.contacted)
                .float("expectedProfit", |p| p.expected_profit)
                .float("realisedProfit", |p| p.realised_profit)
                .build();
            put(&field(policies, key), "points", &columns);
        }
    }
}

/// A gradient-descent fit of a world's users, tied to that world.
#[wasm_bindgen]
pub struct ModelFit {
    live: LiveFit,
}

impl ModelFit {
    /// The live fit, for the decisions.
    pub(crate) fn live(&self) -> &LiveFit {
        &self.live
    }
}

#[wasm_bindgen]
impl ModelFit {
    /// Prepares a cold fit of `world`'s users (weights 0, the base rate)
    /// with `options` (a `FitOptions`); step or run it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "FitOptions | undefined")] options: JsValue,
    ) -> Result<ModelFit, JsValue> {
        let valid = fit_options(options)?;
        let live = LiveFit::cold(world.inner(), &valid).map_err(|e| field_error(&e))?;
        Ok(ModelFit { live })
    }

    /// Runs up to `iterations` more iterations; the `FitProgress` holds the
    /// histories of these iterations only.
    #[wasm_bindgen(unchecked_return_type = "FitProgress")]
    pub fn step(&mut self, iterations: usize) -> Result<JsValue, JsValue> {
        progress_js(self.live.step(iterations))
    }

    /// Runs to the end; the `FitProgress` holds the histories of the
    /// iterations it ran.
    #[wasm_bindgen(unchecked_return_type = "FitProgress")]
    pub fn run(&mut self) -> Result<JsValue, JsValue> {
        progress_js(self.live.run())
    }

    /// Progress so far, with the full histories.
    #[wasm_bindgen(unchecked_return_type = "FitProgress")]
    pub fn progress(&self) -> Result<JsValue, JsValue> {
        progress_js(self.live.progress())
    }

    /// The world moved: follow it warm, from the current weights (the same
    /// users relabelled, or new users). Returns `"relabelled"` or
    /// `"refitted"`; step or run it after.
    #[wasm_bindgen(unchecked_return_type = "\"relabelled\" | \"refitted\"")]
    pub fn follow(&mut self, world: &World) -> Result<JsValue, JsValue> {
        let how = self
            .live
            .follow(world.inner())
            .map_err(|e| field_error(&e))?;
        to_js(&how)
    }

    /// True when `world` still holds the users this fit was made from.
    pub fn fits(&self, world: &World) -> bool {
        self.live.fits(world.inner())
    }

    /// The model so far (`FittedModel`).
    #[wasm_bindgen(unchecked_return_type = "FittedModel")]
    pub fn model(&self) -> Result<JsValue, JsValue> {
        to_js(&self.live.model())
    }

    /// The weights as table rows (`WeightRow[]`, the intercept last).
    #[wasm_bindgen(js_name = weightRows, unchecked_return_type = "WeightRow[]")]
    pub fn weight_rows(&self) -> Result<JsValue, JsValue> {
        to_js(&self.live.model().weight_rows())
    }

    /// Metrics on the held-out users of the world this fit was made from
    /// (in-sample without a split), with the world's truth, the intent
    /// bands, and with `economics` the profit curve. Another world is
    /// refused: freeze the model and use `evaluateOnWorld`.
    #[wasm_bindgen(unchecked_return_type = "Evaluation")]
    pub fn evaluate(
        &self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "EvaluateOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options = evaluate_options(options)?;
        let evaluation = self
            .live
            .evaluate(world.inner(), &options)
            .map_err(|e| field_error(&e))?;
        evaluation_js(evaluation)
    }

    /// The model artifact (JSON text) that `conversion score --model` reads,
    /// with the metrics of `evaluate` at `options`.
    #[wasm_bindgen(js_name = artifactJson)]
    pub fn artifact_json(
        &self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "Partial<Thresholds> | undefined")]
        thresholds_js: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EvaluateOptions | undefined")] options: JsValue,
    ) -> Result<String, JsValue> {
        let options = evaluate_options(options)?;
        let evaluation = self
            .live
            .evaluate(world.inner(), &options)
            .map_err(|e| field_error(&e))?;
        let seed = world.inner().params().map(|p| p.get().seed);
        Ok(ModelArtifact::new(
            &self.live.model(),
            self.live.params(),
            thresholds(thresholds_js)?,
            seed,
            Some(&evaluation.metrics),
        )
        .to_json())
    }

    /// The model as it is now, fixed: it stays while the world moves on.
    pub fn freeze(&self, world: &World) -> FixedModel {
        let seed = world.inner().params().map(|p| p.get().seed);
        FixedModel {
            artifact: ModelArtifact::new(
                &self.live.model(),
                self.live.params(),
                Thresholds::default(),
                seed,
                None,
            ),
            imported: false,
        }
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
        let model = self.live.model();
        to_js(&score(
            &model.coefficients,
            model.intercept,
            &thresholds,
            &user,
        ))
    }
}

/// A model that no longer follows a world: frozen from a fit, or imported
/// from a model file.
#[wasm_bindgen]
pub struct FixedModel {
    artifact: ModelArtifact,
    imported: bool,
}

impl FixedModel {
    /// The model file, for the decisions.
    pub(crate) fn artifact(&self) -> &ModelArtifact {
        &self.artifact
    }
}

#[wasm_bindgen]
impl FixedModel {
    /// Reads a model file (the artifact `conversion fit --output` and the
    /// page write), checked: a bad file is refused, naming the field.
    #[wasm_bindgen(js_name = fromArtifact)]
    pub fn from_artifact(text: &str) -> Result<FixedModel, JsValue> {
        let artifact = ModelArtifact::from_json(text).map_err(|e| field_error(&e))?;
        Ok(FixedModel {
            artifact,
            imported: true,
        })
    }

    /// Where it came from, its weights and table rows (`FixedModelView`).
    #[wasm_bindgen(unchecked_return_type = "FixedModelView")]
    pub fn view(&self) -> Result<JsValue, JsValue> {
        let a = &self.artifact;
        to_js(&serde_json::json!({
            "source": if self.imported { "imported" } else { "frozen" },
            "weights": a.weights(),
            "rows": a.weight_rows(),
            "start": a.training.start,
            "fit": a.training.fit,
            "trainingRows": a.training.rows,
            "seed": a.training.seed,
        }))
    }

    /// This model on `world`, a world it was not fitted on (or no longer
    /// fits): measured on the held-out users of the split `split` (a
    /// `FitOptions`; only `testFraction` and `splitSeed` matter), with the
    /// world's truth. The model may have seen some of those users in
    /// training: the page says so.
    #[wasm_bindgen(js_name = evaluateOnWorld, unchecked_return_type = "Evaluation")]
    pub fn evaluate_on_world(
        &self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "FitOptions | undefined")] split: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EvaluateOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let split = fit_options(split)?;
        let options = evaluate_options(options)?;
        evaluation_js(evaluate_on_world(
            &self.artifact.weights(),
            world.inner(),
            &split,
            &options,
        ))
    }

    /// The model file (JSON text), as it was frozen or imported.
    #[wasm_bindgen(js_name = artifactJson)]
    pub fn artifact_json(&self) -> String {
        self.artifact.to_json()
    }
}

/// The baseline b0 at which `world`'s users would convert at `target` on
/// average (the other parameters as they are).
#[wasm_bindgen(js_name = baselineForRate)]
pub fn baseline_for_rate(world: &World, target: f64) -> Result<f64, JsValue> {
    let inner = world.inner();
    let params = inner.params().ok_or_else(|| {
        field_error(&crate::world::params::ParamError::new(
            "targetRate",
            "can only be solved for generated data: imported users have no noise draws",
        ))
    })?;
    base_rate::baseline_for_rate(params.get(), inner.data(), target).map_err(|e| field_error(&e))
}
