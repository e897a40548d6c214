// A realistic world in one click: a target conversion rate solves the
// baseline b0 for the users on screen (their signals and their own noise
// draws, by the core's bisection) and moves the b0 slider; a preset gives a
// realistic streaming base rate. Off for imported users: no noise draws, no
// b0 to move.
import { fromText } from '../app/link.js';
import { announce } from '../app/announce.js';
import { counted, formatNumber, formatPercent } from '../app/format.js';

/** @typedef {import('../app/worker-client.js').WorkerClient} WorkerClient */
/** @typedef {import('../app/worker-client.js').WorkerError} WorkerError */
/** @typedef {import('../pkg/conversion_playground.js').View} View */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

export class TargetRate {
  /**
   * @param {WorkerClient} client
   * @param {number} realistic the preset's rate, from the core
   * @param {(baseline: number) => void} setBaseline moves the world's b0
   */
  constructor(client, realistic, setBaseline) {
    this.client = client;
    this.setBaseline = setBaseline;
    /** @type {View | null} */
    this.view = null;
    const input = /** @type {HTMLInputElement} */ ($('target-rate'));
    const preset = $('target-rate-preset');
    preset.textContent = `Realistic: ${formatPercent(realistic).replace('.0%', '%')}`;
    preset.addEventListener('click', () => {
      input.value = String(realistic);
      this.solve();
    });
    $('target-rate-solve').addEventListener('click', () => this.solve());
    input.addEventListener('change', () => this.solve());
  }

  /** Solves b0 for the target on the users on screen, and moves the slider. */
  async solve() {
    const input = /** @type {HTMLInputElement} */ ($('target-rate'));
    const typed = fromText('number', input.value);
    const rows = this.view?.summary.rows ?? 0;
    try {
      // The core judges the target (a rate above 0 and below 1), naming it.
      const baseline = /** @type {number} */ (await this.client.call('decide.baseline', { target: typeof typed === 'number' ? typed : Number.NaN }));
      this.error('');
      $('target-rate-note').textContent = `Solved for these ${counted(rows, 'user')} (their signals and their own noise draws): `
        + `b0 = ${formatNumber(baseline, 4)} makes their average true probability ${formatPercent(Number(typed))}. `
        + 'The labels are then drawn, so the rate shown is close to it, not exactly it; other users (another seed or size) need their own solve.';
      this.setBaseline(baseline);
      announce(`b0 set to ${formatNumber(baseline, 2)} for a target rate of ${formatPercent(Number(typed))}.`);
    } catch (error) {
      const e = /** @type {WorkerError} */ (error);
      this.error(e.field === 'targetRate' && e.problem ? `The target rate ${e.problem}.` : `Could not solve b0: ${e.message}.`);
    }
  }

  /** @param {string} message */
  error(message) {
    $('target-rate-error').hidden = !message;
    $('target-rate-error').textContent = message;
    $('target-rate').setAttribute('aria-invalid', String(Boolean(message)));
  }

  /**
   * The world on screen: generated users can be solved for, imported ones not.
   * @param {View} view
   */
  show(view) {
    this.view = view;
    for (const id of ['target-rate', 'target-rate-solve', 'target-rate-preset']) {
      /** @type {HTMLInputElement} */ ($(id)).disabled = view.imported;
    }
    $('target-rate-off').hidden = !view.imported;
  }
}
