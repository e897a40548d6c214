// The uplift lab's settings: what the URL hash holds for it (the offer's
// parameters from the one parameter table, and the lab's own: budget,
// money, the smallest lift worth detecting), each with the core's default,
// and the settings object the core reads. No default is the page's own.
import { Link } from '../app/link.js';

/** @typedef {import('../pkg/conversion_playground.js').ParamInfo} ParamInfo */
/** @typedef {import('../pkg/conversion_playground.js').UpliftDefaults} UpliftDefaults */
/** @typedef {import('../pkg/conversion_playground.js').UpliftSettings} UpliftSettings */
/** @typedef {import('../app/link.js').Values} Values */

/** The parameter groups of the offer and its experiment (the world panel leaves them to the lab). */
export const OFFER_GROUPS = ['offer', 'experiment'];

/** The lab's control groups (a link can hide any of them). */
export const LAB_GROUPS = [...OFFER_GROUPS, 'budget'];

/** The lab's own settings, in the link and the core's settings object. */
export const SETTING_KEYS = ['budget', 'valuePerConversion', 'costPerContact', 'discount', 'minimumEffect'];

/**
 * The lesson: a world of 20,000 users converting at about 57%, an offer
 * worth +0.8 on the log-odds that tires users who have seen the paywall
 * often (−0.25 per view). Targeting "high intent" then offers the discount
 * mostly to sure things.
 */
export const LESSON_HASH = '#rows=20000&baseline=-2&offer.effect=0.8&offer.fatigue=-0.25';

/**
 * The lab's link over the URL hash.
 * @param {ParamInfo[]} offerSchema the offer's rows of the parameter table
 * @param {UpliftDefaults} defaults
 */
export function upliftLink(offerSchema, defaults) {
  return new Link([
    ...offerSchema.map((f) => ({ key: f.key, kind: f.kind, default: f.default })),
    ...SETTING_KEYS.map((key) => ({ key, kind: /** @type {'number'} */ ('number'), default: defaults[/** @type {'budget'} */ (key)] })),
  ], []);
}

/**
 * The settings object the core reads (it judges every value and names the
 * one at fault).
 * @param {Values} values
 * @param {ParamInfo[]} offerSchema
 * @returns {UpliftSettings}
 */
export function settingsOf(values, offerSchema) {
  /** @type {Record<string, any>} */
  const offer = {};
  for (const field of offerSchema) {
    const path = field.key.split('.').slice(1);
    let node = offer;
    for (const part of path.slice(0, -1)) node = node[part] ??= {};
    node[path[path.length - 1]] = values[field.key];
  }
  /** @type {Record<string, unknown>} */
  const settings = { offer };
  for (const key of SETTING_KEYS) settings[key] = values[key];
  return /** @type {UpliftSettings} */ (settings);
}
