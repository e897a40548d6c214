// The worker's model handlers: the live fit (cold, stepped, following the
// world warm), a fixed model (frozen or imported) evaluated on the world
// only through the explicit evaluateOnWorld, the world's truth, the model
// file, and one world of a re-roll per request (so the page shows progress
// and can stop between worlds).
import { FixedModel, ModelFit, Truth, modelDefaults, rerollSeed } from '../pkg/conversion_playground.js';
import { state } from './state.js';

/** @typedef {import('../pkg/conversion_playground.js').FitOptions} FitOptions */
/** @typedef {import('../pkg/conversion_playground.js').EvaluateOptions} EvaluateOptions */
/** @typedef {import('../pkg/conversion_playground.js').GeneratorParams} GeneratorParams */
/** @typedef {import('../pkg/conversion_playground.js').FitProgress} FitProgress */
/** @typedef {import('../pkg/conversion_playground.js').FittedModel} FittedModel */
/** @typedef {import('../pkg/conversion_playground.js').WeightRow} WeightRow */
/** @typedef {import('../pkg/conversion_playground.js').Thresholds} Thresholds */
/** @typedef {import('../pkg/conversion_playground.js').SignalName} SignalName */

/**
 * What the page draws of the live fit after a request.
 * @typedef {object} FitSnapshot
 * @property {FitProgress} progress the iterations this request ran (histories from `historyFrom`)
 * @property {FittedModel} model
 * @property {WeightRow[]} rows
 * @property {number} workMs the worker's time for the request
 */

function world() {
  if (!state.world) throw new Error('nothing has been generated yet');
  return state.world;
}

function fit() {
  if (!state.fit) throw new Error('there is no fit yet: press Fit');
  return state.fit;
}

/**
 * @param {FitProgress} progress
 * @param {number} started
 * @returns {{result: FitSnapshot}}
 */
function snapshot(progress, started) {
  const live = fit();
  return { result: { progress, model: live.model(), rows: live.weightRows(), workMs: performance.now() - started } };
}

/** Drops the fixed model, if any: the live fit is on screen again. */
function unfix() {
  state.fixed?.free();
  state.fixed = null;
}

export const handlers = {
  /** The model's defaults, from the core (the CLI's). */
  'model.defaults': () => ({ result: modelDefaults() }),

  /**
   * A cold fit of the world on screen (weights 0, the base rate), not run:
   * the page steps it, a few iterations per frame.
   * @param {{options: FitOptions}} payload
   */
  'model.fit': ({ options }) => {
    const started = performance.now();
    const next = new ModelFit(world(), options);
    state.fit?.free();
    state.fit = next;
    unfix();
    return snapshot(next.progress(), started);
  },

  /**
   * Runs up to `iterations` more iterations of the live fit.
   * @param {{iterations: number}} payload
   */
  'model.step': ({ iterations }) => {
    const started = performance.now();
    return snapshot(fit().step(iterations), started);
  },

  /**
   * The world moved: the live fit follows it warm and runs up to `budget`
   * iterations (the page steps on if it is not done).
   * @param {{budget: number}} payload
   */
  'model.follow': ({ budget }) => {
    const started = performance.now();
    const live = fit();
    const how = live.follow(world());
    const { result } = snapshot(live.step(budget), started);
    return { result: { ...result, how } };
  },

  /** Freezes the live fit as it is: it stays while the world moves. */
  'model.freeze': () => {
    const fixed = fit().freeze(world());
    state.fixed?.free();
    state.fixed = fixed;
    return { result: fixed.view() };
  },

  /** Back to the live fit (the page then lets it follow the world). */
  'model.unfreeze': () => {
    unfix();
    return { result: null };
  },

  /**
   * Reads a model file; a bad one is refused and the model on screen stays.
   * @param {{text: string}} payload
   */
  'model.import': ({ text }) => {
    const fixed = FixedModel.fromArtifact(text);
    state.fixed?.free();
    state.fixed = fixed;
    return { result: fixed.view() };
  },

  /**
   * The model on screen measured on the world's held-out users: the live
   * fit on its own world, or a fixed model through the explicit
   * evaluate-on-another-world call.
   * @param {{split: FitOptions, options: EvaluateOptions}} payload
   */
  'model.evaluate': ({ split, options }) => {
    const started = performance.now();
    const evaluation = state.fixed
      ? state.fixed.evaluateOnWorld(world(), split, options)
      : fit().evaluate(world(), options);
    return { result: { evaluation, explicit: state.fixed !== null, workMs: performance.now() - started } };
  },

  /**
   * The generating and best-possible weights of the world as it is, for the
   * signals in the model.
   * @param {{leaveOut: SignalName[]}} payload
   */
  'model.truth': ({ leaveOut }) => {
    const started = performance.now();
    const here = world();
    // No parameters drew imported users: their truth is unknown.
    if (here.imported) return { result: { truth: null, workMs: performance.now() - started } };
    if (!state.truth || !state.truth.fits(here)) {
      state.truth?.free();
      state.truth = new Truth(here);
    }
    const truth = state.truth.view(here, leaveOut);
    return { result: { truth, workMs: performance.now() - started } };
  },

  /**
   * The model file of the model on screen, with the decision bands on
   * screen unless `thresholds` says otherwise.
   * @param {{thresholds: Partial<Thresholds> | undefined, options: EvaluateOptions}} payload
   */
  'model.artifact': ({ thresholds, options }) => ({
    result: state.fixed ? state.fixed.artifactJson() : fit().artifactJson(world(), thresholds ?? state.thresholds ?? undefined, options),
  }),

  /**
   * One world of a re-roll: the world's parameters drawn with `seed`,
   * fitted cold, with its intervals and its best-possible weights.
   * @param {{params: GeneratorParams, options: FitOptions, seed: string}} payload
   */
  'model.reroll': ({ params, options, seed }) => ({ result: rerollSeed(params, options, seed) }),
};
