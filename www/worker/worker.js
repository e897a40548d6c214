// The Web Worker that owns the wasm handles: generation, relabelling, CSV
// writing, fitting and the truth run here so the page never freezes, even at
// 1,000,000 users. Each concern registers its request
// handlers in its own module; this file only dispatches.
import init from '../pkg/conversion_playground.js';
import { handlers as decide } from './decide.js';
import { handlers as model } from './model.js';
import { handlers as uplift } from './uplift.js';
import { handlers as world } from './world.js';
import { buffersOf } from './transfer.js';

/**
 * A handler's answer: the result, and the buffers to transfer rather than
 * copy (by default those of the typed arrays in the result: chart data).
 * @typedef {{result: unknown, transfer?: Transferable[]}} Answer
 */

/** @type {Record<string, (payload: any) => Answer>} */
const handlers = { ...world, ...model, ...decide, ...uplift };
const ready = init();

/**
 * @param {unknown} error
 * @returns {{message: string, field?: string, problem?: string}}
 */
function describe(error) {
  if (error instanceof Error) {
    const { field, problem } = /** @type {{field?: string, problem?: string}} */ (/** @type {unknown} */ (error));
    return { message: error.message, field, problem };
  }
  return { message: String(error) };
}

self.onmessage = async (/** @type {MessageEvent<{id: number, type: string, payload: unknown}>} */ event) => {
  const { id, type, payload } = event.data;
  try {
    await ready;
    const handler = handlers[type];
    if (!handler) throw new Error(`unknown request ${type}`);
    const { result, transfer = buffersOf(result) } = handler(payload);
    self.postMessage({ id, ok: true, result }, { transfer });
  } catch (error) {
    self.postMessage({ id, ok: false, ...describe(error) });
  }
};
