// The uplift lab's charts, drawn with uPlot in the world panel's frames
// (title, PNG, legend, readout, and the numbers behind each chart for
// screen readers): the four groups along the score under the S-curve
// without and with the offer, and each policy's Qini and profit curves over
// the budget. Every number comes from the core's LabView.
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { counted, formatCount, formatNumber } from '../app/format.js';
import { followWidth } from '../app/width.js';
import { Figure } from '../world/figure.js';
import { axes, FONT, INK, LABEL_FONT, MUTED } from '../world/charts.js';
import { scoreAxes, scoreScales } from '../world/score-chart.js';
import { money, points } from './format.js';
import { POLICY_NAMES } from './tables.js';

/** @typedef {import('../pkg/conversion_playground.js').LabView} LabView */
/** @typedef {import('../pkg/conversion_playground.js').ScoreChart} ScoreChart */
/** @typedef {import('../pkg/conversion_playground.js').PolicyView} PolicyView */

const HEIGHT = 260;

/** The groups, bottom of the stack first, with their colours (the legend's swatches). */
export const GROUPS = /** @type {const} */ ([
  { key: 'persuadables', name: 'persuadables', colour: '#2e7d4f', swatch: 'persuadable' },
  { key: 'sleepingDogs', name: 'sleeping dogs', colour: '#b3261e', swatch: 'sleeping' },
  { key: 'sureThings', name: 'sure things', colour: '#7f8db3', swatch: 'sure' },
  { key: 'lostCauses', name: 'lost causes', colour: '#d5d9e2', swatch: 'lost' },
]);

/** Each policy's line. */
const POLICY_STYLE = /** @type {Record<string, {stroke: string, dash?: number[], width: number}>} */ ({
  model_probability: { stroke: '#c0621a', width: 2.5 },
  oracle: { stroke: INK, width: 1.5, dash: [6, 4] },
  best_possible: { stroke: '#0f766e', width: 2 },
  learned: { stroke: '#3a5bd9', width: 2.5 },
  random: { stroke: '#8a93a6', width: 1.5, dash: [2, 3] },
});

/**
 * The four groups along the score with noise, stacked, under the S-curve
 * without the offer and with it (for a user whose τ is the mean).
 */
export class GroupsChart {
  /**
   * @param {HTMLElement} parent
   * @param {() => Promise<string>} fileName
   */
  constructor(parent, fileName) {
    this.figure = new Figure(parent, {
      title: 'Who the offer changes, along the score',
      testid: 'uplift-curve-chart',
      legend: [],
      columns: ['score (log-odds)', ...GROUPS.map((g) => g.name), 'p without the offer', 'p with it (mean τ)'],
      fileName: async () => `${await fileName()}_groups`,
    });
    /** @type {ScoreChart | null} */
    this.chart = null;
    /** @type {uPlot.Options} */
    const options = {
      width: this.figure.width(),
      height: HEIGHT,
      scales: scoreScales(),
      axes: scoreAxes({ score: 'score with noise, s(x) + σ·z (log-odds)', probability: 'probability' }, MUTED),
      // The stack painted from its top down: each series is the groups up to it.
      series: [
        { label: 'score' },
        ...[...GROUPS].reverse().map((g) => ({
          label: g.name, scale: 'users', stroke: g.colour, fill: g.colour, width: 0,
          paths: uPlot.paths.stepped?.({ align: /** @type {1} */ (1) }), points: { show: false },
        })),
        { label: 'p without the offer', scale: 'p', stroke: INK, width: 2.5, points: { show: false } },
        { label: 'p with the offer', scale: 'p', stroke: '#2e7d4f', width: 2.5, dash: [7, 4], points: { show: false } },
      ],
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      hooks: {
        draw: [(u) => this.#drawThresholds(u)],
        setCursor: [(u) => this.#read(u.cursor.idx)],
      },
    };
    this.plot = new uPlot(options, [[]], this.figure.box);
    this.figure.plot = this.plot;
    followWidth(this.figure.box, () => this.resize());
  }

  /** @param {LabView} view */
  update(view) {
    const c = view.scores;
    this.chart = c;
    const xs = c.without.map((_, k) => c.start + k * c.curveStep);
    const per = Math.round(c.width / c.curveStep);
    const bin = (/** @type {number} */ k) => Math.min(c.sureThings.length - 1, Math.floor(k / per));
    const top = [...GROUPS].reverse();
    const stacked = top.map((_, i) => xs.map((_x, k) => GROUPS.slice(0, GROUPS.length - i)
      .reduce((sum, g) => sum + c[g.key][bin(k)], 0)));
    this.figure.setLegend([
      ...GROUPS.map((g) => ({ swatch: g.swatch, text: `${g.name} (${formatCount(view.groups[g.key])})` })),
      { swatch: 'curve', text: 'p without the offer: 1 / (1 + e^−score)' },
      { swatch: 'with', text: `p with the offer, for a user whose τ is the mean, ${formatNumber(view.tau.mean)}` },
      { swatch: 'mean', text: 'where the curve crosses the model\'s band thresholds' },
    ]);
    this.plot.setData(/** @type {uPlot.AlignedData} */ ([xs, ...stacked, c.without.map((p) => p * 100), c.with.map((p) => p * 100)]));
    const rows = Array.from(c.sureThings, (_, k) => [this.#bin(k), ...GROUPS.map((g) => formatCount(c[g.key][k])),
      `${(c.without[k * per + per / 2] * 100).toFixed(1)}%`, `${(c.with[k * per + per / 2] * 100).toFixed(1)}%`]);
    this.figure.setRows(rows, `Across: score, from ${formatNumber(c.start)} to ${formatNumber(c.start + c.width * c.sureThings.length)}. ${axes(this.plot, 'users', 'users')}`);
  }

  /** @param {number} k */
  #bin(k) {
    const c = /** @type {ScoreChart} */ (this.chart);
    const lo = c.start + k * c.width;
    return `${formatNumber(lo)} to under ${formatNumber(lo + c.width)}`;
  }

  /** @param {uPlot} u */
  #drawThresholds(u) {
    const c = this.chart;
    if (!c) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = INK;
    ctx.lineWidth = 1 * devicePixelRatio;
    ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
    for (const score of c.thresholdScores) {
      const x = u.valToPos(score, 'x', true);
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
    }
    ctx.restore();
  }

  /** @param {number | null | undefined} i */
  #read(i) {
    const c = this.chart;
    if (!c || i === null || i === undefined) {
      this.figure.readout.textContent = '';
      return;
    }
    const per = Math.round(c.width / c.curveStep);
    const k = Math.min(c.sureThings.length - 1, Math.floor(i / per));
    const users = GROUPS.reduce((sum, g) => sum + c[g.key][k], 0);
    this.figure.readout.textContent = `Score ${this.#bin(k)}: ${counted(users, 'user')}, `
      + GROUPS.map((g) => `${formatCount(c[g.key][k])} ${g.name}`).join(', ') + '.';
  }

  resize() {
    this.plot.setSize({ width: this.figure.width(), height: HEIGHT });
  }
}

/** Each policy's curve over the budget: its Qini curve, or its profit. */
export class PolicyChart {
  /**
   * @param {HTMLElement} parent
   * @param {'qini' | 'profit'} kind
   * @param {() => Promise<string>} fileName
   */
  constructor(parent, kind, fileName) {
    this.kind = kind;
    const qini = kind === 'qini';
    this.figure = new Figure(parent, {
      title: qini ? 'Qini curves: conversions the offers add' : 'Profit of the offers',
      testid: qini ? 'qini-chart' : 'profit-chart',
      legend: [],
      columns: ['share of users offered', ...Object.values(POLICY_NAMES)],
      fileName: async () => `${await fileName()}_${kind}`,
    });
    /** @type {LabView | null} */
    this.view = null;
    /** @type {string[]} the policies drawn, in series order */
    this.policies = [];
    this.plot = this.#make([]);
    followWidth(this.figure.box, () => this.resize());
  }

  /** @param {string[]} policies */
  #make(policies) {
    this.policies = policies;
    /** @type {uPlot.Options} */
    const options = {
      width: this.figure.width(),
      height: HEIGHT,
      scales: { x: { time: false, auto: false, range: [0, 100] } },
      axes: [
        { stroke: MUTED, font: FONT, label: 'users offered (share, best first by each policy)', labelFont: LABEL_FONT, labelSize: 20,
          values: (_u, ticks) => ticks.map((t) => `${t}%`) },
        { size: 70, stroke: MUTED, font: FONT, labelFont: LABEL_FONT, labelSize: 18,
          label: this.kind === 'qini' ? 'conversions added' : 'profit',
          values: (_u, ticks) => ticks.map((t) => (this.kind === 'qini' ? formatCount(t) : money(t).replace(/\.00$/, ''))) },
      ],
      series: [{ label: 'offered' }, ...policies.map((p) => ({ label: POLICY_NAMES[p], ...POLICY_STYLE[p], points: { show: false } }))],
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      hooks: { draw: [(u) => this.#drawBudget(u)], setCursor: [(u) => this.#read(u.cursor.idx)] },
    };
    this.plot?.destroy();
    return new uPlot(options, [[]], this.figure.box);
  }

  /** @param {LabView} view */
  update(view) {
    this.view = view;
    const policies = view.policies.map((p) => p.policy);
    if (policies.join() !== this.policies.join()) this.plot = this.#make(policies);
    this.figure.plot = this.plot;
    const values = (/** @type {PolicyView} */ p) => (this.kind === 'qini' ? p.incremental : p.profit);
    const xs = Array.from(view.policies[0].incremental, (_, j) => j);
    this.figure.setLegend(view.policies.map((p) => ({ swatch: `policy-${p.policy}`, text: POLICY_NAMES[p.policy] })));
    this.plot.setData(/** @type {uPlot.AlignedData} */ ([xs, ...view.policies.map(values)]));
    const show = (/** @type {number} */ x) => (this.kind === 'qini' ? formatNumber(x, 1) : money(x));
    const rows = xs.filter((j) => j % 10 === 0).map((j) => [`${j}%`, ...view.policies.map((p) => show(values(p)[j]))]);
    this.figure.setRows(rows, 'Across: the share of users offered, 0% to 100%.');
  }

  /** @param {uPlot} u */
  #drawBudget(u) {
    if (!this.view) return;
    const x = u.valToPos(this.view.budget.step, 'x', true);
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = INK;
    ctx.lineWidth = 1 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
  }

  /** @param {number | null | undefined} j */
  #read(j) {
    const v = this.view;
    if (!v || j === null || j === undefined) {
      this.figure.readout.textContent = '';
      return;
    }
    const show = (/** @type {PolicyView} */ p) => (this.kind === 'qini'
      ? `${formatNumber(p.incremental[j], 1)} added` : money(p.profit[j]));
    this.figure.readout.textContent = `Offering ${j}%: ${v.policies.map((p) => `${POLICY_NAMES[p.policy]} ${show(p)}`).join('; ')}.`;
  }

  resize() {
    this.plot.setSize({ width: this.figure.width(), height: HEIGHT });
  }
}

/**
 * The intervals of re-run experiments against the realized effect: one
 * line per experiment (filled when it detected the effect), drawn in SVG.
 * @param {HTMLElement} box
 * @param {import('../pkg/conversion_playground.js').Reruns} reruns
 */
export function drawReruns(box, reruns) {
  const ns = 'http://www.w3.org/2000/svg';
  const runs = reruns.runs;
  const width = 320;
  const row = 11;
  const height = runs.length * row + 26;
  const lows = runs.map((r) => r.liftPoints.low);
  const highs = runs.map((r) => r.liftPoints.high);
  const lo = Math.min(0, reruns.realizedEffectPoints, ...lows);
  const hi = Math.max(0, reruns.realizedEffectPoints, ...highs);
  const x = (/** @type {number} */ v) => 10 + ((v - lo) / (hi - lo || 1)) * (width - 20);
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'reruns');
  svg.setAttribute('aria-hidden', 'true');
  const line = (/** @type {number} */ x1, /** @type {number} */ y1, /** @type {number} */ x2, /** @type {number} */ y2, /** @type {string} */ cls) => {
    const l = document.createElementNS(ns, 'line');
    for (const [k, v] of Object.entries({ x1, y1, x2, y2 })) l.setAttribute(k, String(v));
    l.setAttribute('class', cls);
    svg.append(l);
  };
  line(x(0), 2, x(0), height - 18, 'zero');
  line(x(reruns.realizedEffectPoints), 2, x(reruns.realizedEffectPoints), height - 18, 'truth');
  runs.forEach((r, i) => {
    const y = 8 + i * row;
    line(x(r.liftPoints.low), y, x(r.liftPoints.high), y, r.detected ? 'run detected' : 'run');
    const dot = document.createElementNS(ns, 'circle');
    dot.setAttribute('cx', String(x(r.liftPoints.value)));
    dot.setAttribute('cy', String(y));
    dot.setAttribute('r', '2.5');
    dot.setAttribute('class', r.coversTruth ? 'dot' : 'dot missed');
    svg.append(dot);
  });
  const label = document.createElementNS(ns, 'text');
  label.setAttribute('x', String(x(reruns.realizedEffectPoints)));
  label.setAttribute('y', String(height - 4));
  label.setAttribute('text-anchor', 'middle');
  label.textContent = `the users' true mean effect, ${points(reruns.realizedEffectPoints)} points`;
  svg.append(label);
  box.replaceChildren(svg);
}
