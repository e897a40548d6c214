// The model panel's tables: each weight learned beside the generating and
// the best-possible one (with its interval, odds ratio and weight per
// standard deviation), the held-out metrics beside their baselines and
// ceilings, and the confusion matrix. Every number comes from the worker;
// this module only writes it down.
import { formatCount, formatPercent } from '../app/format.js';
import { fixed, range, shareRange } from './format.js';

/** @typedef {import('../pkg/conversion_playground.js').WeightRow} WeightRow */
/** @typedef {import('../pkg/conversion_playground.js').TruthView} TruthView */
/** @typedef {import('../pkg/conversion_playground.js').Metrics} Metrics */
/** @typedef {import('../pkg/conversion_playground.js').Estimate} Estimate */

/**
 * A table cell, with a test id when it is part of the page's interface.
 * @param {string} text
 * @param {string} [testid]
 * @param {string} [tag]
 */
function cell(text, testid, tag = 'td') {
  const el = document.createElement(tag);
  el.textContent = text;
  if (testid) el.dataset.testid = testid;
  return el;
}

/**
 * The weights table.
 * @param {HTMLTableSectionElement} body
 * @param {WeightRow[]} rows the model's (the intercept last)
 * @param {TruthView | 'unknown' | null} truth null while it is computed; unknown for imported data
 * @param {Record<string, string>} labels names for people
 */
export function renderWeights(body, rows, truth, labels) {
  const unknown = 'unknown for imported data';
  body.replaceChildren(...rows.map((row, k) => {
    const tr = document.createElement('tr');
    const name = cell(labels[row.feature] ?? row.feature, undefined, 'th');
    name.setAttribute('scope', 'row');
    const known = truth === 'unknown' ? null : truth;
    const best = known ? (known.used[k] ?? true) : true;
    const pending = truth === 'unknown' ? unknown : '…';
    tr.append(
      name,
      cell(known ? fixed(known.generating[k]) : pending, `true-${row.feature}`),
      cell(known ? (best ? fixed(known.best[k]) : 'left out') : pending, `best-${row.feature}`),
      cell(row.used ? fixed(row.weight) : 'left out', `learned-${row.feature}`),
      cell(row.used ? range(row.low, row.high) : '–', `learned-ci-${row.feature}`),
      cell(row.oddsRatio === null || !row.used ? '' : `${fixed(row.oddsRatio)}${row.oddsLow === null ? '' : ` (${range(row.oddsLow, row.oddsHigh)})`}`, `odds-${row.feature}`),
      cell(row.used ? fixed(row.perSd) : '–', `per-sd-${row.feature}`),
    );
    if (!row.used) tr.classList.add('left-out');
    return tr;
  }));
}

/**
 * A metrics row: the measure, its value, its interval, and what it stands
 * beside (spans with their own test ids).
 * @param {string} label
 * @param {string} value
 * @param {string} testid
 * @param {string} interval
 * @param {[string, string | null][]} beside text pieces, each with a test id or none
 */
function metricRow(label, value, testid, interval, beside) {
  const tr = document.createElement('tr');
  const name = cell(label, undefined, 'th');
  name.setAttribute('scope', 'row');
  const aside = document.createElement('td');
  aside.className = 'beside';
  for (const [text, id] of beside) {
    const span = document.createElement('span');
    span.textContent = text;
    if (id) span.dataset.testid = id;
    aside.append(span);
  }
  tr.append(name, cell(value, testid), cell(interval), aside);
  return tr;
}

/**
 * @param {Estimate | null} e
 * @param {number} [digits]
 */
const est = (e, digits = 4) => (e ? range(e.low, e.high, digits) : '–');

/**
 * The metrics table.
 * @param {HTMLTableSectionElement} body
 * @param {Metrics} m
 * @param {{objective: number, trainingLogLoss: number | null, l2: number} | null} training the live fit's losses
 * @param {boolean} imported the users were read from a file: what needs the truth is unknown
 */
export function renderMetrics(body, m, training, imported) {
  const rows = [];
  const irreducible = m.irreducibleLogLoss;
  const unknown = imported ? 'unknown for imported data' : 'unknown';
  rows.push(metricRow('Log-loss', fixed(m.logLoss.value), 'logloss-test', est(m.logLoss), [
    ['irreducible ', null], [irreducible === null ? unknown : fixed(irreducible), 'logloss-irreducible'],
    [' (the mean entropy of q(x): no model of these signals does better) · knowing nothing ', null],
    [fixed(m.baselineLogLoss), 'logloss-baseline'], [` (predicting the base rate, ${formatPercent(m.baseRate)}, for everyone)`, null],
  ]));
  if (m.excessLogLoss) {
    rows.push(metricRow('Log-loss above the irreducible', fixed(m.excessLogLoss.value), 'logloss-excess', est(m.excessLogLoss), [
      ['user by user; below 0 only by the held-out sample\'s noise, so an interval that holds 0 means "as good as any model of these signals"', null],
    ]));
  }
  const auc = m.auc;
  rows.push(metricRow('ROC AUC', auc ? fixed(auc.value) : '– (one class)', 'auc', est(auc), [
    ['best achievable ', null], [m.bestAuc ? fixed(m.bestAuc.value) : unknown, 'auc-best'],
    [m.bestAuc ? ` (${est(m.bestAuc)}; the AUC of q(x)) · ` : ' · ', null],
    ['oracle ', null], [m.oracleAuc ? fixed(m.oracleAuc.value) : unknown, 'auc-oracle'],
    [' (the AUC of each user\'s own p, noise included: unreachable)', null],
  ]));
  rows.push(metricRow(`Accuracy at ${m.threshold.toFixed(2)}`, formatPercent(m.accuracy.value), 'accuracy', shareRange(m.accuracy), [
    ['always predicting the majority class: ', null], [formatPercent(m.majorityAccuracy), 'accuracy-majority'],
  ]));
  rows.push(metricRow('Precision', formatPercent(m.precision.value), 'precision', shareRange(m.precision), [
    ['of the users predicted to convert, the share who did', null],
  ]));
  rows.push(metricRow('Recall', formatPercent(m.recall.value), 'recall', shareRange(m.recall), [
    ['of the users who converted, the share predicted to', null],
  ]));
  if (m.averagePrecision !== null) {
    rows.push(metricRow('Average precision', fixed(m.averagePrecision), 'average-precision', '', [
      [`the area under the precision–recall curve; knowing nothing gives the base rate, ${fixed(m.baseRate)}`, null],
    ]));
  }
  if (training && training.l2 > 0) {
    rows.push(metricRow('Penalised objective (training)', fixed(training.objective), 'objective', '', [
      [`what the descent minimised: the training log-loss plus the L2 term (strength ${training.l2})`, null],
    ]));
    rows.push(metricRow('Log-loss (training, no penalty)', fixed(training.trainingLogLoss), 'logloss-train', '', [
      ['the same users\' plain log-loss: the two differ by the penalty alone', null],
    ]));
  }
  body.replaceChildren(...rows);
}

/**
 * The confusion matrix.
 * @param {HTMLTableSectionElement} body
 * @param {Metrics} m
 */
export function renderConfusion(body, m) {
  const c = m.confusion;
  const row = (/** @type {string} */ label, /** @type {number} */ yes, /** @type {number} */ no, /** @type {string} */ id) => {
    const tr = document.createElement('tr');
    const name = cell(label, undefined, 'th');
    name.setAttribute('scope', 'row');
    tr.append(name, cell(formatCount(yes), `${id}-converted`), cell(formatCount(no), `${id}-not`));
    return tr;
  };
  body.replaceChildren(
    row(`predicted to convert (p ≥ ${m.threshold.toFixed(2)})`, c.truePositives, c.falsePositives, 'confusion-predicted'),
    row('predicted not to', c.falseNegatives, c.trueNegatives, 'confusion-not-predicted'),
  );
}
