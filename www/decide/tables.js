// The decisions' tables: the band table (users, share, conversion rate,
// lift over the base rate, share of converters captured, what contacting
// the band is worth), lift at the top 10/20/30%, and every policy's best
// threshold. Every number comes from the worker; this module writes it down.
import { formatCount, formatPercent } from '../app/format.js';
import { formatLift, formatMoney, formatThreshold } from './format.js';

/** @typedef {import('../pkg/conversion_playground.js').DecisionView} DecisionView */
/** @typedef {import('../pkg/conversion_playground.js').Policies} Policies */
/** @typedef {import('../pkg/conversion_playground.js').ProfitCurve} ProfitCurve */

/**
 * A table cell, with a test id when it is part of the page's interface.
 * @param {string} text
 * @param {string} [testid]
 * @param {string} [tag]
 */
export function cell(text, testid, tag = 'td') {
  const el = document.createElement(tag);
  el.textContent = text;
  if (testid) el.dataset.testid = testid;
  return el;
}

/** The bands' short names in test ids, and their names for people. */
const BANDS = /** @type {const} */ ([['high', 'High intent'], ['medium', 'Medium intent'], ['low', 'Low intent']]);

/**
 * The band table.
 * @param {HTMLTableSectionElement} body
 * @param {DecisionView} view
 */
export function renderBands(body, view) {
  body.replaceChildren(...view.bands.map((band, k) => {
    const [id, name] = BANDS[k];
    const tr = document.createElement('tr');
    const head = cell(name, undefined, 'th');
    head.setAttribute('scope', 'row');
    const upper = k === 0 ? '' : ` – ${formatThreshold(band.upper)}`;
    tr.append(
      head,
      cell(`${formatThreshold(band.lower)}${upper}`),
      cell(formatCount(band.users), `band-users-${id}`),
      cell(formatPercent(band.share), `band-share-${id}`),
      cell(band.conversionRate === null ? '–' : formatPercent(band.conversionRate), `band-rate-${id}`),
      cell(formatLift(band.lift), `band-lift-${id}`),
      cell(formatPercent(band.shareOfConversions), `band-capture-${id}`),
      cell(band.expectedProfit === null ? '–' : formatMoney(band.expectedProfit), `band-profit-${id}`),
    );
    return tr;
  }));
}

/**
 * Lift at the top 10%, 20% and 30% of users by the model's probability.
 * @param {HTMLTableSectionElement} body
 * @param {DecisionView} view
 */
export function renderLift(body, view) {
  body.replaceChildren(...view.lift.map((g) => {
    const top = Math.round(g.shareContacted * 100);
    const tr = document.createElement('tr');
    const head = cell(`top ${top}%`, undefined, 'th');
    head.setAttribute('scope', 'row');
    tr.append(head, cell(formatPercent(g.shareOfConversions), `gains-${top}`), cell(formatLift(g.lift), `lift-${top}`));
    return tr;
  }));
}

/**
 * A curve's best as words: "0.80 (2,994 users): 3,338.25".
 * @param {ProfitCurve} curve
 */
const bestOf = (curve) => `${formatThreshold(curve.best.threshold)} (${formatCount(curve.best.contacted)} users): ${formatMoney(curve.best.expectedProfit)}`;

/**
 * Every policy's worth, as a list beside the profit chart.
 * @param {HTMLElement} list
 * @param {Policies} p
 * @param {boolean} imported
 */
export function renderPolicies(list, p, imported) {
  const unknown = 'unknown for imported data';
  /** @type {[string, string, string][]} */
  const rows = [
    ['The model, at its best threshold', bestOf(p.model), 'profit-model'],
    ['Contact everyone', formatMoney(p.everyone), 'profit-everyone'],
    ['Contact no one', formatMoney(p.nobody), 'profit-nobody'],
    ['Best possible: rank by q(x), contact when it pays', p.bestPossible ? bestOf(p.bestPossible) : unknown, 'profit-best-possible'],
    ["Oracle: rank by each user's own p (unreachable)", p.oracle ? bestOf(p.oracle) : (imported ? unknown : '–'), 'profit-oracle'],
  ];
  if (p.oracle) {
    // Its curve starts from contacting everyone, valued by p: the same users
    // as the everyone line, valued by q(x); the two differ only by the
    // users' own noise draws.
    rows.push(['The oracle is judged by p, the only measure of what knowing each user\'s own noise is worth; contacting everyone, by p', formatMoney(p.oracle.points.expectedProfit[0]), 'profit-everyone-by-p']);
  }
  list.replaceChildren(...rows.map(([name, value, testid]) => {
    const item = document.createElement('li');
    const strong = document.createElement('strong');
    strong.textContent = value;
    strong.dataset.testid = testid;
    item.append(`${name}: `, strong);
    return item;
  }));
}
