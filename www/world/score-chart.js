// The mechanism in one chart: the S-curve p = 1 / (1 + e^−score) and, under
// it, how many users have each score: their systematic score s(x) (filled
// bars) and their score with noise s(x) + σ·z (outline). A dashed line marks
// the mean score and the curve there; a flat line the share who convert.
// Every number comes from the core's ScoreView.
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { formatCount, formatNumber, formatPercent, counted } from '../app/format.js';
import { followWidth } from '../app/width.js';
import { Figure } from './figure.js';
import { axes, BLUE, FONT, INK, LABEL_FONT, MUTED, NOISE, WARM, WARM_TEXT } from './charts.js';

/** @typedef {import('../pkg/conversion_playground.js').ScoreView} ScoreView */

const HEIGHT = 260;

/**
 * The scales of a chart of users along the score under the S-curve: the
 * score, the users (from 0) and the probability in percent.
 * @returns {uPlot.Scales}
 */
export function scoreScales() {
  return {
    x: { time: false },
    users: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
    p: { auto: false, range: [0, 100] },
  };
}

/**
 * Its axes: the score below, the users on the left, the probability on the
 * right.
 * @param {object} labels
 * @param {string} labels.score the score axis's title
 * @param {string} labels.probability the probability axis's title
 * @param {string} usersColour the users axis's colour (its series' colour, or muted)
 * @returns {uPlot.Axis[]}
 */
export function scoreAxes({ score, probability }, usersColour) {
  return [
    { stroke: MUTED, font: FONT, label: score, labelFont: LABEL_FONT, labelSize: 20,
      values: (_u, ticks) => ticks.map((t) => formatNumber(t, Number.isInteger(t) ? 0 : 1)) },
    { scale: 'users', size: 58, stroke: usersColour, font: FONT, label: 'users', labelFont: LABEL_FONT, labelSize: 18,
      values: (_u, ticks) => ticks.map((t) => formatCount(t)) },
    { scale: 'p', side: 1, size: 46, stroke: INK, font: FONT, grid: { show: false },
      label: probability, labelFont: LABEL_FONT, labelSize: 18, values: (_u, ticks) => ticks.map((t) => `${t}%`) },
  ];
}

/**
 * A histogram as a step line on the curve's grid: the points of bin k
 * (two per bin) carry its count, and the last point closes the last bin.
 * @param {Uint32Array} counts
 * @param {number} points
 */
function steps(counts, points) {
  return Array.from({ length: points }, (_, i) => counts[Math.min(counts.length - 1, Math.floor(i / 2))]);
}

export class ScoreChart {
  /**
   * @param {HTMLElement} parent
   * @param {ScoreView} view
   * @param {() => Promise<string>} fileName
   */
  constructor(parent, view, fileName) {
    this.figure = new Figure(parent, {
      title: 'Score → probability',
      testid: 'chart-score',
      legend: [],
      columns: ['score (log-odds)', 'users by s(x)', 'users by s(x) + σ·z', 'the curve at the middle of the bin'],
      fileName: async () => `${await fileName()}_score`,
    });
    this.view = view;
    /** @type {uPlot.Options} */
    const options = {
      width: this.figure.width(),
      height: HEIGHT,
      scales: scoreScales(),
      axes: scoreAxes({ score: 'score (log-odds)', probability: 'probability p' }, BLUE),
      series: [
        { label: 'score' },
        { label: 's(x)', scale: 'users', stroke: BLUE, fill: 'rgba(58,91,217,0.25)', width: 1,
          paths: uPlot.paths.stepped?.({ align: 1 }), points: { show: false } },
        { label: 's(x) + σ·z', scale: 'users', stroke: NOISE, width: 2,
          paths: uPlot.paths.stepped?.({ align: 1 }), points: { show: false } },
        { label: 'p', scale: 'p', stroke: INK, width: 2.5, points: { show: false } },
        { label: 'share who convert', scale: 'p', stroke: WARM, width: 2, points: { show: false } },
      ],
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      hooks: {
        draw: [(u) => this.#drawMean(u)],
        setCursor: [(u) => this.#read(u.cursor.idx)],
      },
    };
    this.plot = new uPlot(options, this.#data(view), this.figure.box);
    this.figure.plot = this.plot;
    followWidth(this.figure.box, () => this.resize());
  }

  /** @param {ScoreView} view */
  #data(view) {
    this.view = view;
    const points = view.curve.length;
    const xs = view.curve.map((_, i) => view.start + i * view.curveStep);
    this.figure.setLegend([
      { swatch: 'curve', text: 'the S-curve p = 1 / (1 + e^−score)' },
      { swatch: 'users', text: 's(x): what the signals explain' },
      { swatch: 'noise', text: `s(x) + σ·z: with each user's noise (spread ${formatNumber(view.spreadScore)} vs ${formatNumber(view.spreadSystematic)})` },
      { swatch: 'mean', text: `mean score ${formatNumber(view.meanScore)}: the curve there gives ${formatPercent(view.rateAtMeanScore)}` },
      { swatch: 'rate', text: `share who convert: ${formatPercent(view.conversionRate)}` },
    ]);
    return /** @type {uPlot.AlignedData} */ ([
      xs,
      steps(view.systematic, points),
      steps(view.scores, points),
      view.curve.map((p) => p * 100),
      xs.map(() => view.conversionRate * 100),
    ]);
  }

  /**
   * The mean score: a dashed line up to the curve, and a dot on it.
   * @param {uPlot} u
   */
  #drawMean(u) {
    const v = this.view;
    const ctx = u.ctx;
    const x = u.valToPos(v.meanScore, 'x', true);
    const y = u.valToPos(v.rateAtMeanScore * 100, 'p', true);
    ctx.save();
    ctx.strokeStyle = INK;
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.setLineDash([5 * devicePixelRatio, 4 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top + u.bbox.height);
    ctx.lineTo(x, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = INK;
    ctx.beginPath();
    ctx.arc(x, y, 4.5 * devicePixelRatio, 0, 2 * Math.PI);
    ctx.fill();
    ctx.restore();
  }

  /**
   * What bin `k` holds, in words.
   * @param {number} k
   */
  #bin(k) {
    const v = this.view;
    const lo = v.start + k * v.width;
    return `${formatNumber(lo)} to under ${formatNumber(lo + v.width)}`;
  }

  /** @param {number | null | undefined} i the curve point under the pointer */
  #read(i) {
    const v = this.view;
    if (i === null || i === undefined) {
      this.figure.readout.textContent = '';
      return;
    }
    const k = Math.min(v.systematic.length - 1, Math.floor(i / 2));
    this.figure.readout.textContent = `Score ${this.#bin(k)}: ${counted(v.systematic[k], 'user')} by s(x), `
      + `${formatCount(v.scores[k])} with noise; the curve gives ${formatPercent(v.curve[2 * k + 1])} in the middle.`;
  }

  /** @param {ScoreView} view */
  update(view) {
    this.plot.setData(this.#data(view));
  }

  renderTable() {
    const v = this.view;
    const rows = Array.from(v.systematic, (n, k) => [this.#bin(k), formatCount(n), formatCount(v.scores[k]), formatPercent(v.curve[2 * k + 1])]);
    rows.unshift([`below ${formatNumber(v.start)}`, formatCount(v.systematicOutside[0]), formatCount(v.scoresOutside[0]), '–']);
    rows.push([`${formatNumber(v.start + v.width * v.systematic.length)} and above`,
      formatCount(v.systematicOutside[1]), formatCount(v.scoresOutside[1]), '–']);
    rows.push(['mean score', formatNumber(v.meanSystematic), formatNumber(v.meanScore), formatPercent(v.rateAtMeanScore)]);
    rows.push(['share who convert', '', '', formatPercent(v.conversionRate)]);
    this.figure.setRows(rows, `Across: score (log-odds), from ${formatNumber(v.start)} to `
      + `${formatNumber(v.start + v.width * v.systematic.length)}. ${axes(this.plot, 'users', 'users')} ${axes(this.plot, 'p', 'probability p', '%')}`);
  }

  resize() {
    this.plot.setSize({ width: this.figure.width(), height: HEIGHT });
  }
}
