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

/** @type {Record<string, (payload: any) => Answer | Promise<Answer>>} */
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

/**
 * Answers one request.
 * @param {{id: number, type: string, payload: unknown}} request
 */
async function answer({ id, type, payload }) {
  try {
    await ready;
    const handler = handlers[type];
    if (!handler) throw new Error(`unknown request ${type}`);
    const { result, transfer = buffersOf(result) } = await handler(payload);
    self.postMessage({ id, ok: true, result }, { transfer });
  } catch (error) {
    self.postMessage({ id, ok: false, ...describe(error) });
  }
}

// One request at a time, in the order sent: a handler that waits (the
// uplift lab waits on its helper worker) holds the next back, so no request
// sees the handles halfway through another's change.
let queue = Promise.resolve();
self.onmessage = (/** @type {MessageEvent<{id: number, type: string, payload: unknown}>} */ event) => {
  queue = queue.then(() => answer(event.data));
};
