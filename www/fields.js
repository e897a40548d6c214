// The declared table of every parameter the page controls: its path in the
// generator's parameters, its type, its contract default, its slider range,
// its group (a teacher can hide a group through the link) and what it means
// for the product. The URL state, the controls and the reset all read it.

/**
 * @typedef {object} Field
 * @property {string} key        dotted path in GeneratorParams, also the URL key
 * @property {'seed'|'int'|'float'} type
 * @property {number|string} default the contract's value
 * @property {string} group      'world' | 'score' | 'weights' | 'tiers' | 'advanced'
 * @property {string} label
 * @property {string} [meaning]  the product meaning, from the contract
 * @property {number} [min]
 * @property {number} [max]
 * @property {number} [step]
 * @property {'range'|'text'} [control]
 * @property {string} [testid]
 * @property {number} [digits]   decimals shown
 */

/** @type {Field[]} */
export const FIELDS = [
  { key: 'seed', type: 'seed', default: '42', group: 'world', label: 'Seed', control: 'text', testid: 'seed' },
  { key: 'rows', type: 'int', default: 5000, group: 'world', label: 'Users (rows)', control: 'text', testid: 'rows' },

  { key: 'baseline', type: 'float', default: 0, group: 'score', label: 'Baseline b0', min: -8, max: 4, step: 0.05, digits: 2, control: 'range', testid: 'baseline-b0',
    meaning: 'The intercept of every user\'s score: move it down for a realistic base rate.' },
  { key: 'noiseSigma', type: 'float', default: 0.8, group: 'score', label: 'Noise σ', min: 0, max: 3, step: 0.05, digits: 2, control: 'range', testid: 'noise-sigma',
    meaning: 'How messy real life is: random push on each user\'s score that no signal explains.' },

  { key: 'weights.sessions_7d', type: 'float', default: 0.30, group: 'weights', label: 'Sessions (7 days)', min: -1, max: 1.5, step: 0.01, digits: 2, control: 'range', testid: 'weight-sessions_7d',
    meaning: 'How often the user opened the app in the last 7 days.' },
  { key: 'weights.content_hours_7d', type: 'float', default: 0.25, group: 'weights', label: 'Hours watched (7 days)', min: -1, max: 1.5, step: 0.01, digits: 2, control: 'range', testid: 'weight-content_hours_7d',
    meaning: 'Depth of engagement: hours watched in the last 7 days.' },
  { key: 'weights.downloads_7d', type: 'float', default: 0.50, group: 'weights', label: 'Downloads (7 days)', min: -1, max: 2, step: 0.01, digits: 2, control: 'range', testid: 'weight-downloads_7d',
    meaning: 'Offline intent, a commitment signal.' },
  { key: 'weights.paywall_views_7d', type: 'float', default: 0.40, group: 'weights', label: 'Paywall views (7 days)', min: -1, max: 2, step: 0.01, digits: 2, control: 'range', testid: 'weight-paywall_views_7d',
    meaning: 'Exposure to monetization moments.' },
  { key: 'weights.days_since_signup', type: 'float', default: -0.02, group: 'weights', label: 'Days since signup', min: -0.2, max: 0.1, step: 0.005, digits: 3, control: 'range', testid: 'weight-days_since_signup',
    meaning: 'Lifecycle stage: how mature the account is.' },

  { key: 'tierEffects.tier_1', type: 'float', default: 0.8, group: 'tiers', label: 'Tier 1 effect', min: -2, max: 2, step: 0.05, digits: 2, control: 'range', testid: 'tier-effect-tier_1',
    meaning: 'Market purchasing power and pricing context: highest tier.' },
  { key: 'tierEffects.tier_2', type: 'float', default: 0.3, group: 'tiers', label: 'Tier 2 effect', min: -2, max: 2, step: 0.05, digits: 2, control: 'range', testid: 'tier-effect-tier_2',
    meaning: 'Middle tier markets.' },
  { key: 'tierEffects.tier_3', type: 'float', default: -0.2, group: 'tiers', label: 'Tier 3 effect', min: -2, max: 2, step: 0.05, digits: 2, control: 'range', testid: 'tier-effect-tier_3',
    meaning: 'Lowest purchasing power markets.' },

  { key: 'distributions.days_since_signup.min', type: 'int', default: 1, group: 'advanced', label: 'Days since signup: smallest', control: 'text', testid: 'days-min' },
  { key: 'distributions.days_since_signup.max', type: 'int', default: 59, group: 'advanced', label: 'Days since signup: largest', control: 'text', testid: 'days-max' },
  { key: 'distributions.sessions_7d.lambda', type: 'float', default: 3, group: 'advanced', label: 'Sessions: Poisson mean λ', control: 'text', testid: 'sessions-lambda' },
  { key: 'distributions.content_hours_7d.shape', type: 'float', default: 2, group: 'advanced', label: 'Hours watched: Gamma shape', control: 'text', testid: 'content-hours-shape' },
  { key: 'distributions.content_hours_7d.scale', type: 'float', default: 1.5, group: 'advanced', label: 'Hours watched: Gamma scale', control: 'text', testid: 'content-hours-scale' },
  { key: 'distributions.downloads_7d.lambda', type: 'float', default: 1, group: 'advanced', label: 'Downloads: Poisson mean λ', control: 'text', testid: 'downloads-lambda' },
  { key: 'distributions.paywall_views_7d.lambda', type: 'float', default: 1.2, group: 'advanced', label: 'Paywall views: Poisson mean λ', control: 'text', testid: 'paywall-views-lambda' },
  { key: 'tierMix.tier_1', type: 'float', default: 0.35, group: 'advanced', label: 'Share of users in tier 1', control: 'text', testid: 'tier-mix-tier_1' },
  { key: 'tierMix.tier_2', type: 'float', default: 0.40, group: 'advanced', label: 'Share of users in tier 2', control: 'text', testid: 'tier-mix-tier_2' },
  { key: 'tierMix.tier_3', type: 'float', default: 0.25, group: 'advanced', label: 'Share of users in tier 3', control: 'text', testid: 'tier-mix-tier_3' },
];

/** Control groups a link can hide with `hide=…`. */
export const GROUPS = ['world', 'score', 'weights', 'tiers', 'advanced'];

/** @param {string} key */
export const fieldByKey = (key) => FIELDS.find((f) => f.key === key);

/**
 * Builds the nested GeneratorParams object from flat values.
 * @param {Record<string, number|string>} values keyed by field key
 */
export function toParams(values) {
  /** @type {Record<string, any>} */
  const params = {};
  for (const field of FIELDS) {
    const path = field.key.split('.');
    let node = params;
    for (const part of path.slice(0, -1)) node = node[part] ??= {};
    node[path[path.length - 1]] = values[field.key];
  }
  return params;
}

/** The contract defaults, flat. */
export function defaults() {
  return Object.fromEntries(FIELDS.map((f) => [f.key, f.default]));
}
