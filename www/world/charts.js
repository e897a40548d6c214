// The signal charts, drawn with uPlot (fast enough to redraw every
// animation frame): a histogram per numeric signal with the conversion rate
// per bin and its 95% interval over it, and the conversion rate per tier.
// Counts start at 0; a rate with fewer than SPARSE users behind it is drawn
// faint, and every rate carries its interval, so a bin of 3 users swinging
// between 0% and 100% reads as the noise it is.
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { formatCount, formatPercent, counted } from '../app/format.js';
import { followWidth } from '../app/width.js';
import { Figure } from './figure.js';

/** @typedef {import('../pkg/conversion_playground.js').Histogram} Histogram */
/** @typedef {import('../pkg/conversion_playground.js').TierStats} TierStats */

/** Fewer users than this behind a rate: drawn faint. */
export const SPARSE = 30;
const HEIGHT = 200;
/** Colours: lines and fills, and text that passes WCAG AA on white (the
 * world's charts and the uplift lab's share them). */
export const BLUE = '#3a5bd9';
export const NOISE = '#0f766e';
export const WARM = '#c0621a';
export const WARM_TEXT = '#9c4a0c';
export const INK = '#1d2330';
export const MUTED = '#5b6475';
export const FONT = '12px system-ui, sans-serif';
export const LABEL_FONT = '600 12px system-ui, sans-serif';

const percentAxis = (/** @type {uPlot} */ _u, /** @type {number[]} */ ticks) => ticks.map((t) => `${t}%`);
const countAxis = (/** @type {uPlot} */ _u, /** @type {number[]} */ ticks) => ticks.map((t) => formatCount(t));
/** A count scale from 0 to a little above the largest count. */
const fromZero = (/** @type {uPlot} */ _u, /** @type {number} */ _min, /** @type {number} */ max) =>
  /** @type {uPlot.Range.MinMax} */ ([0, max > 0 ? max * 1.08 : 1]);

/**
 * A rate's 95% interval in words.
 * @param {number | null} low
 * @param {number | null} high
 */
const interval = (low, high) => (low === null || high === null ? '–' : `${formatPercent(low)} to ${formatPercent(high)}`);

/**
 * Draws each bin's interval as a vertical whisker on the rate scale.
 * @param {uPlot} u
 * @param {(number | null)[]} lows in %
 * @param {(number | null)[]} highs in %
 */
function drawWhiskers(u, lows, highs) {
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = 'rgba(192,98,26,0.45)';
  ctx.lineWidth = Math.max(1, devicePixelRatio);
  const xs = /** @type {number[]} */ (u.data[0]);
  for (let i = 0; i < xs.length; i++) {
    const lo = lows[i];
    const hi = highs[i];
    if (lo === null || hi === null) continue;
    const x = Math.round(u.valToPos(xs[i], 'x', true));
    ctx.beginPath();
    ctx.moveTo(x, u.valToPos(lo, 'rate', true));
    ctx.lineTo(x, u.valToPos(hi, 'rate', true));
    ctx.stroke();
  }
  ctx.restore();
}

/**
 * What a vertical axis shows, as drawn: "Up: users, from 0 to 1,200."
 * @param {uPlot} plot
 * @param {string} scale
 * @param {string} name
 * @param {string} [unit]
 */
export function axes(plot, scale, name, unit = '') {
  const { min, max } = plot.scales[scale];
  const text = (/** @type {number | undefined} */ x) => `${formatCount(Math.round(x ?? 0))}${unit}`;
  return `Up: ${name}, from ${text(min)} to ${text(max)}.`;
}

/** The legend of a chart of counts and rates. */
const RATE_LEGEND = [
  { swatch: 'users', text: 'users' },
  { swatch: 'rate', text: 'share who convert, with its 95% interval' },
  { swatch: 'sparse', text: `the same, fewer than ${SPARSE} users` },
];

export class SignalChart {
  /**
   * @param {HTMLElement} parent where the chart goes
   * @param {Histogram} h
   * @param {string} label the signal's name for people
   * @param {() => Promise<string>} fileName the PNG's name
   */
  constructor(parent, h, label, fileName) {
    this.label = label;
    this.figure = new Figure(parent, {
      title: label,
      testid: `chart-${h.column}`,
      legend: RATE_LEGEND,
      columns: [label, 'users', 'converted', 'share who convert', '95% interval'],
      fileName: async () => `${await fileName()}_${h.column}`,
    });
    this.h = h;
    const whiskers = (/** @type {uPlot} */ u) => drawWhiskers(u, this.lows, this.highs);
    /** @type {uPlot.Options} */
    const options = {
      width: this.figure.width(),
      height: HEIGHT,
      scales: { x: { time: false }, users: { range: fromZero }, rate: { auto: false, range: [0, 100] } },
      axes: [
        { stroke: MUTED, font: FONT, label, labelFont: LABEL_FONT, labelSize: 20 },
        { scale: 'users', values: countAxis, size: 58, stroke: BLUE, font: FONT, label: 'users', labelFont: LABEL_FONT, labelSize: 18 },
        { scale: 'rate', side: 1, values: percentAxis, grid: { show: false }, size: 46, stroke: WARM_TEXT, font: FONT,
          label: 'share who convert', labelFont: LABEL_FONT, labelSize: 18 },
      ],
      series: [
        { label },
        { label: 'users', scale: 'users', fill: 'rgba(58,91,217,0.28)', stroke: BLUE, width: 1,
          paths: uPlot.paths.bars?.({ size: [0.9, 40] }), points: { show: false } },
        { label: 'converted', scale: 'rate', stroke: WARM, width: 0, paths: () => null,
          points: { show: true, size: 6, fill: WARM, stroke: WARM } },
        { label: 'converted (few users)', scale: 'rate', stroke: 'rgba(192,98,26,0.35)', width: 0, paths: () => null,
          points: { show: true, size: 6, fill: '#ffffff', stroke: 'rgba(192,98,26,0.55)' } },
      ],
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      hooks: {
        draw: [whiskers],
        setCursor: [(u) => this.#read(u.cursor.idx)],
      },
    };
    /** @type {(number | null)[]} */
    this.lows = [];
    /** @type {(number | null)[]} */
    this.highs = [];
    this.plot = new uPlot(options, this.#data(h), this.figure.box);
    this.figure.plot = this.plot;
    followWidth(this.figure.box, () => this.resize());
  }

  /** @param {Histogram} h */
  #data(h) {
    this.h = h;
    const width = (h.edges.length > 1 ? h.edges[1] - h.edges[0] : h.upper - h.edges[0]) || 1;
    // Whole-value bins of width 1 sit at their value; wider ones at their centre.
    const xs = h.edges.map((e, i) => {
      const next = i + 1 < h.edges.length ? h.edges[i + 1] : h.upper;
      return h.integer && width === 1 ? e : (e + next - (h.integer ? 1 : 0)) / 2;
    });
    const percent = (/** @type {number | null} */ r) => (r === null ? null : r * 100);
    this.lows = h.rateLow.map(percent);
    this.highs = h.rateHigh.map(percent);
    const solid = h.rates.map((r, i) => (h.users[i] >= SPARSE ? percent(r) : null));
    const faint = h.rates.map((r, i) => (h.users[i] < SPARSE ? percent(r) : null));
    return /** @type {uPlot.AlignedData} */ ([xs, h.users, solid, faint]);
  }

  /**
   * What bin `i` holds, in words.
   * @param {number} i
   */
  #bin(i) {
    const h = this.h;
    const lo = h.edges[i];
    const hi = i + 1 < h.edges.length ? h.edges[i + 1] : h.upper;
    if (h.integer) return hi - lo <= 1 ? formatCount(lo) : `${formatCount(lo)} to ${formatCount(hi - 1)}`;
    return `${lo.toFixed(2)} to under ${hi.toFixed(2)}`;
  }

  /** @param {number | null | undefined} i the bin under the pointer */
  #read(i) {
    const h = this.h;
    if (i === null || i === undefined || i >= h.users.length) {
      this.figure.readout.textContent = '';
      return;
    }
    const rate = h.rates[i];
    this.figure.readout.textContent = `${this.label} ${this.#bin(i)}: ${counted(h.users[i], 'user')}`
      + (rate === null ? '' : `, ${formatPercent(rate)} convert (95% interval ${interval(h.rateLow[i], h.rateHigh[i])})`);
  }

  /** @param {Histogram} h */
  update(h) {
    this.plot.setData(this.#data(h));
  }

  /** Writes the data table from the data on screen. */
  renderTable() {
    const h = this.h;
    this.figure.setRows(Array.from(h.users, (n, i) => [
      this.#bin(i), formatCount(n), formatCount(h.conversions[i]),
      h.rates[i] === null ? '–' : formatPercent(/** @type {number} */ (h.rates[i])),
      interval(h.rateLow[i], h.rateHigh[i]),
    ]), `Across: ${this.label}. ${axes(this.plot, 'users', 'users')} ${axes(this.plot, 'rate', 'share who convert', '%')}`);
  }

  resize() {
    this.plot.setSize({ width: this.figure.width(), height: HEIGHT });
  }
}

export class TierChart {
  /**
   * @param {HTMLElement} parent
   * @param {TierStats[]} tiers
   * @param {([number, number] | null)[]} intervals each tier's 95% interval
   * @param {() => Promise<string>} fileName
   */
  constructor(parent, tiers, intervals, fileName) {
    this.figure = new Figure(parent, {
      title: 'Conversion by country tier',
      testid: 'chart-tiers',
      legend: [{ swatch: 'rate', text: 'share who convert, with its 95% interval' }],
      columns: ['tier', 'users', 'converted', 'share who convert', '95% interval'],
      fileName: async () => `${await fileName()}_tiers`,
    });
    this.tiers = tiers;
    /** @type {([number, number] | null)[]} */
    this.intervals = intervals;
    const percent = (/** @type {number} */ end) => this.intervals.map((i) => (i ? i[end] * 100 : null));
    const whiskers = (/** @type {uPlot} */ u) => drawWhiskers(u, percent(0), percent(1));
    /** @type {uPlot.Options} */
    const options = {
      width: this.figure.width(),
      height: HEIGHT,
      scales: { x: { time: false, range: [0.4, 3.6] }, rate: { auto: false, range: [0, 100] } },
      axes: [
        { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) && t >= 1 && t <= 3 ? `tier_${t}` : '')),
          stroke: MUTED, font: FONT, label: 'country tier', labelFont: LABEL_FONT, labelSize: 20 },
        { scale: 'rate', values: percentAxis, size: 48, stroke: WARM_TEXT, font: FONT,
          label: 'share who convert', labelFont: LABEL_FONT, labelSize: 18 },
      ],
      series: [
        { label: 'tier' },
        { label: 'converted', scale: 'rate', fill: 'rgba(192,98,26,0.35)', stroke: WARM, width: 1,
          paths: uPlot.paths.bars?.({ size: [0.6, 80] }), points: { show: false } },
      ],
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      hooks: {
        draw: [whiskers],
        setCursor: [(u) => this.#read(u.cursor.idx)],
      },
    };
    this.plot = new uPlot(options, this.#data(tiers, intervals), this.figure.box);
    this.figure.plot = this.plot;
    followWidth(this.figure.box, () => this.resize());
  }

  /**
   * @param {TierStats[]} tiers
   * @param {([number, number] | null)[]} intervals
   */
  #data(tiers, intervals) {
    this.tiers = tiers;
    this.intervals = intervals;
    return /** @type {uPlot.AlignedData} */ ([[1, 2, 3], tiers.map((t) => (t.users ? t.conversionRate * 100 : null))]);
  }

  /** @param {number | null | undefined} i */
  #read(i) {
    const t = i === null || i === undefined ? undefined : this.tiers[i];
    this.figure.readout.textContent = t
      ? `${t.tier}: ${counted(t.users, 'user')}${t.users ? `, ${formatPercent(t.conversionRate)} convert` : ''}`
      : '';
  }

  /**
   * @param {TierStats[]} tiers
   * @param {([number, number] | null)[]} intervals
   */
  update(tiers, intervals) {
    this.plot.setData(this.#data(tiers, intervals));
  }

  renderTable() {
    const across = `Across: country tier. ${axes(this.plot, 'rate', 'share who convert', '%')}`;
    this.figure.setRows(this.tiers.map((t, i) => {
      const ends = this.intervals[i];
      return [
        t.tier, formatCount(t.users), formatCount(t.conversions),
        t.users ? formatPercent(t.conversionRate) : '–',
        ends ? interval(ends[0], ends[1]) : '–',
      ];
    }), across);
  }

  resize() {
    this.plot.setSize({ width: this.figure.width(), height: HEIGHT });
  }
}
