// The model panel's controls (the static markup of index.html, wired here):
// Fit, Pause, Step and Reset; the optimiser, its learning rate (log scale),
// L2 (log scale, far left off), the held-out share, the split seed, the
// signals in the model, auto-refit, freeze, the threshold, and the model
// file. Values go out as the link's values; the panel decides what they do.
import { fromText } from '../app/link.js';
import { SIGNALS } from './options.js';
import { strength } from './format.js';

/** @typedef {import('../pkg/conversion_playground.js').ModelDefaults} ModelDefaults */
/** @typedef {import('../app/link.js').Values} Values */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/** The L2 slider's far left: off. */
const L2_OFF = -5;

/**
 * @typedef {object} ModelHandlers
 * @property {(key: string, value: string | number) => void} onChange
 * @property {() => void} onFit
 * @property {() => void} onPause
 * @property {() => void} onStep
 * @property {() => void} onReset
 * @property {(frozen: boolean) => void} onFreeze
 * @property {() => void} onDownload
 * @property {(file: File) => void} onImport
 */

/** A learning rate from its slider position (log10), to 2 significant digits. @param {number} v */
const rateOf = (v) => Number((10 ** v).toPrecision(2));
/** An L2 strength from its slider position (log10; far left is 0). @param {number} v */
const l2Of = (v) => (v <= L2_OFF ? 0 : Number((10 ** v).toPrecision(2)));

export class ModelControls {
  /**
   * @param {ModelDefaults} defaults
   * @param {Record<string, string>} labels each signal's name for people
   * @param {number} autoRefitLimit
   * @param {ModelHandlers} handlers
   */
  constructor(defaults, labels, autoRefitLimit, handlers) {
    this.defaults = defaults;
    this.handlers = handlers;
    const rate = input('learning-rate');
    rate.min = String(Math.log10(defaults.learningRates.min));
    rate.max = String(Math.log10(defaults.learningRates.max));
    rate.step = '0.05';
    const fit = defaults.fit;
    $('learning-rate-default').textContent = `default ${strength(fit.learningRate)}`;
    $('l2-default').textContent = `default ${strength(fit.l2)}`;
    $('test-fraction-default').textContent = `default ${fit.testFraction}`;
    $('split-seed-default').textContent = `default ${fit.splitSeed}`;
    $('threshold-default').textContent = `default ${defaults.threshold}`;
    $('auto-refit-limit').textContent = autoRefitLimit.toLocaleString('en-US');

    const box = $('model-signals');
    /** @type {Map<string, HTMLInputElement>} */
    this.signals = new Map();
    for (const signal of SIGNALS) {
      const label = document.createElement('label');
      const check = document.createElement('input');
      check.type = 'checkbox';
      check.dataset.testid = `use-${signal}`;
      check.addEventListener('change', () => this.#changeSignals());
      label.append(check, ` ${labels[signal] ?? signal}`);
      box.append(label);
      this.signals.set(signal, check);
    }

    const slider = (/** @type {string} */ id, /** @type {string} */ key, /** @type {(v: number) => number} */ of) => {
      const el = input(id);
      el.addEventListener('input', () => {
        const value = of(Number(el.value));
        this.#show(key, value);
        handlers.onChange(key, value);
      });
    };
    slider('learning-rate', 'learningRate', rateOf);
    slider('l2', 'l2', l2Of);
    slider('test-fraction', 'testFraction', (v) => v);
    slider('threshold', 'threshold', (v) => v);
    input('optimizer').addEventListener('change', () => handlers.onChange('optimizer', input('optimizer').value));
    const seed = input('split-seed');
    const commit = () => handlers.onChange('splitSeed', fromText('whole', seed.value));
    seed.addEventListener('change', commit);
    seed.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') commit();
    });
    input('auto-refit').addEventListener('change', () => handlers.onChange('autoRefit', input('auto-refit').checked ? 1 : 0));
    input('freeze-model').addEventListener('change', () => handlers.onFreeze(input('freeze-model').checked));
    $('fit-start').addEventListener('click', () => handlers.onFit());
    $('fit-pause').addEventListener('click', () => handlers.onPause());
    $('fit-step').addEventListener('click', () => handlers.onStep());
    $('fit-reset').addEventListener('click', () => handlers.onReset());
    $('download-model').addEventListener('click', () => handlers.onDownload());
    const file = input('import-model');
    file.addEventListener('change', () => {
      const chosen = file.files?.[0];
      if (chosen) handlers.onImport(chosen);
      file.value = '';
    });
  }

  #changeSignals() {
    const out = SIGNALS.filter((s) => !this.signals.get(s)?.checked);
    this.handlers.onChange('leaveOut', out.join(','));
  }

  /**
   * Shows a slider's value beside it.
   * @param {string} key
   * @param {number} value
   */
  #show(key, value) {
    const ids = /** @type {Record<string, string>} */ ({ learningRate: 'learning-rate', l2: 'l2', testFraction: 'test-fraction', threshold: 'threshold' });
    const output = document.getElementById(`${ids[key]}-value`);
    if (!output) return;
    output.textContent = key === 'testFraction' ? `${Math.round(value * 100)}%` : key === 'threshold' ? value.toFixed(2) : strength(value);
    // A screen reader says the value as the readout shows it, not the slider's position.
    input(ids[key]).setAttribute('aria-valuetext', output.textContent);
  }

  /**
   * Shows values (on load, after a link or a correction).
   * @param {Values} values
   */
  setValues(values) {
    const number = (/** @type {string} */ key) => Number(values[key]);
    input('optimizer').value = String(values.optimizer);
    input('learning-rate').value = String(Math.log10(number('learningRate')));
    input('l2').value = String(number('l2') > 0 ? Math.log10(number('l2')) : L2_OFF);
    input('test-fraction').value = String(number('testFraction'));
    input('threshold').value = String(number('threshold'));
    input('split-seed').value = String(values.splitSeed);
    input('auto-refit').checked = number('autoRefit') !== 0;
    for (const key of ['learningRate', 'l2', 'testFraction', 'threshold']) this.#show(key, number(key));
    const out = String(values.leaveOut).split(',');
    for (const [signal, check] of this.signals) check.checked = !out.includes(signal);
    this.showLearningRate(String(values.optimizer));
  }

  /**
   * The learning rate applies to the plain optimisers only.
   * @param {string} optimizer
   */
  showLearningRate(optimizer) {
    input('learning-rate').disabled = optimizer === 'whitened';
    $('learning-rate-field').classList.toggle('inactive', optimizer === 'whitened');
  }

  /**
   * The buttons while a fit runs, is paused or is done.
   * @param {{running: boolean, done: boolean, fixed: boolean}} state
   */
  setRunning({ running, done, fixed }) {
    /** @type {HTMLButtonElement} */ ($('fit-pause')).disabled = !running;
    /** @type {HTMLButtonElement} */ ($('fit-step')).disabled = running || done || fixed;
    $('fit-start').textContent = running ? 'Fit again' : 'Fit';
  }

  /** @param {boolean} frozen */
  setFrozen(frozen) {
    input('freeze-model').checked = frozen;
  }

  /**
   * Shows (or clears) a message beside the split seed or in the panel.
   * @param {string | null} key the option at fault, if it has a control
   * @param {string | null} message
   */
  setError(key, message) {
    const seedError = $('split-seed-error');
    const panelError = $('model-error');
    if (key === 'splitSeed') {
      seedError.hidden = !message;
      seedError.textContent = message ?? '';
      input('split-seed').setAttribute('aria-invalid', message ? 'true' : 'false');
      return;
    }
    if (!message) {
      seedError.hidden = true;
      input('split-seed').setAttribute('aria-invalid', 'false');
    }
    panelError.hidden = !message;
    panelError.textContent = message ?? '';
  }
}
