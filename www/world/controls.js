// The control panel, built from the declared field table: a labelled slider
// (with its value and the contract default) or text field per parameter,
// each with its product meaning and a place for an error message.
import { FIELDS, GROUPS } from './fields.js';
import { parseValue } from './state.js';

const ROW_PRESETS = [1000, 5000, 100000, 1000000];

/** @param {string} key */
const domId = (key) => `f-${key.replaceAll('.', '-')}`;

/**
 * @param {number|string} value
 * @param {import('./fields.js').Field} field
 */
function show(value, field) {
  if (typeof value === 'number' && field.digits !== undefined) return value.toFixed(field.digits);
  return String(value);
}

/**
 * @typedef {object} ControlHandlers
 * @property {(key: string, value: number|string) => void} onChange
 * @property {() => void} onRandomSeed
 * @property {() => void} onReset
 */

export class Controls {
  /**
   * @param {HTMLElement} root
   * @param {ControlHandlers} handlers
   */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    /** @type {Map<string, HTMLInputElement>} */
    this.inputs = new Map();
    for (const group of GROUPS) {
      const box = /** @type {HTMLElement} */ (root.querySelector(`[data-group="${group}"] .fields`));
      for (const field of FIELDS.filter((f) => f.group === group)) box.append(this.#build(field));
    }
    this.#buildPresets();
    root.querySelector('#random-seed')?.addEventListener('click', () => handlers.onRandomSeed());
    root.querySelector('[data-testid="reset-defaults"]')?.addEventListener('click', () => handlers.onReset());
  }

  /** @param {import('./fields.js').Field} field */
  #build(field) {
    const id = domId(field.key);
    const wrap = document.createElement('div');
    wrap.className = field.control === 'range' ? 'field slider' : 'field';
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = field.label;
    const input = document.createElement('input');
    input.id = id;
    input.name = field.key;
    if (field.testid) input.dataset.testid = field.testid;
    const described = [];
    if (field.meaning) described.push(`${id}-meaning`);
    described.push(`${id}-error`);
    input.setAttribute('aria-describedby', described.join(' '));
    wrap.append(label);
    if (field.control === 'range') {
      input.type = 'range';
      input.min = String(field.min);
      input.max = String(field.max);
      input.step = String(field.step);
      const output = document.createElement('output');
      output.htmlFor.add(id);
      output.id = `${id}-value`;
      const contract = document.createElement('span');
      contract.className = 'default';
      contract.textContent = `contract ${show(field.default, field)}`;
      const line = document.createElement('div');
      line.className = 'slider-line';
      line.append(input, output, contract);
      wrap.append(line);
      input.addEventListener('input', () => {
        output.textContent = show(Number(input.value), field);
        this.setError(field.key, null);
        this.handlers.onChange(field.key, Number(input.value));
      });
    } else {
      input.type = 'text';
      input.autocomplete = 'off';
      input.spellcheck = false;
      input.inputMode = field.type === 'seed' || field.type === 'int' ? 'numeric' : 'decimal';
      const line = document.createElement('div');
      line.className = 'row';
      line.append(input);
      if (field.key === 'seed') {
        const random = document.createElement('button');
        random.type = 'button';
        random.id = 'random-seed';
        random.textContent = 'Random seed';
        line.append(random);
      }
      wrap.append(line);
      if (field.type !== 'seed') {
        const contract = document.createElement('span');
        contract.className = 'default';
        contract.textContent = `contract ${show(field.default, field)}`;
        line.append(contract);
      }
      input.addEventListener('change', () => this.#commitText(field, input));
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') this.#commitText(field, input);
      });
    }
    if (field.meaning) {
      const meaning = document.createElement('p');
      meaning.className = 'help';
      meaning.id = `${id}-meaning`;
      meaning.textContent = field.meaning;
      wrap.append(meaning);
    }
    const error = document.createElement('p');
    error.className = 'error';
    error.id = `${id}-error`;
    error.setAttribute('role', 'alert');
    error.hidden = true;
    wrap.append(error);
    this.inputs.set(field.key, input);
    return wrap;
  }

  /**
   * @param {import('./fields.js').Field} field
   * @param {HTMLInputElement} input
   */
  #commitText(field, input) {
    const parsed = parseValue(field, input.value);
    if (!parsed.ok) {
      this.setError(field.key, `${field.label}: ${parsed.message}.`);
      return;
    }
    this.setError(field.key, null);
    this.handlers.onChange(field.key, parsed.value);
  }

  #buildPresets() {
    const box = this.root.querySelector('#row-presets');
    if (!box) return;
    for (const rows of ROW_PRESETS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = rows.toLocaleString('en-US');
      button.setAttribute('aria-label', `${rows.toLocaleString('en-US')} users`);
      button.addEventListener('click', () => {
        this.setError('rows', null);
        this.handlers.onChange('rows', rows);
      });
      box.append(button);
    }
  }

  /**
   * Shows values (after a reset, a link, or a correction).
   * @param {Record<string, number|string>} values
   */
  setValues(values) {
    for (const field of FIELDS) {
      const input = this.inputs.get(field.key);
      if (!input) continue;
      input.value = String(values[field.key]);
      if (field.control === 'range') {
        const output = this.root.querySelector(`#${domId(field.key)}-value`);
        if (output) output.textContent = show(Number(values[field.key]), field);
      }
    }
  }

  /**
   * Shows (or clears, with null) the message next to a control.
   * @param {string} key a field key
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
    for (const field of FIELDS) this.setError(field.key, null);
  }

  /** @param {string[]} hidden groups to hide */
  hideGroups(hidden) {
    for (const group of GROUPS) {
      const box = /** @type {HTMLElement | null} */ (this.root.querySelector(`[data-group="${group}"]`));
      if (box) box.hidden = hidden.includes(group);
    }
  }
}
