// The world's charts: made on the first view, then redrawn with each
// update while they are on screen. A chart out of sight is not redrawn
// while a slider moves (its drawing would take processor time from the
// worker's next update); it catches up when it comes into view, and once
// updates pause, when the tables behind the charts are written.
import { SignalChart, TierChart } from './charts.js';
import { ScoreChart } from './score-chart.js';

/** @typedef {import('../pkg/conversion_playground.js').View} View */
/** @typedef {import('../pkg/conversion_playground.js').ScoreView} ScoreView */
/** @typedef {import('../pkg/conversion_playground.js').ParamInfo} ParamInfo */

/**
 * One chart and how to give it a view.
 * @typedef {object} Entry
 * @property {{figure: import('./figure.js').Figure, renderTable: () => void}} chart
 * @property {(view: View) => void} draw
 * @property {boolean} visible
 * @property {View | null} stale a view not drawn yet
 */

export class Board {
  /**
   * @param {View} view the first view
   * @param {HTMLElement} signals where the signal charts go
   * @param {HTMLElement} score where the score chart goes
   * @param {(column: string) => string} labelOf a signal's name for people
   * @param {() => Promise<string>} fileName what a saved chart is called, before its ending
   */
  constructor(view, signals, score, labelOf, fileName) {
    const signalCharts = view.histograms.map((h, i) => {
      const chart = new SignalChart(signals, h, labelOf(h.column), fileName);
      return { chart, draw: (/** @type {View} */ v) => chart.update(v.histograms[i]) };
    });
    const tiers = new TierChart(signals, view.summary.tiers, view.tierIntervals, fileName);
    // The first world is always generated: imported users come later, and have no scores.
    const curve = new ScoreChart(score, /** @type {ScoreView} */ (view.scores), fileName);
    /** @type {Entry[]} */
    this.entries = [
      { chart: curve, draw: (/** @type {View} */ v) => { if (v.scores) curve.update(v.scores); } },
      ...signalCharts,
      { chart: tiers, draw: (/** @type {View} */ v) => tiers.update(v.summary.tiers, v.tierIntervals) },
    ].map((e) => ({ ...e, visible: true, stale: null }));
    const observer = new IntersectionObserver((changes) => {
      for (const change of changes) {
        const entry = this.entries.find((e) => e.chart.figure.figure === change.target);
        if (!entry) continue;
        entry.visible = change.isIntersecting;
        if (entry.visible) this.#catchUp(entry);
      }
    });
    for (const entry of this.entries) observer.observe(entry.chart.figure.figure);
  }

  /** @param {Entry} entry */
  #catchUp(entry) {
    if (!entry.stale) return;
    entry.draw(entry.stale);
    entry.stale = null;
  }

  /**
   * A new state of the world: the charts in view draw it now.
   * @param {View} view
   */
  show(view) {
    for (const entry of this.entries) {
      if (entry.visible) entry.draw(view);
      else entry.stale = view;
    }
  }

  /** Updates have paused: every chart catches up, and the tables behind them are written. */
  settle() {
    for (const entry of this.entries) {
      this.#catchUp(entry);
      entry.chart.renderTable();
    }
  }
}
