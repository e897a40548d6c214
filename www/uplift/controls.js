// The uplift lab's controls: the offer and its experiment built from the
// parameter table (as the world's controls are, by the same code), and the
// lab's own from the page's markup: the budget of offers, what a conversion
// is worth, what an offer costs, the discount, and the smallest lift worth
// detecting. Values go out as the link's values; the panel decides what
// they do.
import { fromText } from '../app/link.js';
import { Controls } from '../world/controls.js';
import { OFFER_GROUPS } from './options.js';

/** @typedef {import('../pkg/conversion_playground.js').ParamInfo} ParamInfo */
/** @typedef {import('../pkg/conversion_playground.js').UpliftDefaults} UpliftDefaults */
/** @typedef {import('../app/link.js').Values} Values */

const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** The lab's own settings: their input's id and how they read. */
const OWN = /** @type {Record<string, {id: string, text: (x: number) => string}>} */ ({
  budget: { id: 'uplift-budget', text: (x) => `${Math.round(x * 100)}%` },
  valuePerConversion: { id: 'uplift-value', text: String },
  costPerContact: { id: 'uplift-cost', text: String },
  discount: { id: 'uplift-discount', text: String },
  minimumEffect: { id: 'minimum-effect', text: String },
});

/**
 * @typedef {object} UpliftHandlers
 * @property {(key: string, value: string | number, live: boolean) => void} onChange
 *   a control moved; `live` while a slider is being dragged
 * @property {() => void} onCommit a slider was let go, or stepped by a key
 */

export class UpliftControls {
  /**
   * @param {HTMLElement} root the lab's controls
   * @param {ParamInfo[]} offerSchema
   * @param {UpliftDefaults} defaults
   * @param {UpliftHandlers} handlers
   */
  constructor(root, offerSchema, defaults, handlers) {
    this.offer = new Controls(root, offerSchema, 0, {
      onChange: handlers.onChange,
      onCommit: handlers.onCommit,
      onRandomSeed: () => {},
      onReset: () => {},
    }, { groups: OFFER_GROUPS, defaultWord: 'default' });
    for (const [key, own] of Object.entries(OWN)) {
      const field = input(own.id);
      const fallback = defaults[/** @type {'budget'} */ (key)];
      const shown = $(`${own.id}-default`);
      if (shown) shown.textContent = `default ${own.text(Number(fallback))}`;
      if (field.type === 'range') {
        field.addEventListener('input', () => {
          this.#showRange(key, Number(field.value));
          handlers.onChange(key, Number(field.value), true);
        });
        field.addEventListener('change', () => handlers.onCommit());
      } else {
        const commit = () => handlers.onChange(key, fromText('number', field.value), false);
        field.addEventListener('change', commit);
        field.addEventListener('keydown', (event) => {
          if (event.key === 'Enter') commit();
        });
      }
    }
  }

  /**
   * @param {string} key
   * @param {number} value
   */
  #showRange(key, value) {
    const text = OWN[key].text(value);
    $(`${OWN[key].id}-value`).textContent = text;
    input(OWN[key].id).setAttribute('aria-valuetext', text);
  }

  /**
   * Shows the values in use.
   * @param {Values} values
   * @param {{sliders?: boolean}} [which] false: leave the sliders (one may be mid-drag)
   */
  setValues(values, which = {}) {
    this.offer.setValues(values, which);
    for (const [key, own] of Object.entries(OWN)) {
      const field = input(own.id);
      if (field.type === 'range') {
        if (which.sliders === false) continue;
        field.value = String(values[key]);
        this.#showRange(key, Number(values[key]));
      } else if (document.activeElement !== field) {
        field.value = String(values[key]);
      }
    }
  }

  /**
   * Shows (or clears, with null) the message beside a control.
   * @param {string} key a parameter key or one of the lab's settings
   * @param {string | null} message
   */
  setError(key, message) {
    const own = OWN[key];
    if (!own) {
      this.offer.setError(key, message);
      return;
    }
    const box = $(`${own.id}-error`);
    box.hidden = !message;
    box.textContent = message ?? '';
    input(own.id).setAttribute('aria-invalid', message ? 'true' : 'false');
  }

  /** True when `key` has a control here. */
  has(/** @type {string} */ key) {
    return key in OWN || this.offer.inputs.has(key);
  }

  /** Clears every message. */
  clearErrors() {
    this.offer.clearErrors();
    for (const key of Object.keys(OWN)) this.setError(key, null);
  }
}
