// A what-if user: six inputs (the five signals and the tier) give the
// model's probability, q(x) for such a user, the segment, a waterfall of
// each signal's push on the log-odds from the intercept to the score, the
// smallest change of one signal that reaches the next band, and a warning
// for values beyond the training data. The core computes every number
// (`conversion score`'s for the probability and the pushes); this module
// reads the inputs and writes the answer down.
import { fromText } from '../app/link.js';
import { formatNumber, formatPercent } from '../app/format.js';
import { cell } from './tables.js';
import { formatThreshold } from './format.js';

/** @typedef {import('../pkg/conversion_playground.js').WhatIf} WhatIf */
/** @typedef {import('../pkg/conversion_playground.js').UserSignals} UserSignals */
/** @typedef {import('../pkg/conversion_playground.js').View} View */
/** @typedef {import('../pkg/conversion_playground.js').SignalChange} SignalChange */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** The inputs, in the contract's column order. */
export const INPUTS = ['days_since_signup', 'sessions_7d', 'content_hours_7d', 'downloads_7d', 'paywall_views_7d', 'country_tier'];

/** The segments in words. */
const SEGMENTS = /** @type {Record<string, string>} */ ({ high_intent: 'high intent', medium_intent: 'medium intent', low_intent: 'low intent' });

/**
 * A signal's value as its column writes it: whole, or hours to the hundredth.
 * @param {string} signal
 * @param {number} x
 */
const valueText = (signal, x) => (signal === 'content_hours_7d' ? x.toFixed(2) : String(x));

/**
 * A signed change in a signal's units.
 * @param {string} signal
 * @param {number} x
 */
const signed = (signal, x) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${valueText(signal, Math.abs(x))}`;

export class WhatIfUser {
  /**
   * @param {Record<string, string>} labels each signal's name for people
   * @param {(user: Record<string, string | number>) => void} onChange
   */
  constructor(labels, onChange) {
    this.labels = labels;
    this.seeded = false;
    for (const name of INPUTS) {
      const input = /** @type {HTMLInputElement | HTMLSelectElement} */ ($(`whatif-${name}`));
      input.addEventListener('input', () => onChange(this.user()));
    }
  }

  /**
   * Fills the inputs once, with the average user of the first world on
   * screen (its signals' means, rounded as the columns are, and its most
   * common tier).
   * @param {View} view
   */
  seed(view) {
    if (this.seeded) return;
    this.seeded = true;
    view.summary.columns.forEach((column, k) => {
      const input = /** @type {HTMLInputElement} */ ($(`whatif-${INPUTS[k]}`));
      const mean = column.name === 'content_hours_7d' ? Math.round(column.mean * 100) / 100 : Math.max(column.name === 'days_since_signup' ? 1 : 0, Math.round(column.mean));
      input.value = valueText(column.name, mean);
    });
    const common = [...view.summary.tiers].sort((a, b) => b.users - a.users)[0];
    /** @type {HTMLSelectElement} */ ($('whatif-country_tier')).value = common.tier;
  }

  /** The user the inputs describe, as the core reads them (it judges them). */
  user() {
    /** @type {Record<string, string | number>} */
    const user = {};
    for (const name of INPUTS) {
      const raw = /** @type {HTMLInputElement} */ ($(`whatif-${name}`)).value;
      user[name] = name === 'country_tier' ? raw : fromText('number', raw);
    }
    return user;
  }

  /**
   * A refused input: named beside it; the last good answer stays.
   * @param {string | null} field a signal, or null for none
   * @param {string} message
   */
  setError(field, message) {
    for (const name of INPUTS) $(`whatif-${name}`).setAttribute('aria-invalid', String(name === field));
    $('whatif-error').hidden = !message;
    $('whatif-error').textContent = message;
  }

  /**
   * @param {WhatIf} w
   * @param {boolean} imported the world's truth is unknown
   */
  show(w, imported) {
    this.setError(null, '');
    const s = w.scored;
    const probability = $('whatif-probability');
    probability.textContent = formatPercent(s.probability);
    probability.dataset.value = String(s.probability);
    const truth = $('whatif-true-probability');
    truth.textContent = w.trueProbability === null ? (imported ? 'unknown for imported data' : 'unknown') : formatPercent(w.trueProbability);
    truth.dataset.value = w.trueProbability === null ? '' : String(w.trueProbability);
    $('whatif-segment').textContent = s.segment;
    $('whatif-segment').dataset.words = SEGMENTS[s.segment];
    const score = $('whatif-score');
    score.textContent = formatNumber(s.score, 4);
    score.dataset.value = String(s.score);
    this.#waterfall(w);
    this.#next(w);
    const beyond = w.beyondTraining.map((e) => `${this.labels[e.signal] ?? e.signal} ${valueText(e.signal, e.value)} (the training users had ${valueText(e.signal, e.min)} to ${valueText(e.signal, e.max)})`);
    $('whatif-extrapolation').hidden = beyond.length === 0;
    $('whatif-extrapolation').textContent = beyond.length
      ? `Beyond the training data: ${beyond.join('; ')}. The model never saw such users, so it extrapolates its straight line here; trust it less.`
      : '';
  }

  /**
   * The pushes from the intercept to the score, each a bar on one log-odds
   * axis from where the running total was to where it goes.
   * @param {WhatIf} w
   */
  #waterfall(w) {
    const s = w.scored;
    /** @type {{name: string, value: string, weight: string, push: number, from: number, to: number, testid: string}[]} */
    const steps = [{ name: 'Intercept (a tier_1 user with every signal 0)', value: '', weight: '', push: s.intercept, from: 0, to: s.intercept, testid: 'whatif-push-intercept' }];
    let total = s.intercept;
    for (const c of s.contributions) {
      const label = c.feature === 'tier_2' ? 'Tier 2 (vs tier 1)' : c.feature === 'tier_3' ? 'Tier 3 (vs tier 1)' : this.labels[c.feature] ?? c.feature;
      steps.push({ name: label, value: valueText(c.feature, c.value), weight: formatNumber(c.weight, 4), push: c.contribution, from: total, to: total + c.contribution, testid: `whatif-push-${c.feature}` });
      total += c.contribution;
    }
    const ends = steps.flatMap((step) => [step.from, step.to]);
    const low = Math.min(0, ...ends);
    const high = Math.max(0, ...ends);
    const span = high - low || 1;
    const at = (/** @type {number} */ x) => `${((x - low) / span) * 100}%`;
    const rows = steps.map((step) => {
      const tr = document.createElement('tr');
      const head = cell(step.name, undefined, 'th');
      head.setAttribute('scope', 'row');
      const track = document.createElement('td');
      track.className = 'waterfall-track';
      track.setAttribute('aria-hidden', 'true');
      const bar = document.createElement('span');
      bar.className = `waterfall-bar ${step.push >= 0 ? 'up' : 'down'}`;
      bar.style.left = at(Math.min(step.from, step.to));
      bar.style.width = `max(2px, ${(Math.abs(step.push) / span) * 100}%)`;
      const zero = document.createElement('span');
      zero.className = 'waterfall-zero';
      zero.style.left = at(0);
      track.append(zero, bar);
      tr.append(head, cell(step.value), cell(step.weight), cell(`${step.push > 0 ? '+' : ''}${formatNumber(step.push, 4)}`, step.testid), cell(formatNumber(step.to, 4)), track);
      return tr;
    });
    const end = document.createElement('tr');
    end.className = 'total';
    const head = cell('Score (log-odds)', undefined, 'th');
    head.setAttribute('scope', 'row');
    end.append(head, cell(''), cell(''), cell(''), cell(formatNumber(s.score, 4)), cell(`p = ${formatPercent(s.probability)}`));
    /** @type {HTMLTableSectionElement} */ ($('whatif-waterfall')).replaceChildren(...rows, end);
  }

  /**
   * What would move this user to the next band.
   * @param {WhatIf} w
   */
  #next(w) {
    const next = w.nextBand;
    const body = /** @type {HTMLTableSectionElement} */ ($('whatif-changes'));
    if (!next) {
      $('whatif-next').textContent = 'Already in the top band: there is no band above.';
      body.replaceChildren();
      return;
    }
    const to = `${SEGMENTS[next.segment]} (p ≥ ${formatThreshold(next.threshold)})`;
    const smallest = next.changes.find((c) => c.signal === next.smallest);
    $('whatif-next').textContent = smallest && smallest.change !== null && smallest.to !== null
      ? `To reach ${to}, the smallest change of one signal is ${this.labels[smallest.signal] ?? smallest.signal} `
        + `${signed(smallest.signal, smallest.change)} (to ${valueText(smallest.signal, smallest.to)}; ${formatNumber(Math.abs(smallest.changeSd ?? 0), 2)} standard deviations).`
      : `To reach ${to}: none within the contract's ranges. No single signal can move this user there.`;
    body.replaceChildren(...next.changes.map((c) => {
      const tr = document.createElement('tr');
      const head = cell(this.labels[c.signal] ?? c.signal, undefined, 'th');
      head.setAttribute('scope', 'row');
      if (c.signal === next.smallest) tr.classList.add('smallest');
      tr.append(head, ...this.#change(c));
      return tr;
    }));
  }

  /**
   * One signal's change as table cells.
   * @param {SignalChange} c
   */
  #change(c) {
    if (c.to === null || c.change === null) {
      const why = c.none === 'left_out' ? 'left out of the model' : c.none === 'no_weight' ? 'the model gives it no weight' : "none within the contract's ranges";
      const none = /** @type {HTMLTableCellElement} */ (cell(why, `whatif-change-${c.signal}`));
      none.colSpan = 4;
      return [none];
    }
    return [
      cell(`${signed(c.signal, c.change)} (to ${valueText(c.signal, c.to)})`, `whatif-change-${c.signal}`),
      cell(c.changeSd === null ? '–' : formatNumber(c.changeSd, 2)),
      cell(c.probability === null ? '–' : formatPercent(c.probability)),
      cell(c.beyondTraining ? 'beyond the training data' : ''),
    ];
  }
}
