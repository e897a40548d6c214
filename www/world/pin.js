// "Pin this world": the headline figures of one world kept beside the live
// ones, so a change reads as a comparison.
import { formatCount, formatNumber, formatPercent } from '../app/format.js';

/** @typedef {import('../pkg/conversion_playground.js').View} View */

/**
 * One figure of a world: its name, and how to read it from a view (null
 * when the world does not know it: imported users have no scores).
 * @typedef {{name: string, value: (view: View) => number | null, text: (x: number) => string, change: (a: number, b: number) => string}} Figure
 */

/** @param {number} x */
const signed = (x) => (x > 0 ? `+${formatNumber(x)}` : formatNumber(x));
/** @param {number} x a difference of two shares, in percentage points */
const points = (x) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x * 100).toFixed(1)} pts`;

/** @type {Figure[]} */
const FIGURES = [
  { name: 'conversion rate', value: (v) => v.summary.conversionRate, text: formatPercent, change: (a, b) => points(b - a) },
  { name: 'users who convert', value: (v) => v.summary.conversions, text: formatCount,
    change: (a, b) => `${b - a > 0 ? '+' : b - a < 0 ? '−' : ''}${formatCount(Math.abs(b - a))}` },
  ...['tier_1', 'tier_2', 'tier_3'].map((tier, i) => /** @type {Figure} */ ({
    name: `rate in ${tier}`, value: (v) => v.summary.tiers[i].conversionRate, text: formatPercent, change: (a, b) => points(b - a),
  })),
  { name: 'mean score', value: (v) => v.scores?.meanScore ?? null, text: (x) => formatNumber(x), change: (a, b) => signed(b - a) },
  { name: 'spread of scores', value: (v) => v.scores?.spreadScore ?? null, text: (x) => formatNumber(x), change: (a, b) => signed(b - a) },
];

export class Pin {
  /**
   * @param {HTMLButtonElement} button
   * @param {HTMLElement} box shown while a world is pinned
   * @param {HTMLTableSectionElement} body
   */
  constructor(button, box, body) {
    this.button = button;
    this.box = box;
    this.body = body;
    /** @type {(number | null)[] | null} the pinned world's figures */
    this.pinned = null;
    /** @type {View | null} */
    this.live = null;
  }

  /** Pins the world on screen, or unpins. */
  toggle() {
    this.pinned = this.pinned || !this.live ? null : FIGURES.map((f) => f.value(/** @type {View} */ (this.live)));
    this.button.setAttribute('aria-pressed', String(Boolean(this.pinned)));
    this.button.textContent = this.pinned ? 'Unpin' : 'Pin this world';
    this.box.hidden = !this.pinned;
    this.render();
  }

  /** @param {View} view the world on screen */
  show(view) {
    this.live = view;
    if (this.pinned) this.render();
  }

  render() {
    const pinned = this.pinned;
    const live = this.live;
    if (!pinned || !live) return;
    this.body.replaceChildren(...FIGURES.map((f, i) => {
      const now = f.value(live);
      const row = document.createElement('tr');
      const name = document.createElement('th');
      name.scope = 'row';
      name.textContent = f.name;
      const [a, b] = [pinned[i], now];
      const shown = (/** @type {number | null} */ x) => (x === null ? 'unknown' : f.text(x));
      row.append(name, ...[shown(a), shown(b), a === null || b === null ? '–' : f.change(a, b)].map((text) => {
        const cell = document.createElement('td');
        cell.textContent = text;
        return cell;
      }));
      return row;
    }));
  }
}
