// The worker's uplift handlers: the lab follows the world on screen and the
// model on screen (the live fit, or a frozen or imported one), learns the
// uplift model from its experiment on request, re-runs the experiment with
// new assignment seeds, and writes the experiment CSV.
import { UpliftLab, upliftDefaults } from '../pkg/conversion_playground.js';
import { state } from './state.js';

/** @typedef {import('../pkg/conversion_playground.js').UpliftSettings} UpliftSettings */
/** @typedef {import('../pkg/conversion_playground.js').LabView} LabView */

function world() {
  if (!state.world) throw new Error('nothing has been generated yet');
  return state.world;
}

function lab() {
  state.uplift ??= new UpliftLab();
  return state.uplift;
}

/**
 * The raw weights (intercept last) of the model on screen, if there is one.
 * @returns {number[] | undefined}
 */
function modelWeights() {
  if (state.fixed) return state.fixed.view().weights;
  if (state.fit) {
    const model = state.fit.model();
    return [...model.coefficients, model.intercept];
  }
  return undefined;
}

/**
 * The lab's view from `work`, with the worker's time for it.
 * @param {() => LabView} work
 * @returns {{result: {view: LabView, workMs: number}}}
 */
function timed(work) {
  const started = performance.now();
  const view = work();
  return { result: { view, workMs: performance.now() - started } };
}

export const handlers = {
  /** The lab's defaults, from the core (the CLI's). */
  'uplift.defaults': () => ({ result: upliftDefaults() }),

  /**
   * The lab for the world, the model and `settings` now: groups, policies,
   * the experiment (the learned model only if it is learned for it).
   * @param {{settings: UpliftSettings}} payload
   */
  'uplift.update': ({ settings }) => timed(() => lab().update(world(), settings, modelWeights())),

  /**
   * Learns the uplift model from the experiment now (two logistic fits).
   * @param {{settings: UpliftSettings}} payload
   */
  'uplift.learn': ({ settings }) => timed(() => lab().learn(world(), settings, modelWeights())),

  /**
   * `runs` more experiments on the same users, new assignment seeds.
   * @param {{settings: UpliftSettings, runs: number}} payload
   */
  'uplift.rerun': ({ settings, runs }) => ({ result: lab().rerun(world(), settings, runs) }),

  /**
   * The experiment CSV of the world on screen, as a Blob made in wasm.
   * @param {{settings: UpliftSettings}} payload
   */
  'uplift.csv': ({ settings }) => ({ result: lab().experimentCsvBlob(world(), settings) }),
};
