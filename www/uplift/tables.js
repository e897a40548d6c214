// The uplift lab's tables: the four groups, who is in each intent band of
// the model, each policy at the budget, the experiment's arms, and the
// re-run experiments; every figure as `conversion experiment` prints it.
import { formatCount } from '../app/format.js';
import { fixed } from '../model/format.js';
import { money, points, pValue } from './format.js';

/** @typedef {import('../pkg/conversion_playground.js').LabView} LabView */
/** @typedef {import('../pkg/conversion_playground.js').GroupCounts} GroupCounts */
/** @typedef {import('../pkg/conversion_playground.js').Reruns} Reruns */

/** Each policy's name, as the CLI writes it. */
export const POLICY_NAMES = /** @type {Record<string, string>} */ ({
  model_probability: "the model's probability",
  oracle: 'oracle: true p1 − p0',
  best_possible: 'best possible: q1 − q0',
  learned: 'learned uplift model',
  random: 'random (on average)',
});

/** What each policy is, in a line. */
const POLICY_HELP = /** @type {Record<string, string>} */ ({
  model_probability: 'the case study: "high intent" first',
  oracle: "each user's own effect, noise included: no model of the signals can see it",
  best_possible: 'the effect a user with these signals has on average: the most a model can learn',
  learned: 'two logistic fits on the experiment, treated and control; their difference',
  random: 'on average over random choices of users',
});

const GROUP_KEYS = /** @type {const} */ (['sureThings', 'persuadables', 'sleepingDogs', 'lostCauses']);

/** A share as the CLI writes it: "56.5%". @param {number} x */
export const percent = (x) => `${(x * 100).toFixed(1)}%`;

/** @param {number} x a count, whole or expected */
const count = (x) => formatCount(Math.round(x));

/**
 * @param {HTMLTableSectionElement} body
 * @param {(string | {text: string, testid?: string, head?: boolean, title?: string})[][]} rows
 * @param {(i: number) => string | undefined} [testidOf] each row's test id
 */
function fill(body, rows, testidOf = () => undefined) {
  body.replaceChildren(...rows.map((cells, i) => {
    const tr = document.createElement('tr');
    const id = testidOf(i);
    if (id) tr.dataset.testid = id;
    cells.forEach((cell, k) => {
      const c = typeof cell === 'string' ? { text: cell } : cell;
      const el = document.createElement(k === 0 || c.head ? 'th' : 'td');
      if (k === 0) /** @type {HTMLTableCellElement} */ (el).scope = 'row';
      el.textContent = c.text;
      if (c.testid) el.dataset.testid = c.testid;
      if (c.title) el.title = c.title;
      tr.append(el);
    });
    return tr;
  }));
}

/**
 * The four groups: counts and shares.
 * @param {HTMLElement} list
 * @param {LabView} view
 */
export function renderGroups(list, view) {
  const names = { sureThings: 'Sure things', persuadables: 'Persuadables', sleepingDogs: 'Sleeping dogs', lostCauses: 'Lost causes' };
  const help = {
    sureThings: 'convert with the offer and without it: an offer here gives a discount away',
    persuadables: 'convert only with the offer: the users it is for',
    sleepingDogs: 'convert only without it: the offer puts them off',
    lostCauses: 'convert neither way',
  };
  list.replaceChildren(...GROUP_KEYS.map((key) => {
    const item = document.createElement('li');
    item.className = `group ${key}`;
    const n = view.groups[key];
    const figure = document.createElement('strong');
    figure.dataset.testid = `group-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    figure.textContent = formatCount(n);
    const share = document.createElement('span');
    share.textContent = ` (${percent(n / view.users)})`;
    const words = document.createElement('span');
    words.className = 'help';
    words.textContent = help[key];
    item.append(`${names[key]} `, figure, share, document.createElement('br'), words);
    return item;
  }));
}

/**
 * Who is in each intent band of the model.
 * @param {HTMLTableSectionElement} body
 * @param {LabView} view
 */
export function renderBands(body, view) {
  const bands = view.bands ?? [];
  const short = (/** @type {string} */ s) => s.replace('_intent', '');
  fill(body, bands.map((b) => [
    { text: b.segment.replace('_', ' ') },
    { text: formatCount(b.users), testid: `uplift-band-users-${short(b.segment)}` },
    ...GROUP_KEYS.map((k) => ({ text: formatCount(b.groups[k]), testid: `uplift-band-${k}-${short(b.segment)}` })),
    { text: b.wastedShare === null ? '–' : percent(b.wastedShare), testid: `uplift-band-wasted-${short(b.segment)}` },
    { text: b.meanEffectPoints === null ? '–' : `${points(b.meanEffectPoints)} points` },
  ]), (i) => `uplift-band-${short(bands[i].segment)}`);
}

/**
 * Each policy at the budget, judged by the true effect.
 * @param {HTMLTableSectionElement} body
 * @param {LabView} view
 */
export function renderPolicies(body, view) {
  fill(body, view.policies.map((p) => {
    const b = p.atBudget;
    const id = (/** @type {string} */ what) => `policy-${what}-${p.policy}`;
    return [
      { text: POLICY_NAMES[p.policy], title: POLICY_HELP[p.policy] },
      { text: fixed(p.qini, 4), testid: id('qini') },
      { text: fixed(p.qiniWithNoise, 4), testid: id('qini-noise') },
      { text: fixed(b.incremental, 1), testid: id('added') },
      { text: fixed(b.incrementalWithNoise, 1) },
      { text: money(b.cost), testid: id('cost') },
      { text: money(b.profit), testid: id('profit') },
      ...GROUP_KEYS.map((k) => ({ text: count(b.groups[k]), testid: id(k) })),
      { text: b.offers ? percent((b.groups.sureThings + b.groups.lostCauses + b.groups.sleepingDogs) / b.offers) : '–', testid: id('wasted') },
    ];
  }), (i) => `policy-${view.policies[i].policy}`);
}

/**
 * The experiment's arms.
 * @param {HTMLTableSectionElement} body
 * @param {LabView} view
 */
export function renderArms(body, view) {
  const a = view.experiment.analysis;
  if (!a) {
    body.replaceChildren();
    return;
  }
  fill(body, [['treated', a.treated], ['control', a.control]].map(([name, arm]) => {
    const x = /** @type {import('../pkg/conversion_playground.js').Arm} */ (arm);
    return [
      /** @type {string} */ (name),
      formatCount(x.users),
      formatCount(x.conversions),
      { text: percent(x.rate.value), testid: `arm-${name}-rate` },
      `${percent(x.rate.low)} – ${percent(x.rate.high)}`,
    ];
  }));
}

/**
 * The re-run experiments, one row each.
 * @param {HTMLTableSectionElement} body
 * @param {Reruns} reruns
 */
export function renderReruns(body, reruns) {
  fill(body, reruns.runs.map((r) => [
    r.assignmentSeed,
    `${points(r.liftPoints.value)} (${points(r.liftPoints.low)} to ${points(r.liftPoints.high)})`,
    pValue(r.pValue),
    r.detected ? 'yes' : 'no',
    r.coversTruth ? 'yes' : 'no',
  ]), () => 'rerun-row');
}
