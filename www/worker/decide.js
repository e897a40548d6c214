// The worker's decision handlers: the model on screen ranked once on the
// world's evaluation users (rebuilt when the model or the world changes),
// then read at any thresholds and economics while a person drags them; one
// what-if user; the scored users as a CSV; b0 solved for a target rate; and
// a contract CSV imported in chunks, the world replaced only by a file that
// meets the contract.
import { CsvImport, Decisions, baselineForRate, decideDefaults, scoredCsvOfFit, scoredCsvOfFixed } from '../pkg/conversion_playground.js';
import { state } from './state.js';

/** @typedef {import('../pkg/conversion_playground.js').FitOptions} FitOptions */
/** @typedef {import('../pkg/conversion_playground.js').Thresholds} Thresholds */
/** @typedef {import('../pkg/conversion_playground.js').Economics} Economics */
/** @typedef {import('../pkg/conversion_playground.js').UserSignals} UserSignals */
/** @typedef {import('../pkg/conversion_playground.js').DecisionView} DecisionView */
/** @typedef {import('../pkg/conversion_playground.js').View} View */

/**
 * A policy to read the decisions at.
 * @typedef {object} Policy
 * @property {Thresholds} thresholds
 * @property {Economics | undefined} economics
 */

function world() {
  if (!state.world) throw new Error('nothing has been generated yet');
  return state.world;
}

function decisions() {
  if (!state.decisions) throw new Error('there is no model to decide with yet');
  return state.decisions;
}

/**
 * The decisions at `policy`, timed.
 * @param {Policy} policy
 * @param {number} started
 */
function read({ thresholds, economics }, started) {
  state.thresholds = thresholds;
  const view = decisions().view(thresholds, economics);
  return { result: { view, workMs: performance.now() - started } };
}

export const handlers = {
  /** The decisions' defaults, from the core. */
  'decide.defaults': () => ({ result: decideDefaults() }),

  /**
   * Ranks the evaluation users of the model on screen (the live fit on its
   * world, or a frozen or imported one on `split`'s held-out users), then
   * reads the decisions at `policy`.
   * @param {Policy & {split: FitOptions}} payload
   */
  'decide.build': ({ split, ...policy }) => {
    const started = performance.now();
    const here = world();
    let next;
    if (state.fixed) next = Decisions.ofFixed(state.fixed, here, split);
    else if (state.fit) next = Decisions.ofFit(state.fit, here);
    else throw new Error('there is no model to decide with yet');
    state.decisions?.free();
    state.decisions = next;
    const buildMs = performance.now() - started;
    const { result } = read(policy, started);
    return { result: { ...result, buildMs } };
  },

  /**
   * The decisions at another policy: a threshold dragged, an amount typed.
   * @param {Policy} policy
   */
  'decide.view': (policy) => read(policy, performance.now()),

  /**
   * One what-if user at `thresholds`.
   * @param {{user: UserSignals, thresholds: Thresholds}} payload
   */
  'decide.whatIf': ({ user, thresholds }) => ({ result: decisions().whatIf(user, thresholds) }),

  /**
   * Every user of the world scored by the model on screen, as `conversion
   * score --format csv` writes them: a Blob made in wasm.
   * @param {{split: FitOptions, thresholds: Thresholds}} payload
   */
  'decide.scored': ({ split, thresholds }) => {
    const here = world();
    if (state.fixed) return { result: scoredCsvOfFixed(state.fixed, here, split, thresholds) };
    if (state.fit) return { result: scoredCsvOfFit(state.fit, here, thresholds) };
    throw new Error('there is no model to score with yet');
  },

  /**
   * The b0 at which the world's users would convert at `target` on average.
   * @param {{target: number}} payload
   */
  'decide.baseline': ({ target }) => ({ result: baselineForRate(world(), target) }),

  /** Starts reading a CSV (a read in progress is dropped). */
  'import.begin': () => {
    state.import?.free();
    state.import = new CsvImport();
    return { result: null };
  },

  /**
   * The next bytes of the file: the users read so far, and whether reading
   * should go on (false once a limit stops it).
   * @param {{bytes: Uint8Array}} payload
   */
  'import.chunk': ({ bytes }) => {
    if (!state.import) throw new Error('no file is being read');
    const more = state.import.feed(bytes);
    return { result: { more, rows: state.import.rows } };
  },

  /**
   * The end of the file: a file that meets the contract becomes the world
   * (its View); one that does not leaves everything as it was and lists its
   * problems (the first 20, and how many in all).
   */
  'import.finish': () => {
    const started = performance.now();
    const file = state.import;
    if (!file) throw new Error('no file is being read');
    state.import = null;
    try {
      /** @type {View} */
      const view = world().importCsv(file);
      // Imported users: no parameters draw them.
      state.params = null;
      return { result: { ok: true, view, workMs: performance.now() - started } };
    } catch (error) {
      const { problems, total, message } = /** @type {{problems?: string[], total?: number, message: string}} */ (error);
      if (!problems) throw error;
      return { result: { ok: false, problems, total: total ?? problems.length, message } };
    }
  },

  /** Drops a read in progress. */
  'import.cancel': () => {
    state.import?.free();
    state.import = null;
    return { result: null };
  },
};
