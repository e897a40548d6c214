// The helper worker: on a second core, it takes the later half of the users
// of each uplift τ step while the page's worker takes the earlier half
// (src/uplift/lab/halves.rs). It keeps its own copy of the world, drawn
// from the same parameters, and its own lab following the worker's; its
// halves go back as bytes the worker's lab joins, to the bit what one lab
// computes alone. A request it cannot answer quickly (a new world, model or
// assignment) it declines at once, then gets ready while the worker takes
// that step alone, and says when it is ready.
import init, { UpliftLab, World } from '../pkg/conversion_playground.js';

/** @typedef {import('../pkg/conversion_playground.js').GeneratorParams} GeneratorParams */
/** @typedef {import('../pkg/conversion_playground.js').UpliftSettings} UpliftSettings */

/**
 * @typedef {object} FirstRequest The worker's half is under way: take the other.
 * @property {'first'} type
 * @property {number} id
 * @property {GeneratorParams} params the parameters of the worker's world
 * @property {UpliftSettings} settings
 * @property {number[] | undefined} weights
 */
/**
 * @typedef {object} WarmRequest Get ready for τ steps on this world, model
 * and assignment (the worker has just taken a step after a change of them).
 * @property {'warm'} type
 * @property {GeneratorParams} params
 * @property {UpliftSettings} settings
 * @property {number[] | undefined} weights
 */
/**
 * @typedef {object} TruthRequest The worker's half is done: with its keys'
 * histograms added to the helper's, the true rankings' pass.
 * @property {'truth'} type
 * @property {number} id
 * @property {Uint8Array} counts
 */

const ready = init();
/** @type {{world: World, key: string} | null} */
let held = null;
/** Whether the last 'first' request was answered with a half (a 'truth' may follow). */
let begun = false;
const lab = ready.then(() => new UpliftLab());

/**
 * Brings the world and the lab to the request's, however long it takes.
 * @param {UpliftLab} l
 * @param {FirstRequest | WarmRequest} r
 * @param {string} key
 */
function follow(l, r, key) {
  if (held?.key !== key) {
    held?.world.free();
    held = null;
    held = { world: new World(r.params), key };
  }
  l.followStep(held.world, r.settings, r.weights);
}

/** @param {FirstRequest | TruthRequest | WarmRequest} r */
async function handle(r) {
  const l = await lab;
  if (r.type === 'warm') {
    begun = false;
    follow(l, r, JSON.stringify(r.params));
    self.postMessage({ warm: true });
  } else if (r.type === 'first') {
    begun = false;
    const key = JSON.stringify(r.params);
    if (held?.key !== key || !l.follows(held.world, r.settings, r.weights)) {
      self.postMessage({ id: r.id, ready: false });
      follow(l, r, key);
      self.postMessage({ warm: true });
      return;
    }
    follow(l, r, key);
    const bytes = l.followFirst(/** @type {World} */ (held?.world));
    begun = true;
    self.postMessage({ id: r.id, bytes }, { transfer: [bytes.buffer] });
  } else if (!begun || !held) {
    // The step's first half was declined: the worker takes it all.
    self.postMessage({ id: r.id, bytes: null });
  } else {
    begun = false;
    const bytes = l.followTruth(held.world, r.counts);
    self.postMessage({ id: r.id, bytes }, { transfer: [bytes.buffer] });
  }
}

let queue = Promise.resolve();
self.onmessage = (/** @type {MessageEvent<FirstRequest | TruthRequest | WarmRequest>} */ event) => {
  const r = event.data;
  queue = queue.then(() => handle(r)).catch((error) => {
    self.postMessage({ id: 'id' in r ? r.id : undefined, error: error instanceof Error ? error.message : String(error) });
    // What failed may have left the world half made: start again next time.
    held = null;
    self.postMessage({ warm: true });
  });
};
