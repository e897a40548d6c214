// The Web Worker that owns the wasm `World`: generation, relabelling and CSV
// writing run here so the page never freezes, even at 1,000,000 rows.
import init, { World, maxRows, defaultParams } from './pkg/conversion_playground.js';

/** @type {World | null} */
let world = null;
const ready = init();

/**
 * @typedef {{id: number, type: 'update', params: object}
 *   | {id: number, type: 'csv'} | {id: number, type: 'limits'}} Request
 */

/** @param {Request} request */
function handle(request) {
  if (request.type === 'limits') {
    return { maxRows: maxRows(), defaults: defaultParams() };
  }
  if (request.type === 'update') {
    const started = performance.now();
    let view;
    if (world) {
      // On error the world is untouched: the last good data stay.
      view = world.update(request.params);
    } else {
      world = new World(request.params);
      view = world.view();
    }
    return { view, workMs: performance.now() - started };
  }
  if (request.type === 'csv') {
    if (!world) throw new Error('nothing has been generated yet');
    const bytes = world.csv();
    return { bytes, transfer: [bytes.buffer] };
  }
  throw new Error(`unknown request ${request.type}`);
}

self.onmessage = async (/** @type {MessageEvent<Request>} */ event) => {
  const request = event.data;
  try {
    await ready;
    const { transfer = [], ...result } = handle(request);
    self.postMessage({ id: request.id, ok: true, ...result }, transfer);
  } catch (error) {
    self.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
};
