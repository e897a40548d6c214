// The summary table (observed next to what the contract predicts) and the
// first rows of the data.
import { formatCount, formatNumber, formatPercent } from '../app/format.js';

/** @typedef {import('../pkg/conversion_playground.js').View} View */

/**
 * @param {HTMLTableSectionElement} body
 * @param {string[][]} rows
 */
function fill(body, rows) {
  const fragment = document.createDocumentFragment();
  for (const cells of rows) {
    const tr = document.createElement('tr');
    cells.forEach((text, i) => {
      const cell = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) cell.scope = 'row';
      cell.textContent = text;
      tr.append(cell);
    });
    fragment.append(tr);
  }
  body.replaceChildren(fragment);
}

/**
 * @param {HTMLTableSectionElement} body
 * @param {View} view
 */
export function renderSummary(body, view) {
  const rows = view.summary.columns.map((c, i) => {
    const e = view.expected[i];
    return [
      c.name,
      formatNumber(c.min), formatNumber(c.mean), formatNumber(c.stdDev), formatNumber(c.max),
      e.distribution,
      formatNumber(e.min), formatNumber(e.mean), formatNumber(e.stdDev), e.max === null ? 'no limit' : formatNumber(e.max),
    ];
  });
  const mix = view.params.tierMix;
  for (const t of view.summary.tiers) {
    rows.push([`share in ${t.tier}`, '', formatPercent(t.share), '', '', 'tier mix', '', formatPercent(mix[t.tier] ?? 0), '', '']);
  }
  fill(body, rows);
}

/**
 * The first users, with how each one's score and label came about.
 * @param {HTMLTableSectionElement} body
 * @param {View} view
 */
export function renderFirstRows(body, view) {
  const maybe = (/** @type {number | null} */ x, /** @type {(x: number) => string} */ f) => (x === null ? '–' : f(x));
  fill(body, view.firstRows.map((r, i) => [
    formatCount(i + 1),
    String(r.days_since_signup), String(r.sessions_7d), r.content_hours_7d.toFixed(2),
    String(r.downloads_7d), String(r.paywall_views_7d), r.country_tier,
    maybe(r.systematic, (x) => formatNumber(x)), maybe(r.noise, (x) => formatNumber(x)),
    maybe(r.probability, formatPercent), maybe(r.draw, (x) => x.toFixed(3)), String(r.converted),
  ]));
}
