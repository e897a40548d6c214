// The page's worker's side of the helper worker (helper.js): asks it for the
// later half of a τ step, and knows when not to. Without a helper (a browser
// with no workers inside workers, a helper that failed) or while it gets
// ready for a new world or model, every answer is null and the worker takes
// both halves itself: the same numbers, on one core.

/** @typedef {import('./helper.js').FirstRequest} FirstRequest */
/** @typedef {import('./helper.js').TruthRequest} TruthRequest */
/** @typedef {import('./helper.js').WarmRequest} WarmRequest */

/**
 * How long an answer may take before the helper counts as gone (a half at
 * a million users takes tens of milliseconds; a helper that crashed or
 * closed never answers, and the lab must not wait on it for ever).
 */
const PATIENCE_MS = 2000;

/**
 * How long the world, model and assignment must stay as they are before
 * the helper gets ready for them (not at every step of a drag).
 */
const SETTLE_MS = 400;

/** Asks a helper worker for halves, started on first use. */
export class Helper {
  constructor() {
    /** @type {Worker | null} */
    this.worker = null;
    /**
     * False once the helper failed or cannot start: never asked again. Off
     * from the start when the worker's own address says `helper=off` (the
     * benchmark's one-core comparison).
     */
    this.usable = typeof Worker === 'function' && new URLSearchParams(self.location.search).get('helper') !== 'off';
    /** True while it gets ready after declining a request. */
    this.warming = false;
    this.nextId = 1;
    /** @type {Map<number, (bytes: Uint8Array | null) => void>} */
    this.pending = new Map();
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.warmTimer = undefined;
  }

  /**
   * Has the helper get ready for τ steps on `request`'s world, model and
   * assignment once they have stayed so for a moment, so that the first τ
   * step after a change is already taken on two cores.
   * @param {Omit<WarmRequest, 'type'>} request
   */
  warmSoon(request) {
    clearTimeout(this.warmTimer);
    if (!this.usable) return;
    this.warmTimer = setTimeout(() => {
      const worker = this.start();
      if (!worker || this.warming) return;
      this.warming = true;
      worker.postMessage({ ...request, type: 'warm' });
    }, SETTLE_MS);
  }

  /** @returns {Worker | null} */
  start() {
    if (this.worker || !this.usable) return this.worker;
    try {
      this.worker = new Worker(new URL('./helper.js', import.meta.url), { type: 'module' });
    } catch {
      this.usable = false;
      return null;
    }
    this.worker.onmessage = (/** @type {MessageEvent<{id?: number, bytes?: Uint8Array, ready?: boolean, warm?: boolean, error?: string}>} */ event) => {
      const { id, bytes, ready, warm } = event.data;
      if (warm) this.warming = false;
      if (ready === false) {
        // Declined: it gets ready now, which may take longer than any
        // answer is waited for. Nothing asked before is answered with a
        // half (the step's truth request included): null, at once.
        this.warming = true;
        this.answerAll(null);
        return;
      }
      if (id === undefined) return;
      const answer = this.pending.get(id);
      this.pending.delete(id);
      answer?.(bytes ?? null);
    };
    this.worker.onerror = () => this.fail();
    this.worker.onmessageerror = () => this.fail();
    return this.worker;
  }

  /** The helper is gone: every question in flight is answered null. */
  fail() {
    this.usable = false;
    this.worker?.terminate();
    this.worker = null;
    this.answerAll(null);
  }

  /**
   * Answers every question in flight with `bytes`.
   * @param {Uint8Array | null} bytes
   */
  answerAll(bytes) {
    const answers = [...this.pending.values()];
    this.pending.clear();
    for (const answer of answers) answer(bytes);
  }

  /**
   * Sends `request`: a promise of the helper's bytes (null when it declines
   * or fails), or null, not sent, when it is not there to ask or busy
   * getting ready.
   * @param {Omit<FirstRequest, 'id'> | Omit<TruthRequest, 'id'>} request
   * @param {Transferable[]} [transfer]
   * @returns {Promise<Uint8Array | null> | null}
   */
  ask(request, transfer = []) {
    if (this.warming) return null;
    const worker = this.start();
    if (!worker) return null;
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.fail(), PATIENCE_MS);
      this.pending.set(id, (bytes) => {
        clearTimeout(timer);
        resolve(bytes);
      });
      worker.postMessage({ ...request, id }, { transfer });
    });
  }
}
