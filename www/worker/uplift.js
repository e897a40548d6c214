// The worker's uplift handlers: the lab follows the world on screen and the
// model on screen (the live fit, or a frozen or imported one), learns the
// uplift model from its experiment on request, re-runs the experiment with
// new assignment seeds, and writes the experiment CSV.
import { UpliftLab, upliftDefaults } from '../pkg/conversion_playground.js';
import { Helper } from './helper-client.js';
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

/** Takes the later half of each τ step's users on a second core. */
const helper = new Helper();

/**
 * Brings the lab to the world, the model and `settings`: a τ step in two
 * halves, the later half in the helper worker when it is ready (else here),
 * the halves joined to the bit (src/uplift/lab/halves.rs).
 * @param {UpliftSettings} settings
 * @returns {Promise<{view: LabView, helped: boolean | null}>} `helped`: whether
 * the helper took the later half, null when nothing needed a pass over the
 * users (a budget step)
 */
async function update(settings) {
  const w = world();
  const weights = modelWeights();
  const l = lab();
  const plan = l.beginStep(w, settings, weights);
  if (!plan) return { view: l.update(w, settings, weights), helped: null };
  // The helper takes τ steps. After a new world, model or assignment it
  // is not asked (it would get ready at each step of a drag of those), but
  // gets ready once they stay as they are.
  const request = state.params && { params: state.params, settings, weights };
  if (request && !plan.onlyOffer) helper.warmSoon(request);
  const first = plan.learned || !plan.onlyOffer || !request
    ? null
    : helper.ask({ type: 'first', ...request });
  const counts = l.stepFirst(w);
  // The helper adds these to its own counts as soon as its half is done.
  const truth = first && helper.ask({ type: 'truth', counts }, [counts.buffer]);
  let later = first && await first;
  try {
    l.stepJoinFirst(w, later ?? undefined);
  } catch (error) {
    // A half that does not fit changes nothing: take it here.
    if (!later) throw error;
    helper.fail();
    later = null;
    l.stepJoinFirst(w, undefined);
  }
  l.stepTruth(w);
  const truthHalf = later && truth && await truth;
  try {
    return { view: l.stepFinish(w, settings, truthHalf ?? undefined), helped: Boolean(truthHalf) };
  } catch (error) {
    if (!truthHalf) throw error;
    helper.fail();
    return { view: l.stepFinish(w, settings, undefined), helped: false };
  }
}

export const handlers = {
  /** The lab's defaults, from the core (the CLI's). */
  'uplift.defaults': () => ({ result: upliftDefaults() }),

  /**
   * The lab for the world, the model and `settings` now: groups, policies,
   * the experiment (the learned model only if it is learned for it).
   * @param {{settings: UpliftSettings}} payload
   */
  'uplift.update': async ({ settings }) => {
    const started = performance.now();
    const { view, helped } = await update(settings);
    return { result: { view, workMs: performance.now() - started, helped } };
  },

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
