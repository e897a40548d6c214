// The decisions' settings: what the URL hash holds for them (their own keys,
// beside the world's and the model's), each with the core's default, and the
// policy they make. No default is the page's own: they come from
// `decideDefaults()` in the wasm core.
import { Link } from '../app/link.js';

/** The decisions panel's control groups (a link can hide any of them). */
export const DECIDE_GROUPS = ['import', 'target', 'bands', 'money', 'whatif'];

/** @typedef {import('../pkg/conversion_playground.js').DecideDefaults} DecideDefaults */
/** @typedef {import('../pkg/conversion_playground.js').Thresholds} Thresholds */
/** @typedef {import('../pkg/conversion_playground.js').Economics} Economics */
/** @typedef {import('../app/link.js').Values} Values */

/** Each setting's key in the link, and the field the core names it by in errors. */
export const FIELDS = /** @type {const} */ ({
  bandHigh: 'thresholds.high',
  bandMedium: 'thresholds.medium',
  valuePerConversion: 'valuePerConversion',
  costPerContact: 'costPerContact',
});

/** The link's key that says the data on screen were imported (they cannot travel in it). */
export const DATA_KEY = 'data';

/**
 * The decisions' link over the URL hash.
 * @param {DecideDefaults} defaults
 */
export function decideLink(defaults) {
  return new Link([
    { key: 'bandHigh', kind: 'number', default: defaults.thresholds.high },
    { key: 'bandMedium', kind: 'number', default: defaults.thresholds.medium },
    { key: 'valuePerConversion', kind: 'number', default: defaults.economics.valuePerConversion },
    { key: 'costPerContact', kind: 'number', default: defaults.economics.costPerContact },
    { key: DATA_KEY, kind: 'text', default: 'generated' },
  ], []);
}

/**
 * The policy the values describe, as the core reads it (it judges it and
 * names the field at fault).
 * @param {Values} values
 * @returns {{thresholds: Thresholds, economics: Economics}}
 */
export function policy(values) {
  return /** @type {{thresholds: Thresholds, economics: Economics}} */ (/** @type {unknown} */ ({
    thresholds: { high: values.bandHigh, medium: values.bandMedium },
    economics: { valuePerConversion: values.valuePerConversion, costPerContact: values.costPerContact },
  }));
}

/**
 * The link key of a field the core named, if it is one of the decisions'.
 * @param {string | undefined} field e.g. "thresholds.high", "economics.costPerContact"
 */
export function keyOf(field) {
  const name = (field ?? '').replace(/^economics\./, '');
  return /** @type {(keyof typeof FIELDS) | undefined} */ (Object.keys(FIELDS).find((k) => FIELDS[/** @type {keyof typeof FIELDS} */ (k)] === name));
}
