// The Web Worker that owns the wasm `World`: generation and CSV writing run
// here so the page never freezes, even at 1,000,000 rows.
import init, { World, maxRows } from './pkg/conversion_playground.js';

/** @type {World | null} */
let world = null;
const ready = init();

/**
 * @typedef {{id: number, type: 'generate', params: object} | {id: number, type: 'csv'} | {id: number, type: 'limits'}} Request
 */

self.onmessage = async (/** @type {MessageEvent<Request>} */ event) => {
  const request = event.data;
  try {
    await ready;
    if (request.type === 'limits') {
      self.postMessage({ id: request.id, ok: true, maxRows: maxRows() });
    } else if (request.type === 'generate') {
      // A failed generation leaves the last good world in place.
      const next = new World(request.params);
      if (world) world.free();
      world = next;
      self.postMessage({ id: request.id, ok: true, summary: world.summary(), params: world.params() });
    } else if (request.type === 'csv') {
      if (!world) throw new Error('nothing generated yet');
      const bytes = world.csv();
      self.postMessage({ id: request.id, ok: true, bytes }, [bytes.buffer]);
    }
  } catch (error) {
    self.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
};
