// The decisions' charts, drawn with uPlot: the model's predicted
// probabilities stacked by converted and not, with the two band thresholds
// drawn on it and draggable (the sliders below it move them by keyboard);
// what contacting everyone above each threshold is worth, for the model and
// the oracles; and the cumulative gains. Every number comes from the worker;
// the charts only draw it. Each chart's box says in words what it shows.
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { formatCount, formatPercent } from '../app/format.js';
import { chartWidth, followWidth } from '../app/width.js';
import { formatMoney, formatThreshold } from './format.js';

/** @typedef {import('../pkg/conversion_playground.js').DecisionView} DecisionView */
/** @typedef {import('../pkg/conversion_playground.js').Policies} Policies */

const INK = '#1d2330';
const ACCENT = '#3a5bd9';
const GOOD = '#2e7d4f';
const WARM = '#c0621a';
const MUTED = '#8a93a6';
const AXIS = '#5b6475';
const HEIGHT = 230;
/** A pointer this close to a threshold line (CSS pixels) grabs it. */
const GRAB = 10;

/** @param {HTMLElement} box */
const widthOf = (box) => chartWidth(box, 240);

const moneyAxis = (/** @type {uPlot} */ _u, /** @type {number[]} */ ticks) => ticks.map((t) => formatMoney(t).replace(/\.00$/, ''));
const percentAxis = (/** @type {uPlot} */ _u, /** @type {number[]} */ ticks) => ticks.map((t) => `${t}%`);
const countAxis = (/** @type {uPlot} */ _u, /** @type {number[]} */ ticks) => ticks.map((t) => formatCount(t));

/**
 * A vertical line at `x` across the plot, with a label at its top.
 * @param {uPlot} u
 * @param {number} x
 * @param {string} color
 * @param {string} label
 * @param {number[]} [dash]
 */
function vertical(u, x, color, label, dash = []) {
  const ctx = u.ctx;
  const px = Math.round(u.valToPos(x, 'x', true));
  const { top, height } = u.bbox;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 2 * devicePixelRatio;
  ctx.setLineDash(dash.map((d) => d * devicePixelRatio));
  ctx.beginPath();
  ctx.moveTo(px, top);
  ctx.lineTo(px, top + height);
  ctx.stroke();
  ctx.font = `600 ${11 * devicePixelRatio}px system-ui, sans-serif`;
  const width = ctx.measureText(label).width;
  const left = px + 4 * devicePixelRatio + width > u.bbox.left + u.bbox.width ? px - 4 * devicePixelRatio - width : px + 4 * devicePixelRatio;
  ctx.fillText(label, left, top + 12 * devicePixelRatio);
  ctx.restore();
}

/**
 * The model's probabilities on the held-out users, by converted and not,
 * with the high and medium thresholds drawn and draggable.
 */
export class BandChart {
  /**
   * @param {HTMLElement} box
   * @param {(which: 'high' | 'medium', value: number, done: boolean) => void} onDrag
   */
  constructor(box, onDrag) {
    this.box = box;
    box.setAttribute('role', 'img');
    this.thresholds = { high: 0.7, medium: 0.4 };
    /** @type {'high' | 'medium' | null} */
    this.dragging = null;
    /** @type {uPlot.Options} */
    const options = {
      width: widthOf(box),
      height: HEIGHT,
      scales: { x: { time: false, range: [0, 1] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { stroke: AXIS, label: "the model's probability of converting", values: (_u, ticks) => ticks.map((t) => formatThreshold(t)) },
        { stroke: AXIS, size: 60, label: 'held-out users', values: countAxis },
      ],
      series: [
        { label: 'probability' },
        { label: 'did not convert', fill: 'rgba(138,147,166,.45)', stroke: MUTED, width: 1, paths: uPlot.paths.bars?.({ size: [0.92, Infinity], align: 0 }), points: { show: false } },
        { label: 'converted', fill: 'rgba(46,125,79,.75)', stroke: GOOD, width: 1, paths: uPlot.paths.bars?.({ size: [0.92, Infinity], align: 0 }), points: { show: false } },
      ],
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      hooks: {
        drawClear: [(u) => this.#shade(u)],
        draw: [(u) => {
          vertical(u, this.thresholds.medium, WARM, `medium ≥ ${formatThreshold(this.thresholds.medium)}`);
          vertical(u, this.thresholds.high, ACCENT, `high ≥ ${formatThreshold(this.thresholds.high)}`);
        }],
      },
    };
    this.plot = new uPlot(options, [[], [], []], box);
    followWidth(box, () => this.resize());
    this.#listen(onDrag);
  }

  /** Tints the three bands behind the bars. @param {uPlot} u */
  #shade(u) {
    const ctx = u.ctx;
    const { top, height } = u.bbox;
    const at = (/** @type {number} */ x) => u.valToPos(x, 'x', true);
    ctx.save();
    for (const [from, to, color] of /** @type {[number, number, string][]} */ ([
      [this.thresholds.high, 1, 'rgba(58,91,217,.07)'],
      [this.thresholds.medium, this.thresholds.high, 'rgba(192,98,26,.07)'],
    ])) {
      ctx.fillStyle = color;
      ctx.fillRect(at(from), top, at(to) - at(from), height);
    }
    ctx.restore();
  }

  /**
   * Pointer dragging of the threshold lines, on the plot's overlay.
   * @param {(which: 'high' | 'medium', value: number, done: boolean) => void} onDrag
   */
  #listen(onDrag) {
    const over = this.plot.over;
    const valueAt = (/** @type {PointerEvent} */ e) => {
      const v = this.plot.posToVal(e.clientX - over.getBoundingClientRect().left, 'x');
      return Math.min(1, Math.max(0, Math.round(v * 100) / 100));
    };
    const nearest = (/** @type {PointerEvent} */ e) => {
      const x = e.clientX - over.getBoundingClientRect().left;
      const distance = (/** @type {number} */ t) => Math.abs(this.plot.valToPos(t, 'x') - x);
      const [high, medium] = [distance(this.thresholds.high), distance(this.thresholds.medium)];
      if (Math.min(high, medium) > GRAB) return null;
      // On a tie (both lines at one place) the side the pointer is on decides.
      if (high === medium) return valueAt(e) >= this.thresholds.high ? 'high' : 'medium';
      return high < medium ? 'high' : 'medium';
    };
    over.addEventListener('pointerdown', (e) => {
      this.dragging = nearest(e);
      if (!this.dragging) return;
      over.setPointerCapture(e.pointerId);
      e.preventDefault();
    });
    over.addEventListener('pointermove', (e) => {
      if (this.dragging) onDrag(this.dragging, valueAt(e), false);
      else over.style.cursor = nearest(e) ? 'ew-resize' : '';
    });
    const end = (/** @type {PointerEvent} */ e) => {
      if (!this.dragging) return;
      onDrag(this.dragging, valueAt(e), true);
      this.dragging = null;
    };
    over.addEventListener('pointerup', end);
    over.addEventListener('pointercancel', end);
  }

  /**
   * Moves the threshold lines (a slider moved, or the link).
   * @param {number} high
   * @param {number} medium
   */
  setThresholds(high, medium) {
    this.thresholds = { high, medium };
    this.plot.redraw(false, false);
  }

  /** @param {DecisionView} view */
  update(view) {
    const h = view.histogram;
    this.thresholds = { ...view.thresholds };
    this.plot.setData([h.lower, h.converted.map((c, i) => c + h.notConverted[i]), h.converted]);
    this.describe(view);
  }

  /**
   * Says in words what the chart shows.
   * @param {DecisionView} view
   */
  describe(view) {
    const [high, medium, low] = view.bands;
    this.box.setAttribute('aria-label', `The model's probabilities for ${formatCount(view.users)} held-out users, by converted and not: `
      + `${formatCount(high.users)} at or above the high threshold ${formatThreshold(view.thresholds.high)}, `
      + `${formatCount(medium.users)} from the medium threshold ${formatThreshold(view.thresholds.medium)}, ${formatCount(low.users)} below it.`);
  }

  resize() {
    this.plot.setSize({ width: widthOf(this.box), height: HEIGHT });
  }
}

/**
 * What contacting everyone at or above each threshold is worth: the model,
 * the best possible (ranking by q(x)) and the oracle (each user's own p),
 * beside contacting everyone and no one; each curve's best marked.
 */
export class ProfitChart {
  /** @param {HTMLElement} box */
  constructor(box) {
    this.box = box;
    box.setAttribute('role', 'img');
    /** @type {Policies | null} */
    this.policies = null;
    /** @type {uPlot.Options} */
    const options = {
      width: widthOf(box),
      height: HEIGHT,
      scales: { x: { time: false, range: [0, 1] } },
      axes: [
        { stroke: AXIS, label: 'contact everyone with a probability at or above', values: (_u, ticks) => ticks.map((t) => formatThreshold(t)) },
        { stroke: AXIS, size: 78, label: 'expected profit', values: moneyAxis },
      ],
      series: [
        { label: 'threshold' },
        { label: "the model (ranking by its probability)", stroke: ACCENT, width: 2.5 },
        { label: 'best possible (ranking by q(x))', stroke: INK, width: 1.5, dash: [6, 4] },
        { label: "oracle (ranking by each user's own p: unreachable)", stroke: MUTED, width: 1.5, dash: [2, 3] },
        { label: 'contact everyone', stroke: WARM, width: 1, dash: [8, 4] },
        { label: 'contact no one', stroke: AXIS, width: 1 },
      ],
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      hooks: { draw: [(u) => this.#markBest(u)] },
    };
    this.plot = new uPlot(options, [[], [], [], [], [], []], box);
    followWidth(box, () => this.resize());
  }

  /** A dot on each curve's best threshold. @param {uPlot} u */
  #markBest(u) {
    const p = this.policies;
    if (!p) return;
    const ctx = u.ctx;
    ctx.save();
    for (const [curve, color] of /** @type {[import('../pkg/conversion_playground.js').ProfitCurve | null, string][]} */ ([
      [p.oracle, MUTED], [p.bestPossible, INK], [p.model, ACCENT],
    ])) {
      if (!curve) continue;
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.arc(u.valToPos(curve.best.threshold, 'x', true), u.valToPos(curve.best.expectedProfit, 'y', true), 5 * devicePixelRatio, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.restore();
  }

  /** @param {Policies} p */
  update(p) {
    this.policies = p;
    const xs = p.model.points.threshold;
    const none = Array.from(xs, () => null);
    const of = (/** @type {import('../pkg/conversion_playground.js').ProfitCurve | null} */ c) => (c ? c.points.expectedProfit : none);
    this.plot.setData([xs, of(p.model), of(p.bestPossible), of(p.oracle), xs.map(() => p.everyone), xs.map(() => p.nobody)]);
    const best = p.model.best;
    this.box.setAttribute('aria-label', `Expected profit of contacting everyone above each threshold: the model's best is ${formatMoney(best.expectedProfit)} at ${formatThreshold(best.threshold)}; `
      + `contacting everyone ${formatMoney(p.everyone)}, no one ${formatMoney(p.nobody)}.`);
  }

  resize() {
    this.plot.setSize({ width: widthOf(this.box), height: HEIGHT });
  }
}

/** Cumulative gains: the model, the true-p oracle and contacting at random. */
export class GainsChart {
  /** @param {HTMLElement} box */
  constructor(box) {
    this.box = box;
    box.setAttribute('role', 'img');
    /** @type {uPlot.Options} */
    const options = {
      width: widthOf(box),
      height: HEIGHT,
      scales: { x: { time: false, range: [0, 100] }, y: { range: [0, 100] } },
      axes: [
        { stroke: AXIS, label: 'users contacted, highest probability first', values: percentAxis },
        { stroke: AXIS, size: 52, label: 'converters among them', values: percentAxis },
      ],
      series: [
        { label: 'contacted' },
        { label: 'the model', stroke: ACCENT, width: 2.5 },
        { label: "oracle (ranking by each user's own p)", stroke: MUTED, width: 1.5, dash: [2, 3] },
        { label: 'at random', stroke: AXIS, width: 1, dash: [6, 4] },
      ],
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
    };
    this.plot = new uPlot(options, [[], [], [], []], box);
    followWidth(box, () => this.resize());
  }

  /** @param {DecisionView} view */
  update(view) {
    const xs = view.gains.shareContacted.map((x) => x * 100);
    const oracle = view.oracleGains;
    this.plot.setData([
      xs,
      view.gains.shareOfConversions.map((x) => x * 100),
      oracle ? oracle.shareOfConversions.map((x) => x * 100) : Array.from(xs, () => null),
      xs,
    ]);
    const top = view.lift.map((g) => `the top ${formatPercent(g.shareContacted).replace('.0', '')} hold ${formatPercent(g.shareOfConversions)} of converters`).join(', ');
    this.box.setAttribute('aria-label', `Cumulative gains of the model on the held-out users: ${top}.`);
  }

  resize() {
    this.plot.setSize({ width: widthOf(this.box), height: HEIGHT });
  }
}
