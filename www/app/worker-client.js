// A promise-based client for worker.js, with "latest wins" coalescing so a
// slider drag never queues more than one update behind the one in flight.

/** @typedef {import('./pkg/conversion_playground.js').View} View */

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
    /** @type {object | null} parameters waiting for the in-flight update */
    this.queued = null;
    this.inFlight = false;
    /** @type {Function[]} resolved once no update is in flight or queued */
    this.idleWaiters = [];
  }

  /** @param {object} request */
  call(request) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...request });
    });
  }

  /** @returns {Promise<{maxRows: number, defaults: object}>} */
  limits() {
    return this.call({ type: 'limits' });
  }

  /**
   * Asks for the world at `params`. While an update is in flight only the
   * newest request waits; older waiting ones are dropped. `onView` gets each
   * result, `onError` each failure (the worker keeps its last good world).
   * @param {object} params
   * @param {(view: View, workMs: number, params: object) => void} onView
   * @param {(error: Error, params: object) => void} onError
   */
  request(params, onView, onError) {
    this.queued = { params, onView, onError };
    if (!this.inFlight) this.#pump();
  }

  async #pump() {
    const job = this.queued;
    if (!job) return;
    this.queued = null;
    this.inFlight = true;
    try {
      const { view, workMs } = await this.call({ type: 'update', params: job.params });
      job.onView(view, workMs, job.params);
    } catch (error) {
      job.onError(/** @type {Error} */ (error), job.params);
    } finally {
      this.inFlight = false;
      if (this.queued) this.#pump();
      else this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  /** Resolves once every requested update has been applied. */
  settled() {
    if (!this.inFlight && !this.queued) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** @returns {Promise<Uint8Array>} the contract CSV bytes of the world on screen */
  async csv() {
    await this.settled();
    return (await this.call({ type: 'csv' })).bytes;
  }
}
