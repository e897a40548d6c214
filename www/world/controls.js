// The world's control panel, built from the parameter table the wasm core
// exports (`parameterSchema()`): a labelled slider (with its value and the
// contract default) or text field per parameter, each with its product
// meaning and a place for an error message. No number here is the page's
// own: defaults, ranges and steps all come from Rust.
import { fromText } from '../app/link.js';
import { formatCount } from '../app/format.js';

/** @typedef {import('../pkg/conversion_playground.js').ParamInfo} ParamInfo */
/** @typedef {import('../app/link.js').Values} Values */

/** The control groups, in page order (a link can hide any of them). */
export const GROUPS = ['world', 'score', 'weights', 'tiers', 'advanced'];

/** Stable test ids of the controls (part of the page's interface). */
const TESTIDS = /** @type {Record<string, string>} */ ({
  seed: 'seed',
  rows: 'rows',
  baseline: 'baseline-b0',
  noiseSigma: 'noise-sigma',
  'distributions.days_since_signup.min': 'days-min',
  'distributions.days_since_signup.max': 'days-max',
  'distributions.sessions_7d.lambda': 'sessions-lambda',
  'distributions.content_hours_7d.shape': 'content-hours-shape',
  'distributions.content_hours_7d.scale': 'content-hours-scale',
  'distributions.downloads_7d.lambda': 'downloads-lambda',
  'distributions.paywall_views_7d.lambda': 'paywall-views-lambda',
  'offer.effect': 'offer-effect',
  'offer.fatigue': 'offer-fatigue',
  'offer.tierEffects.tier_1': 'offer-tier-1-effect',
  'offer.tierEffects.tier_2': 'offer-tier-2-effect',
  'offer.tierEffects.tier_3': 'offer-tier-3-effect',
  'offer.treatedShare': 'treated-share',
  'offer.assignmentSeed': 'assignment-seed',
});

/**
 * The test id of a parameter's control.
 * @param {string} key
 */
function testidOf(key) {
  if (TESTIDS[key]) return TESTIDS[key];
  const [group, name] = key.split('.');
  if (group === 'weights') return `weight-${name}`;
  if (group === 'tierEffects') return `tier-effect-${name}`;
  if (group === 'tierMix') return `tier-mix-${name}`;
  return key;
}

/** Quick sizes besides the contract's default and the page's limit. */
const ROW_PRESETS = [1_000, 100_000];

/** The tier shares, in order: the last one follows the others. */
export const SHARES = ['tierMix.tier_1', 'tierMix.tier_2', 'tierMix.tier_3'];

/** @param {string} key */
export const domId = (key) => `f-${key.replaceAll('.', '-')}`;

/**
 * A value as its control shows it: a slider's value to its decimals (or
 * every decimal it has, when it has more: a link may carry 0.123), whole
 * numbers with thousands separators, anything else as it is.
 * @param {string | number} value
 * @param {ParamInfo} field
 */
export function show(value, field) {
  if (typeof value !== 'number') return String(value);
  if (field.slider) {
    const fixed = value.toFixed(field.slider.digits);
    return Number(fixed) === value ? fixed : String(value);
  }
  if (field.kind === 'whole') return formatCount(value);
  return String(value);
}

/**
 * The shares after the person set share `key` to `value`: that share is
 * kept, and the last of the others takes what remains (then the other one,
 * if the last cannot go below 0), so the shares always add up to 1 and
 * editing one never passes through an error. Rounded to 12 decimals, so
 * 1 − 0.35 − 0.4 reads 0.25. Null when `value` is not a share: the core then
 * names the problem.
 * @param {Values} values
 * @param {string} key one of SHARES
 * @param {string | number} value
 * @returns {Values | null}
 */
export function followShares(values, key, value) {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) return null;
  const round = (/** @type {number} */ x) => Number(x.toFixed(12));
  const others = SHARES.filter((k) => k !== key);
  const [first, last] = others;
  const rest = round(1 - value);
  const kept = Math.min(Math.max(Number(values[first]) || 0, 0), rest);
  return { ...values, [key]: value, [first]: kept, [last]: round(rest - kept) };
}

/**
 * @typedef {object} ControlHandlers
 * @property {(key: string, value: string | number, live: boolean) => void} onChange
 *   a control moved; `live` while a slider is being dragged (a commit follows)
 * @property {() => void} onCommit a slider was let go, or stepped by a key
 * @property {() => void} onRandomSeed
 * @property {() => void} onReset
 */

export class Controls {
  /**
   * @param {HTMLElement} root
   * @param {ParamInfo[]} schema
   * @param {number} maxRows
   * @param {ControlHandlers} handlers
   * @param {{groups?: string[], defaultWord?: string}} [options] the groups of `schema` to build, in
   *   order (the world's by default), and what a default is called beside each control ("contract")
   */
  constructor(root, schema, maxRows, handlers, { groups = GROUPS, defaultWord = 'contract' } = {}) {
    this.root = root;
    this.schema = schema;
    this.handlers = handlers;
    this.groups = groups;
    this.defaultWord = defaultWord;
    /** @type {Map<string, HTMLInputElement>} */
    this.inputs = new Map();
    /** @type {Set<string>} text fields typed in since their last commit */
    this.dirty = new Set();
    for (const group of groups) {
      const box = /** @type {HTMLElement} */ (root.querySelector(`[data-group="${group}"] .fields`));
      for (const field of schema.filter((f) => f.group === group)) box.append(this.#build(field));
    }
    const note = document.createElement('p');
    note.className = 'help';
    note.textContent = 'Change one share and the last of the others follows, so the three always add up to 1.';
    this.inputs.get(SHARES[2])?.closest('.field')?.after(note);
    this.#buildPresets(maxRows);
    root.querySelector('#random-seed')?.addEventListener('click', () => handlers.onRandomSeed());
    root.querySelector('[data-testid="reset-defaults"]')?.addEventListener('click', () => handlers.onReset());
  }

  /** @param {ParamInfo} field */
  #build(field) {
    const id = domId(field.key);
    const wrap = document.createElement('div');
    wrap.className = field.slider ? 'field slider' : 'field';
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = field.label;
    const input = document.createElement('input');
    input.id = id;
    input.name = field.key;
    input.dataset.testid = testidOf(field.key);
    input.setAttribute('aria-describedby', `${id}-meaning ${id}-error`);
    wrap.append(label);
    const contract = document.createElement('span');
    contract.className = 'default';
    contract.textContent = `${this.defaultWord} ${show(field.default, field)}`;
    if (field.slider) {
      const slider = field.slider;
      input.type = 'range';
      input.min = String(slider.min);
      input.max = String(slider.max);
      input.step = String(slider.step);
      const output = document.createElement('output');
      output.htmlFor.add(id);
      output.id = `${id}-value`;
      const line = document.createElement('div');
      line.className = 'slider-line';
      line.append(input, output, contract);
      wrap.append(line);
      input.addEventListener('input', () => {
        const value = Number(input.value);
        this.#showSlider(field, value);
        this.setError(field.key, null);
        this.handlers.onChange(field.key, value, true);
      });
      input.addEventListener('change', () => this.handlers.onCommit());
    } else {
      input.type = 'text';
      input.autocomplete = 'off';
      input.spellcheck = false;
      input.inputMode = field.kind === 'number' ? 'decimal' : 'numeric';
      const line = document.createElement('div');
      line.className = 'row';
      line.append(input);
      if (field.key === 'seed') {
        const random = document.createElement('button');
        random.type = 'button';
        random.id = 'random-seed';
        random.textContent = 'Random seed';
        line.append(random);
      } else {
        line.append(contract);
      }
      wrap.append(line);
      const commit = () => {
        this.dirty.delete(field.key);
        this.handlers.onChange(field.key, fromText(field.kind, input.value), false);
      };
      input.addEventListener('input', () => this.dirty.add(field.key));
      input.addEventListener('change', commit);
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') commit();
      });
    }
    const meaning = document.createElement('p');
    meaning.className = 'help';
    meaning.id = `${id}-meaning`;
    meaning.textContent = field.help;
    const error = document.createElement('p');
    error.className = 'error';
    error.id = `${id}-error`;
    error.hidden = true;
    wrap.append(meaning, error);
    this.inputs.set(field.key, input);
    return wrap;
  }

  /**
   * A slider's readout and the value a screen reader says.
   * @param {ParamInfo} field
   * @param {number} value
   */
  #showSlider(field, value) {
    const text = show(value, field);
    const output = this.root.querySelector(`#${domId(field.key)}-value`);
    if (output) output.textContent = text;
    this.inputs.get(field.key)?.setAttribute('aria-valuetext', text);
  }

  /** @param {number} maxRows */
  #buildPresets(maxRows) {
    const box = this.root.querySelector('#row-presets');
    if (!box) return;
    const contract = Number(this.schema.find((f) => f.key === 'rows')?.default);
    const sizes = [...new Set([...ROW_PRESETS, contract, maxRows])].sort((a, b) => a - b);
    for (const rows of sizes) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = formatCount(rows);
      button.setAttribute('aria-label', `${formatCount(rows)} users`);
      button.addEventListener('click', () => {
        this.setError('rows', null);
        this.handlers.onChange('rows', rows, false);
      });
      box.append(button);
    }
  }

  /**
   * Shows the values in use (after a reset, a link, an undo; and, for the
   * text fields only, after each update, so a field never shows a value the
   * data do not use). A slider's range widens to take a value beyond it (a
   * link or a parameters file may carry any valid weight) and narrows back
   * when it can. A text field the person is typing in is left alone.
   * @param {Values} values
   * @param {{sliders?: boolean}} [which] false: leave the sliders (one may be mid-drag)
   */
  setValues(values, { sliders = true } = {}) {
    for (const field of this.schema) {
      const input = this.inputs.get(field.key);
      if (!input) continue;
      const value = values[field.key];
      if (field.slider) {
        if (!sliders) continue;
        const number = Number(value);
        input.min = String(Math.min(field.slider.min, number));
        input.max = String(Math.max(field.slider.max, number));
        input.value = String(number);
        this.#showSlider(field, number);
      } else if (!(this.dirty.has(field.key) && document.activeElement === input)) {
        this.dirty.delete(field.key);
        input.value = show(value, field);
      }
    }
  }

  /**
   * Shows (or clears, with null) the message next to a control.
   * @param {string} key a parameter key
   * @param {string | null} message
   */
  setError(key, message) {
    const input = this.inputs.get(key);
    if (!input) return;
    const box = /** @type {HTMLElement} */ (this.root.querySelector(`#${domId(key)}-error`));
    box.hidden = !message;
    box.textContent = message ?? '';
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
  }

  /** Clears every control's message. */
  clearErrors() {
    for (const field of this.schema) this.setError(field.key, null);
  }

  /** @param {string[]} hidden groups to hide */
  hideGroups(hidden) {
    for (const group of this.groups) {
      const box = /** @type {HTMLElement | null} */ (this.root.querySelector(`[data-group="${group}"]`));
      if (box) box.hidden = hidden.includes(group);
    }
  }
}
