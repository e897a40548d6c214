// A promise-based client for worker.js.

/**
 * @typedef {object} Summary
 * @property {number} rows
 * @property {number} conversions
 * @property {number} conversionRate
 */

export class WorldClient {
  constructor() {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.nextId = 1;
    /** @type {Map<number, {resolve: Function, reject: Function}>} */
    this.pending = new Map();
    this.worker.onmessage = (event) => {
      const { id, ok, message, ...result } = event.data;
      const waiter = this.pending.get(id);
      if (!waiter) return;
      this.pending.delete(id);
      if (ok) waiter.resolve(result);
      else waiter.reject(new Error(message));
    };
  }

  /** @param {object} request */
  call(request) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...request });
    });
  }

  /** @returns {Promise<number>} */
  async maxRows() {
    return (await this.call({ type: 'limits' })).maxRows;
  }

  /**
   * Generates a world; rejects with the wasm error (naming the parameter).
   * @param {object} params
   * @returns {Promise<{summary: Summary, params: object}>}
   */
  generate(params) {
    return this.call({ type: 'generate', params });
  }

  /** @returns {Promise<Uint8Array>} the contract CSV bytes */
  async csv() {
    return (await this.call({ type: 'csv' })).bytes;
  }
}
