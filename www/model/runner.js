// The live fit's animation: a cold fit started in the worker and stepped a
// few iterations per animation frame (one for whitened descent, more as
// plain descent goes on), paused, stepped by hand, or following the world
// warm after it moved. It hands each new state of the fit to the panel,
// which draws it.
import { LatestChannel } from '../app/worker-client.js';

/** @typedef {import('../pkg/conversion_playground.js').FitOptions} FitOptions */
/** @typedef {import('../app/worker-client.js').WorkerClient} WorkerClient */
/** @typedef {import('../app/worker-client.js').WorkerError} WorkerError */
/** @typedef {import('../worker/model.js').FitSnapshot} FitSnapshot */

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/** Iterations a warm refit runs in its first request; the animation steps on if it needs more. */
const FOLLOW_BUDGET = 50;

/**
 * @typedef {object} RunnerHooks
 * @property {() => void} onStarted a cold fit replaced the model on screen
 * @property {(snapshot: FitSnapshot) => void} onSnapshot a new state of the fit
 * @property {() => void} onStopped the animation ended
 * @property {(error: WorkerError) => void} onError
 * @property {() => boolean} live false while a fixed model is on screen
 */

export class FitRunner {
  /**
   * @param {WorkerClient} client
   * @param {RunnerHooks} hooks
   */
  constructor(client, hooks) {
    this.client = client;
    this.hooks = hooks;
    this.running = false;
    this.looping = false;
    this.done = false;
    this.hasFit = false;
    this.iterations = 0;
    /** Cold fits asked of the worker and not yet answered. */
    this.starting = 0;
    /** Whitened descent steps once per frame; plain descent speeds up. */
    this.whitened = true;
    /** @type {LatestChannel<{budget: number}, FitSnapshot & {how: string}>} */
    this.follows = new LatestChannel(client, 'model.follow');
  }

  /**
   * True while a cold fit is being started, the fit animates or a warm
   * refit is pending. (A fit started while another animates stops that
   * one's loop before its own first state arrives: without counting the
   * start, the panel would say settled in between.)
   */
  get busy() {
    return this.starting > 0 || this.running || this.looping || this.follows.inFlight || this.follows.queued !== null;
  }

  /** Iterations per animation frame. */
  perFrame() {
    return this.whitened ? 1 : Math.max(1, Math.floor(this.iterations / 15));
  }

  /** @param {FitSnapshot} snapshot */
  take(snapshot) {
    this.done = snapshot.progress.done;
    this.iterations = snapshot.progress.iterations;
    if (this.done) this.running = false;
    this.hooks.onSnapshot(snapshot);
  }

  /**
   * A cold fit from weights 0: animated (Fit) or left at the start (Reset).
   * @param {FitOptions} options
   * @param {boolean} run
   */
  async start(options, run) {
    this.running = false;
    this.whitened = options.optimizer === 'whitened';
    this.starting += 1;
    try {
      const snapshot = /** @type {FitSnapshot} */ (await this.client.call('model.fit', { options }));
      this.hasFit = true;
      this.hooks.onStarted();
      this.running = run;
      this.take(snapshot);
      if (this.running) this.loop();
    } catch (error) {
      this.hooks.onError(/** @type {WorkerError} */ (error));
    } finally {
      this.starting -= 1;
    }
  }

  /** Steps the fit a few iterations per animation frame while it runs. */
  async loop() {
    if (this.looping) return;
    this.looping = true;
    try {
      while (this.running && this.hooks.live()) {
        await nextFrame();
        if (!this.running) break;
        this.take(/** @type {FitSnapshot} */ (await this.client.call('model.step', { iterations: this.perFrame() })));
      }
    } catch (error) {
      this.running = false;
      this.hooks.onError(/** @type {WorkerError} */ (error));
    } finally {
      this.looping = false;
      this.hooks.onStopped();
    }
  }

  pause() {
    this.running = false;
  }

  /** One iteration, by hand. */
  async step() {
    this.running = false;
    if (!this.hasFit || !this.hooks.live()) return;
    try {
      this.take(/** @type {FitSnapshot} */ (await this.client.call('model.step', { iterations: 1 })));
    } catch (error) {
      this.hooks.onError(/** @type {WorkerError} */ (error));
    }
  }

  /** The world moved: the live fit follows it, warm, and animates on if it needs to. */
  follow() {
    this.follows.request(
      { budget: FOLLOW_BUDGET },
      (snapshot) => {
        performance.measure('conversion:model-follow', { start: performance.now(), detail: { workMs: snapshot.workMs, iterations: snapshot.progress.iterations } });
        this.take(snapshot);
        if (!snapshot.progress.done && !this.running) {
          this.running = true;
          this.loop();
        }
      },
      (error) => this.hooks.onError(error),
    );
  }
}
