// The page's side of the worker (worker/worker.js): promise-based requests by
// type, and channels where the latest request wins, so a slider drag never
// queues more than one update behind the one in flight.

/**
 * An error from the worker. Errors from the wasm core name the input at
 * fault (`field`) and what is wrong with it (`problem`), so the page can put
 * the message beside that input without parsing it.
 */
export class WorkerError extends Error {
  /**
   * @param {string} message
   * @param {string | undefined} field
   * @param {string | undefined} problem
   */
  constructor(message, field, problem) {
    super(message);
    this.name = 'WorkerError';
    /** @type {string | undefined} */
    this.field = field;
    /** @type {string | undefined} */
    this.problem = problem;
  }
}

/**
 * @typedef {object} Reply
 * @property {number} id
 * @property {boolean} ok
 * @property {unknown} [result]
 * @property {string} [message]
 * @property {string} [field]
 * @property {string} [problem]
 */

export class WorkerClient {
  constructor() {
    this.worker = new Worker(new URL('../worker/worker.js', import.meta.url), { type: 'module' });
    this.nextId = 1;
    /** @type {Map<number, {resolve: (value: any) => void, reject: (error: WorkerError) => void}>} */
    this.pending = new Map();
    this.worker.onmessage = (/** @type {MessageEvent<Reply>} */ event) => {
      const { id, ok, result, message, field, problem } = event.data;
      const waiter = this.pending.get(id);
      if (!waiter) return;
      this.pending.delete(id);
      if (ok) waiter.resolve(result);
      else waiter.reject(new WorkerError(message ?? 'the worker failed', field, problem));
    };
  }

  /**
   * Sends a request to the worker's handler for `type`.
   * @template T
   * @param {string} type e.g. "world.update"
   * @param {unknown} [payload]
   * @returns {Promise<T>}
   */
  call(type, payload) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, payload });
    });
  }
}

/**
 * Requests of one type where only the newest matters: while one is in
 * flight, a newer one replaces any waiting one.
 * @template P, R
 */
export class LatestChannel {
  /**
   * @param {WorkerClient} client
   * @param {string} type
   */
  constructor(client, type) {
    this.client = client;
    this.type = type;
    /** @type {{payload: P, onResult: (result: R, payload: P) => void, onError: (error: WorkerError, payload: P) => void} | null} */
    this.queued = null;
    this.inFlight = false;
    /** @type {(() => void)[]} resolved once nothing is in flight or queued */
    this.idleWaiters = [];
  }

  /**
   * Asks for `payload`; `onResult` gets the result, `onError` the failure,
   * unless a newer request replaced this one before it was sent.
   * @param {P} payload
   * @param {(result: R, payload: P) => void} onResult
   * @param {(error: WorkerError, payload: P) => void} onError
   */
  request(payload, onResult, onError) {
    this.queued = { payload, onResult, onError };
    if (!this.inFlight) this.#pump();
  }

  async #pump() {
    const job = this.queued;
    if (!job) return;
    this.queued = null;
    this.inFlight = true;
    try {
      const result = /** @type {R} */ (await this.client.call(this.type, job.payload));
      job.onResult(result, job.payload);
    } catch (error) {
      job.onError(/** @type {WorkerError} */ (error), job.payload);
    } finally {
      this.inFlight = false;
      if (this.queued) this.#pump();
      else this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  /** @returns {Promise<void>} resolved once every request has been answered */
  settled() {
    if (!this.inFlight && !this.queued) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
