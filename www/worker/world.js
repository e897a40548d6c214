// The worker's world handlers: the parameter table, moving the world to new
// parameters, who a move flipped, and the CSV of the world on screen.
import { World, maxRows, parameterSchema, randomSeed } from '../pkg/conversion_playground.js';
import { state } from './state.js';

/** @typedef {import('../pkg/conversion_playground.js').View} View */
/** @typedef {import('../pkg/conversion_playground.js').GeneratorParams} GeneratorParams */

export const handlers = {
  /** The parameter table and the row limit, for the page's controls. */
  'world.schema': () => ({ result: { schema: parameterSchema(), maxRows: maxRows() } }),

  /**
   * Moves the world to `params` (creating it the first time); on error the
   * world is untouched, so the last good data stay.
   * @param {GeneratorParams} params
   */
  'world.update': (params) => {
    const started = performance.now();
    /** @type {View} */
    let view;
    if (state.world) {
      view = state.world.update(params);
    } else {
      state.world = new World(params);
      view = state.world.view();
    }
    state.params = params;
    return { result: { view, workMs: performance.now() - started } };
  },

  /**
   * Who moving from `before` to the parameters on screen flipped: the same
   * users labelled under both (common random numbers).
   * @param {GeneratorParams} before
   */
  'world.flips': (before) => {
    if (!state.world) throw new Error('nothing has been generated yet');
    return { result: state.world.flips(before) };
  },

  /** A seed drawn from the browser's cryptographic randomness, by the core. */
  'world.randomSeed': () => ({ result: randomSeed() }),

  /** The contract CSV of the world on screen, as a Blob made in wasm. */
  'world.csv': () => {
    if (!state.world) throw new Error('nothing has been generated yet');
    return { result: state.world.csvBlob() };
  },
};
