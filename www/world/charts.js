// Charts, drawn with uPlot (fast enough to redraw every animation frame):
// a histogram per numeric signal with the conversion rate per bin over it,
// and the conversion rate per tier.
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { formatCount } from '../app/format.js';

/** @typedef {import('../pkg/conversion_playground.js').Histogram} Histogram */
/** @typedef {import('../pkg/conversion_playground.js').TierStats} TierStats */

const percentAxis = (/** @type {uPlot} */ _u, /** @type {number[]} */ ticks) => ticks.map((t) => `${t}%`);
const countAxis = (/** @type {uPlot} */ _u, /** @type {number[]} */ ticks) => ticks.map((t) => formatCount(t));

/** @param {HTMLElement} box */
const widthOf = (box) => Math.max(260, Math.floor(box.clientWidth || 320));

/** @param {Histogram} h */
function histogramData(h) {
  const width = (h.edges.length > 1 ? h.edges[1] - h.edges[0] : h.upper - h.edges[0]) || 1;
  // Integer bins of width 1 are labelled by their value; wider ones by their centre.
  const xs = h.edges.map((e) => (width === 1 ? e : e + width / 2));
  const rates = h.rates.map((r) => (r === null ? null : r * 100));
  return /** @type {uPlot.AlignedData} */ ([xs, h.users, rates]);
}

export class SignalChart {
  /**
   * @param {HTMLElement} box where the chart goes
   * @param {Histogram} h
   * @param {string} label the signal's name for people
   */
  constructor(box, h, label) {
    this.box = box;
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', `Histogram of ${label} with the conversion rate per bin`);
    /** @type {uPlot.Options} */
    const options = {
      title: label,
      width: widthOf(box),
      height: 190,
      scales: { x: { time: false }, users: { auto: true }, rate: { auto: false, range: [0, 100] } },
      axes: [
        { stroke: '#5b6475' },
        { scale: 'users', values: countAxis, size: 56, stroke: '#3a5bd9' },
        { scale: 'rate', side: 1, values: percentAxis, grid: { show: false }, size: 48, stroke: '#c0621a' },
      ],
      series: [
        { label },
        { label: 'users', scale: 'users', fill: 'rgba(58,91,217,0.28)', stroke: '#3a5bd9', width: 1,
          paths: uPlot.paths.bars?.({ size: [0.9, 40] }), points: { show: false },
          value: (_u, v) => (v == null ? '–' : formatCount(v)) },
        { label: 'converted', scale: 'rate', stroke: '#c0621a', width: 2, points: { show: true, size: 4 },
          value: (_u, v) => (v == null ? '–' : `${v.toFixed(1)}%`) },
      ],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
    };
    this.plot = new uPlot(options, histogramData(h), box);
  }

  /** @param {Histogram} h */
  update(h) {
    this.plot.setData(histogramData(h));
  }

  resize() {
    this.plot.setSize({ width: widthOf(this.box), height: 190 });
  }
}

export class TierChart {
  /**
   * @param {HTMLElement} box
   * @param {TierStats[]} tiers
   */
  constructor(box, tiers) {
    this.box = box;
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', 'Conversion rate by country tier');
    /** @type {uPlot.Options} */
    const options = {
      title: 'Conversion by country tier',
      width: widthOf(box),
      height: 190,
      scales: { x: { time: false, range: [0.4, 3.6] }, rate: { auto: false, range: [0, 100] } },
      axes: [
        { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) && t >= 1 && t <= 3 ? `tier_${t}` : '')), stroke: '#5b6475' },
        { scale: 'rate', values: percentAxis, size: 48 },
      ],
      series: [
        { label: 'tier', value: (_u, v) => (v == null ? '–' : `tier_${v}`) },
        { label: 'converted', scale: 'rate', fill: 'rgba(192,98,26,0.35)', stroke: '#c0621a', width: 1,
          paths: uPlot.paths.bars?.({ size: [0.6, 80] }), points: { show: false },
          value: (_u, v) => (v == null ? '–' : `${v.toFixed(1)}%`) },
      ],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
    };
    this.plot = new uPlot(options, TierChart.data(tiers), box);
  }

  /** @param {TierStats[]} tiers */
  static data(tiers) {
    return /** @type {uPlot.AlignedData} */ ([[1, 2, 3], tiers.map((t) => (t.users ? t.conversionRate * 100 : null))]);
  }

  /** @param {TierStats[]} tiers */
  update(tiers) {
    this.plot.setData(TierChart.data(tiers));
  }

  resize() {
    this.plot.setSize({ width: widthOf(this.box), height: 190 });
  }
}
