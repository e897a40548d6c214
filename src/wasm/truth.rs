//! What the world knows and no model can see, behind a handle that keeps
//! the world's users standardized between calls, so the best-possible model
//! refits in a few passes when a slider moves; and one world of a re-roll.

use wasm_bindgen::prelude::*;

use super::{checked, field_error, read_value, to_js, World};
use crate::model::{fit_seed, FitParams, LiveTruth, Signal};
use crate::world::params::Seed;

#[wasm_bindgen(typescript_custom_section)]
const TS_TRUTH: &'static str = r#"
/** The truth of a world, for the chosen signals (weights raw, FEATURES order then the intercept). */
export interface TruthView {
  /** The generating weights in the model's terms (tier contrasts against tier_1; intercept b0 + tier_1's effect). */
  generating: number[];
  /** The best any logistic model of these signals can learn: the logistic fit to q(x) over the world's users. */
  best: number[];
  /** False for a signal left out. */
  used: boolean[];
  /** The best model's expected log-loss over the world's users. */
  bestLogLoss: number;
  /** The mean entropy of q(x) over the world's users. */
  irreducibleLogLoss: number;
  /** Newton steps the best-possible fit took. */
  iterations: number;
  /** The world's noise σ. */
  noiseSigma: number;
}
/** One world of a re-roll: the same parameters with another seed, fitted cold. */
export interface SeedFit {
  seed: string; learned: number[]; low: number[] | null; high: number[] | null; best: number[]; generating: number[];
  used: boolean[]; coversBest: boolean[] | null; stop: StopReason;
}
"#;

/// The truth of one world's users, kept between slider moves.
#[wasm_bindgen]
pub struct Truth(LiveTruth);

#[wasm_bindgen]
impl Truth {
    /// Standardizes `world`'s users for the best-possible fits.
    #[wasm_bindgen(constructor)]
    pub fn new(world: &World) -> Result<Truth, JsValue> {
        LiveTruth::new(world.inner())
            .map(Truth)
            .map_err(|e| field_error(&e))
    }

    /// The truth of `world` as its parameters are now (`TruthView`),
    /// using every signal but `leaveOut` (a list of signal names). A world
    /// with other users than this handle's is refused (make a new handle).
    #[wasm_bindgen(unchecked_return_type = "TruthView")]
    pub fn view(
        &mut self,
        world: &World,
        #[wasm_bindgen(unchecked_param_type = "SignalName[] | undefined")] leave_out: JsValue,
    ) -> Result<JsValue, JsValue> {
        let leave_out = signals(leave_out)?;
        let view = self
            .0
            .view(world.inner(), &leave_out)
            .map_err(|e| field_error(&e))?;
        to_js(&view)
    }

    /// True when `world` holds the users this truth was made for.
    pub fn fits(&self, world: &World) -> bool {
        self.0.fits(world.inner())
    }
}

/// Signal names from a JS list (null: none).
fn signals(value: JsValue) -> Result<Vec<Signal>, JsValue> {
    let value = read_value(value, "leaveOut")?;
    if value.is_null() {
        return Ok(Vec::new());
    }
    let options = serde_json::json!({ "leaveOut": value });
    FitParams::from_value(&options)
        .map(|p| p.leave_out)
        .map_err(|e| field_error(&e))
}

/// One world of a re-roll: `params` drawn with `seed` instead of their own
/// (a decimal string), fitted cold with `options` (a `FitOptions`), with
/// its intervals and its own best-possible weights (`SeedFit`).
#[wasm_bindgen(js_name = rerollSeed, unchecked_return_type = "SeedFit")]
pub fn reroll_seed(
    #[wasm_bindgen(unchecked_param_type = "GeneratorParams")] params: JsValue,
    #[wasm_bindgen(unchecked_param_type = "FitOptions | undefined")] options: JsValue,
    seed: &str,
) -> Result<JsValue, JsValue> {
    let params = checked(params)?;
    let fit = FitParams::from_value(&read_value(options, "fitOptions")?)
        .and_then(|p| p.validate())
        .map_err(|e| field_error(&e))?;
    let seed = Seed::parse(seed).map_err(|e| field_error(&e))?;
    to_js(&fit_seed(&params, &fit, seed).map_err(|e| field_error(&e))?)
}
