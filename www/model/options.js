// The model panel's settings: what the URL hash holds for it (its own keys,
// beside the world panel's), each with the core's default, and the fit and
// evaluation options they make. No default is the page's own: they come
// from `modelDefaults()` in the wasm core, the CLI's.
import { Link } from '../app/link.js';

/** The model panel's control groups (a link can hide any of them). */
export const MODEL_GROUPS = ['fit', 'optimiser', 'split', 'signals', 'refit', 'modelFile', 'threshold', 'reroll'];

/** @typedef {import('../pkg/conversion_playground.js').ModelDefaults} ModelDefaults */
/** @typedef {import('../pkg/conversion_playground.js').FitOptions} FitOptions */
/** @typedef {import('../pkg/conversion_playground.js').SignalName} SignalName */
/** @typedef {import('../app/link.js').Values} Values */

/** The signals a person can leave out, in column order. */
export const SIGNALS = /** @type {SignalName[]} */ (['days_since_signup', 'sessions_7d', 'content_hours_7d', 'downloads_7d', 'paywall_views_7d', 'country_tier']);

/** Up to this many users the model refits as the world moves (a warm start per slider step). */
export const AUTO_REFIT_MAX_USERS = 200_000;

/**
 * The model's link over the URL hash.
 * @param {ModelDefaults} defaults
 */
export function modelLink(defaults) {
  const fit = defaults.fit;
  return new Link([
    { key: 'optimizer', kind: 'text', default: fit.optimizer },
    { key: 'learningRate', kind: 'number', default: fit.learningRate },
    { key: 'l2', kind: 'number', default: fit.l2 },
    { key: 'testFraction', kind: 'number', default: fit.testFraction },
    { key: 'splitSeed', kind: 'whole', default: fit.splitSeed },
    { key: 'leaveOut', kind: 'text', default: fit.leaveOut.join(',') },
    { key: 'threshold', kind: 'number', default: defaults.threshold },
    { key: 'autoRefit', kind: 'whole', default: 1 },
  ], []);
}

/**
 * The signals left out, from the link's comma list.
 * @param {Values} values
 * @returns {SignalName[]}
 */
export function leftOut(values) {
  return /** @type {SignalName[]} */ (String(values.leaveOut).split(',').map((s) => s.trim()).filter(Boolean));
}

/**
 * The fit options the values describe, as the core reads them (it judges
 * them and names the one at fault).
 * @param {Values} values
 * @param {ModelDefaults} defaults
 * @returns {FitOptions}
 */
export function fitOptions(values, defaults) {
  return /** @type {FitOptions} */ (/** @type {unknown} */ ({
    ...defaults.fit,
    optimizer: values.optimizer,
    learningRate: values.learningRate,
    l2: values.l2,
    testFraction: values.testFraction,
    splitSeed: values.splitSeed,
    leaveOut: leftOut(values),
  }));
}

/**
 * The option keys that change the fit (a new cold fit), as opposed to how
 * it is shown or measured.
 */
export const FIT_KEYS = ['optimizer', 'learningRate', 'l2', 'testFraction', 'splitSeed', 'leaveOut'];
