// Many worlds: the same parameters drawn with 20 seeds, each fitted from
// scratch in the worker, one world per request (so the page shows progress
// and Stop takes effect between worlds), and per weight a chart of the 20
// learned weights with their 95% intervals beside each world's
// best-possible weight and the generating one.
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { whiskerHook, ACCENT, GOOD, MUTED } from './charts.js';
import { fixed } from './format.js';
import { announce } from '../app/announce.js';

/** @typedef {import('../pkg/conversion_playground.js').SeedFit} SeedFit */
/** @typedef {import('../pkg/conversion_playground.js').FitOptions} FitOptions */
/** @typedef {import('../pkg/conversion_playground.js').GeneratorParams} GeneratorParams */
/** @typedef {import('../app/worker-client.js').WorkerClient} WorkerClient */

/** Worlds per re-roll. */
export const WORLDS = 20;

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * The seeds of a re-roll: `seed`, `seed + 1`, … (wrapping past 2^64 − 1), as the core's `reroll_seeds`.
 * @param {string} seed
 */
export function rerollSeeds(seed) {
  const start = BigInt(seed);
  return Array.from({ length: WORLDS }, (_, k) => ((start + BigInt(k)) % (1n << 64n)).toString());
}

/** One weight's chart: learned ± interval per world, each world's best, the generating weight. */
class WeightChart {
  /**
   * @param {HTMLElement} box
   * @param {string} label
   */
  constructor(box, label) {
    this.box = box;
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', `${label}: the learned weight and its 95% interval in each of ${WORLDS} worlds, each world's best possible weight and the generating weight`);
    /** @type {{x: number[], low: (number | null)[], high: (number | null)[]}} */
    this.whiskers = { x: [], low: [], high: [] };
    /** @type {uPlot.Options} */
    const options = {
      title: label,
      width: Math.max(220, Math.floor(box.clientWidth || 260)),
      height: 170,
      scales: { x: { time: false, auto: false, range: [0, WORLDS + 1] } },
      axes: [{ stroke: '#5b6475', values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) && t >= 1 && t <= WORLDS ? String(t) : '')) }, { stroke: '#5b6475', size: 56 }],
      series: [
        { label: 'world' },
        { label: 'learned (95% interval)', stroke: ACCENT, width: 0, paths: () => null, points: { show: true, size: 6, fill: ACCENT } },
        { label: 'best possible', stroke: GOOD, width: 0, paths: () => null, points: { show: true, size: 5, fill: GOOD, width: 0 } },
        { label: 'generating', stroke: MUTED, width: 1, dash: [5, 4], points: { show: false } },
      ],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      hooks: { draw: [whiskerHook(1, () => this.whiskers, ACCENT)] },
    };
    this.plot = new uPlot(options, [[], [], [], []], box);
  }

  /**
   * @param {SeedFit[]} worlds
   * @param {number} k the weight's position (intercept last)
   */
  update(worlds, k) {
    const x = worlds.map((_, i) => i + 1);
    this.whiskers = { x, low: worlds.map((w) => (w.low ? w.low[k] : null)), high: worlds.map((w) => (w.high ? w.high[k] : null)) };
    // The generating line spans the chart.
    const xs = [0, ...x, WORLDS + 1];
    const pad = (/** @type {(number | null)[]} */ v) => [null, ...v, null];
    const generating = worlds[0]?.generating[k] ?? null;
    const lows = this.whiskers.low.filter((v) => v !== null);
    const highs = this.whiskers.high.filter((v) => v !== null);
    const all = [...lows, ...highs, ...worlds.map((w) => w.best[k]), ...(generating === null ? [] : [generating])];
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    const margin = (hi - lo) * 0.08 || 0.01;
    this.plot.setData([xs, pad(worlds.map((w) => w.learned[k])), pad(worlds.map((w) => w.best[k])), xs.map(() => generating)]);
    this.plot.setScale('y', { min: lo - margin, max: hi + margin });
  }
}

export class Reroller {
  /**
   * @param {WorkerClient} client
   * @param {string[]} labels each weight's name for people (intercept last)
   */
  constructor(client, labels) {
    this.client = client;
    this.labels = labels;
    /** @type {number} bumped by Stop and by each new run, so a stale run ends */
    this.run = 0;
    /** @type {WeightChart[]} */
    this.charts = [];
    $('reroll-cancel').addEventListener('click', () => this.stop('Stopped.'));
  }

  /** @param {string} message */
  stop(message) {
    this.run++;
    announce(message);
    /** @type {HTMLButtonElement} */ ($('reroll-cancel')).disabled = true;
    /** @type {HTMLButtonElement} */ ($('reroll')).disabled = false;
    $('reroll-status').textContent = message;
  }

  /**
   * Fits `params` on 20 seeds from the world's own, one per request.
   * @param {GeneratorParams} params the world on screen
   * @param {FitOptions} options the model's
   */
  async start(params, options) {
    const run = ++this.run;
    /** @type {HTMLButtonElement} */ ($('reroll-cancel')).disabled = false;
    /** @type {HTMLButtonElement} */ ($('reroll')).disabled = true;
    const progress = /** @type {HTMLProgressElement} */ ($('reroll-progress'));
    progress.value = 0;
    $('reroll-coverage').textContent = '';
    /** @type {SeedFit[]} */
    const worlds = [];
    for (const seed of rerollSeeds(String(params.seed))) {
      $('reroll-status').textContent = `Fitting world ${worlds.length + 1} of ${WORLDS} (seed ${seed})…`;
      let world;
      try {
        world = /** @type {SeedFit} */ (await this.client.call('model.reroll', { params, options, seed }));
      } catch (error) {
        if (run === this.run) this.stop(`Could not fit seed ${seed}: ${/** @type {Error} */ (error).message}`);
        return;
      }
      if (run !== this.run) return;
      worlds.push(world);
      progress.value = worlds.length;
      this.draw(worlds);
    }
    this.stop(`${WORLDS} worlds of ${Number(params.rows).toLocaleString('en-US')} users fitted.`);
  }

  /** @param {SeedFit[]} worlds */
  draw(worlds) {
    if (!this.charts.length) {
      const box = $('reroll-charts');
      this.charts = this.labels.map((label) => {
        const div = document.createElement('div');
        box.append(div);
        return new WeightChart(div, label);
      });
    }
    this.charts.forEach((chart, k) => chart.update(worlds, k));
    $('reroll-coverage').textContent = coverage(worlds);
  }
}

/**
 * How many intervals cover the best-possible and the generating weights.
 * @param {SeedFit[]} worlds
 */
export function coverage(worlds) {
  let best = 0;
  let generating = 0;
  let intervals = 0;
  for (const w of worlds) {
    if (!w.low || !w.high) continue;
    for (let k = 0; k < w.learned.length; k++) {
      if (k < w.used.length && !w.used[k]) continue;
      const low = w.low[k];
      const high = w.high[k];
      intervals++;
      if (low <= w.best[k] && w.best[k] <= high) best++;
      if (low <= w.generating[k] && w.generating[k] <= high) generating++;
    }
  }
  if (!intervals) return 'No interval yet: a fit that does not converge has none.';
  const share = (/** @type {number} */ n) => `${n} of ${intervals} (${fixed((100 * n) / intervals, 0)}%)`;
  return `Of ${intervals} intervals (every weight in ${worlds.length} worlds), ${share(best)} cover their world's best possible weight, as about 95% should; ${share(generating)} cover the generating weight. With many users the intervals narrow around the best possible weight, and the generating one falls outside them.`;
}
