// The model panel's charts, drawn with uPlot: the training and held-out
// log-loss per iteration (with the irreducible floor), the ROC and
// precision–recall curves with the threshold's point on each, and the
// calibration plot (predicted against observed, and q(x)).
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { chartWidth, followWidth } from '../app/width.js';

/** @typedef {import('../pkg/conversion_playground.js').Metrics} Metrics */

const INK = '#1d2330';
const ACCENT = '#3a5bd9';
const WARM = '#c0621a';
const MUTED = '#8a93a6';
const GOOD = '#2e7d4f';

/** @param {HTMLElement} box */
const widthOf = (box) => chartWidth(box, 200);

/**
 * Vertical whiskers from `low` to `high` at each point of series `index`
 * (a uPlot draw hook).
 * @param {number} index
 * @param {() => {x: number[], low: (number | null)[], high: (number | null)[]}} whiskers
 * @param {string} color
 */
function whiskerHook(index, whiskers, color) {
  return (/** @type {uPlot} */ u) => {
    const { x, low, high } = whiskers();
    const scale = u.series[index].scale ?? 'y';
    const ctx = u.ctx;
    ctx.save();
    ctx.setLineDash([]);
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5 * devicePixelRatio;
    for (let k = 0; k < x.length; k++) {
      const l = low[k];
      const h = high[k];
      if (l === null || h === null) continue;
      const px = u.valToPos(x[k], 'x', true);
      ctx.beginPath();
      ctx.moveTo(px, u.valToPos(l, scale, true));
      ctx.lineTo(px, u.valToPos(h, scale, true));
      ctx.stroke();
    }
    ctx.restore();
  };
}

/** Training and held-out log-loss per iteration, with the irreducible floor. */
export class LossChart {
  /** @param {HTMLElement} box */
  constructor(box) {
    this.box = box;
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', 'Log-loss per iteration: training users, held-out users, and the irreducible log-loss');
    /** @type {number[]} */
    this.x = [];
    /** @type {number[]} */
    this.train = [];
    /** @type {(number | null)[]} */
    this.heldOut = [];
    /** @type {number | null} */
    this.floor = null;
    /** @type {uPlot.Options} */
    const options = {
      title: 'Log-loss per iteration',
      width: widthOf(box),
      height: 220,
      scales: { x: { time: false } },
      axes: [{ stroke: '#5b6475', label: 'iteration' }, { stroke: '#5b6475', size: 56, label: 'mean log-loss' }],
      series: [
        { label: 'iteration' },
        { label: 'training (what the descent minimises)', stroke: ACCENT, width: 2 },
        { label: 'held-out', stroke: WARM, width: 2 },
        { label: 'irreducible (held-out users)', stroke: MUTED, width: 1, dash: [6, 4] },
      ],
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
    };
    this.plot = new uPlot(options, this.data(), box);
    followWidth(box, () => this.resize());
  }

  /** @returns {uPlot.AlignedData} */
  data() {
    return [this.x, this.train, this.heldOut, this.x.map(() => this.floor)];
  }

  /** Starts over (a new cold fit). */
  clear() {
    this.x = [];
    this.train = [];
    this.heldOut = [];
    this.plot.setData(this.data());
  }

  /**
   * Adds the iterations after `from`.
   * @param {number} from
   * @param {Float64Array} train
   * @param {Float64Array} heldOut
   */
  append(from, train, heldOut) {
    if (from < this.x.length) {
      // A warm refit starts its own history: keep only what came before it.
      this.x.length = from;
      this.train.length = from;
      this.heldOut.length = from;
    }
    train.forEach((loss, k) => {
      this.x.push(from + k + 1);
      this.train.push(loss);
      this.heldOut.push(heldOut[k] ?? null);
    });
    this.plot.setData(this.data());
  }

  /** @param {number | null} floor the irreducible log-loss */
  setFloor(floor) {
    this.floor = floor;
    this.plot.setData(this.data());
  }

  resize() {
    this.plot.setSize({ width: widthOf(this.box), height: 220 });
  }
}

/**
 * An x–y chart (uPlot's faceted mode): curves and points with their own x.
 */
class XYChart {
  /**
   * @param {HTMLElement} box
   * @param {{title: string, label: string, x: string, y: string, series: uPlot.Series[], hooks?: uPlot.Hooks.Arrays}} spec
   */
  constructor(box, spec) {
    this.box = box;
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', spec.label);
    /** @type {uPlot.Options} */
    const options = {
      mode: 2,
      title: spec.title,
      width: widthOf(box),
      height: 240,
      scales: { x: { time: false, auto: false, range: [0, 1] }, y: { auto: false, range: [0, 1] } },
      axes: [{ stroke: '#5b6475', label: spec.x }, { stroke: '#5b6475', label: spec.y, size: 48 }],
      series: [{}, ...spec.series.map((s) => ({ ...s, facets: [{ scale: 'x', auto: false }, { scale: 'y', auto: false }] }))],
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      hooks: spec.hooks,
    };
    this.plot = new uPlot(options, /** @type {uPlot.AlignedData} */ (/** @type {unknown} */ ([null, ...spec.series.map(() => [[], []])])), box);
    followWidth(box, () => this.resize());
  }

  /** @param {[number[] | Float64Array, number[] | Float64Array][]} series one [xs, ys] per series */
  set(series) {
    this.plot.setData(/** @type {uPlot.AlignedData} */ (/** @type {unknown} */ ([null, ...series])));
  }

  resize() {
    this.plot.setSize({ width: widthOf(this.box), height: 240 });
  }
}

const line = (/** @type {string} */ label, /** @type {string} */ stroke, width = 2, dash = /** @type {number[] | undefined} */ (undefined)) =>
  ({ label, stroke, width, dash, paths: uPlot.paths.linear?.(), points: { show: false } });
/** Every point of a faceted series (uPlot's default window is the aligned mode's x range). */
const allPoints = (/** @type {uPlot} */ u, /** @type {number} */ series) => {
  const xs = /** @type {number[][]} */ (/** @type {unknown} */ (u.data[series]))[0] ?? [];
  return xs.map((_, k) => k);
};
const dot = (/** @type {string} */ label, /** @type {string} */ stroke, size = 10) =>
  ({ label, stroke, fill: stroke, width: 1, paths: () => null, points: { show: true, size, fill: stroke, filter: allPoints } });

/** The ROC curve, chance, and the threshold's point. */
export class RocChart extends XYChart {
  /** @param {HTMLElement} box */
  constructor(box) {
    super(box, {
      title: 'ROC curve',
      label: 'ROC curve of the held-out users: true positive rate against false positive rate, with the threshold marked',
      x: 'false positive rate',
      y: 'true positive rate (recall)',
      series: [line('this model', ACCENT), line('chance', MUTED, 1, [4, 4]), dot('the threshold', WARM)],
    });
  }

  /** @param {Metrics} m */
  update(m) {
    this.set([
      [m.curve.falsePositiveRate, m.curve.truePositiveRate],
      [[0, 1], [0, 1]],
      [[m.atThreshold.falsePositiveRate], [m.atThreshold.truePositiveRate]],
    ]);
  }
}

/** The precision–recall curve, the base rate (what knowing nothing gives), and the threshold's point. */
export class PrChart extends XYChart {
  /** @param {HTMLElement} box */
  constructor(box) {
    super(box, {
      title: 'Precision–recall',
      label: 'Precision against recall on the held-out users, with the base rate and the threshold marked',
      x: 'recall',
      y: 'precision',
      series: [line('this model', ACCENT), line('base rate (knowing nothing)', MUTED, 1, [4, 4]), dot('the threshold', WARM)],
    });
  }

  /** @param {Metrics} m */
  update(m) {
    // From the first user contacted (the "no one" point has no precision).
    this.set([
      [m.curve.truePositiveRate.subarray(1), m.curve.precision.subarray(1)],
      [[0, 1], [m.baseRate, m.baseRate]],
      [[m.atThreshold.truePositiveRate], [m.atThreshold.precision]],
    ]);
  }
}

/** Predicted against observed conversion by probability bin, beside q(x). */
export class CalibrationChart extends XYChart {
  /** @param {HTMLElement} box */
  constructor(box) {
    /** @type {{x: number[], low: (number | null)[], high: (number | null)[]}} */
    const whiskers = { x: [], low: [], high: [] };
    super(box, {
      title: 'Calibration',
      label: 'Calibration on the held-out users: observed conversion rate and the noise-averaged q(x) per bin of predicted probability',
      x: 'predicted probability',
      y: 'rate',
      series: [line('perfect calibration', MUTED, 1, [4, 4]), dot('observed (95% interval)', WARM, 8), dot('q(x): the best a model of the signals predicts', GOOD, 7)],
      hooks: { draw: [whiskerHook(2, () => whiskers, WARM)] },
    });
    this.whiskers = whiskers;
  }

  /** @param {Metrics} m */
  update(m) {
    const bins = m.calibration.filter((b) => b.users > 0 && b.meanPredicted !== null);
    const x = bins.map((b) => /** @type {number} */ (b.meanPredicted));
    this.whiskers.x = x;
    this.whiskers.low = bins.map((b) => b.observedLow);
    this.whiskers.high = bins.map((b) => b.observedHigh);
    const withBest = bins.filter((b) => b.meanBest !== null);
    this.set([
      [[0, 1], [0, 1]],
      [x, bins.map((b) => /** @type {number} */ (b.observedRate))],
      [withBest.map((b) => /** @type {number} */ (b.meanPredicted)), withBest.map((b) => /** @type {number} */ (b.meanBest))],
    ]);
  }
}

export { whiskerHook, INK, ACCENT, WARM, MUTED, GOOD };
