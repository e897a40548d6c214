// The page controller: wires the controls, the URL state, the worker and the
// panels together. It holds the one piece of page state (the values on the
// controls and the last good view) and nothing else.
import { WorldClient } from './world-client.js';
import { Controls } from './controls.js';
import { FIELDS, defaults, fieldByKey, toParams } from './fields.js';
import { readHash, writeHash } from './state.js';
import { checkRows, randomSeed } from './validate.js';
import { formatCount, formatPercent } from './format.js';
import { SignalChart, TierChart } from './charts.js';
import { renderFirstRows, renderSummary } from './tables.js';
import { explain } from './explain.js';

/** @typedef {import('./pkg/conversion_playground.js').View} View */
/** @typedef {import('./explain.js').Snapshot} Snapshot */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

class Page {
  constructor() {
    this.client = new WorldClient();
    this.maxRows = 1_000_000;
    const link = readHash(location.hash);
    /** @type {Record<string, number|string>} values on the controls */
    this.values = link.values;
    /** @type {string[]} */
    this.hidden = link.hidden;
    /** @type {Snapshot | null} the world on screen */
    this.good = null;
    /** @type {{key: string, before: Snapshot} | null} what the sentence compares with */
    this.anchor = null;
    /** @type {object | null} */
    this.goodParams = null;
    /** @type {{charts: SignalChart[], tiers: TierChart} | null} */
    this.charts = null;
    this.controls = new Controls($('controls'), {
      onChange: (key, value) => this.change(key, value),
      onRandomSeed: () => this.change('seed', randomSeed()),
      onReset: () => this.reset(),
    });
    this.controls.setValues(this.values);
    this.controls.hideGroups(this.hidden);
    /** @type {string[]} */
    this.linkProblems = [];
    this.showLinkProblems(link.problems);
    $('download-csv').addEventListener('click', () => this.downloadCsv());
    $('download-params').addEventListener('click', () => this.downloadParams());
    window.addEventListener('hashchange', () => this.followLink());
    window.addEventListener('resize', () => this.charts?.charts.concat([this.charts.tiers]).forEach((c) => c.resize()));
  }

  async start() {
    const { maxRows } = await this.client.limits();
    this.maxRows = maxRows;
    $('max-rows').textContent = formatCount(maxRows);
    const rows = checkRows(String(this.values.rows), maxRows);
    if (!rows.ok) {
      this.showLinkProblems([...this.linkProblems, `rows: ${rows.message} Using the contract's ${fieldByKey('rows')?.default}.`]);
      this.values.rows = /** @type {number} */ (fieldByKey('rows')?.default);
      this.controls.setValues(this.values);
    }
    this.request(null);
  }

  /** @param {string[]} problems */
  showLinkProblems(problems) {
    this.linkProblems = problems;
    const box = $('link-problems');
    box.hidden = problems.length === 0;
    box.textContent = problems.length ? `Some of the link could not be used:\n${problems.join('\n')}` : '';
  }

  /**
   * A control moved.
   * @param {string} key
   * @param {number|string} value
   */
  change(key, value) {
    if (key === 'rows') {
      const rows = checkRows(String(value), this.maxRows);
      if (!rows.ok) {
        this.controls.setError('rows', rows.message);
        return;
      }
    }
    this.values = { ...this.values, [key]: value };
    if (key === 'seed' || key === 'rows') this.controls.setValues(this.values);
    history.replaceState(null, '', writeHash(this.values, this.hidden) || location.pathname + location.search);
    this.request(key);
  }

  reset() {
    this.values = defaults();
    this.controls.clearErrors();
    this.controls.setValues(this.values);
    history.replaceState(null, '', writeHash(this.values, this.hidden) || location.pathname + location.search);
    this.request(null);
  }

  /** The person edited the link by hand. */
  followLink() {
    const link = readHash(location.hash);
    this.values = link.values;
    this.hidden = link.hidden;
    this.controls.setValues(this.values);
    this.controls.hideGroups(this.hidden);
    this.showLinkProblems(link.problems);
    this.request(null);
  }

  /** @param {string | null} key the control that moved, if one did */
  request(key) {
    const values = this.values;
    this.client.request(
      toParams(values),
      (view, workMs) => {
        const started = performance.now();
        this.show(view, values, key);
        // For tests/e2e/measure.mjs: worker time and main-thread drawing time per update.
        performance.measure('conversion:update', { start: started, detail: { workMs, rows: view.summary.rows } });
      },
      (error) => this.fail(error, values),
    );
  }

  /**
   * @param {View} view
   * @param {Record<string, number|string>} values
   * @param {string | null} key
   */
  show(view, values, key) {
    const now = { values, summary: view.summary };
    if (key && this.good) {
      if (!this.anchor || this.anchor.key !== key) this.anchor = { key, before: this.good };
      $('explanation').textContent = explain(key, this.anchor.before, now);
    } else {
      this.anchor = null;
      $('explanation').textContent = '';
    }
    this.good = now;
    /** the checked parameters of the world on screen, as Rust echoed them */
    this.goodParams = view.params;
    this.controls.clearErrors();
    $('tierMix-error').hidden = true;
    const s = view.summary;
    $('conversion-rate').textContent = formatPercent(s.conversionRate);
    $('rate-detail').textContent = `${formatCount(s.conversions)} of ${formatCount(s.rows)} users converted (seed ${values.seed}).`;
    const tiers = $('tier-rates');
    tiers.replaceChildren(...s.tiers.map((t) => {
      const item = document.createElement('li');
      item.textContent = `${t.tier}: ${t.users ? formatPercent(t.conversionRate) : '–'} of ${formatCount(t.users)}`;
      return item;
    }));
    this.drawCharts(view);
    renderSummary(/** @type {HTMLTableSectionElement} */ ($('summary-body')), view);
    renderFirstRows(/** @type {HTMLTableSectionElement} */ ($('rows-body')), view);
    /** @type {HTMLButtonElement} */ ($('download-csv')).disabled = false;
    $('status').textContent = '';
  }

  /** @param {View} view */
  drawCharts(view) {
    if (!this.charts) {
      const box = $('charts');
      const charts = view.histograms.map((h) => {
        const div = document.createElement('div');
        box.append(div);
        return new SignalChart(div, h);
      });
      const div = document.createElement('div');
      box.append(div);
      this.charts = { charts, tiers: new TierChart(div, view.summary.tiers) };
      return;
    }
    view.histograms.forEach((h, i) => this.charts?.charts[i].update(h));
    this.charts.tiers.update(view.summary.tiers);
  }

  /**
   * The worker refused the parameters: say why next to the control and keep
   * the last good data on screen.
   * @param {Error} error
   * @param {Record<string, number|string>} values
   */
  fail(error, values) {
    const message = error.message;
    const path = message.split(/[ :]/)[0];
    if (path === 'tierMix' || path.startsWith('tierMix.')) {
      $('tierMix-error').hidden = false;
      $('tierMix-error').textContent = `Tier mix: ${message}.`;
    } else if (fieldByKey(path)) {
      this.controls.setError(path, `${fieldByKey(path)?.label}: ${message}.`);
    } else {
      $('status').textContent = `Could not update: ${message}.`;
    }
    if (!this.good) {
      // Nothing on screen yet (a link with unusable values): fall back to the contract.
      this.showLinkProblems([...this.linkProblems, `The link's parameters could not be used (${message}); showing the contract's defaults.`]);
      this.values = defaults();
      this.controls.setValues(this.values);
      this.request(null);
      return;
    }
    // The data on screen are the last good ones; forget the refused value so
    // the next change to another control is not refused for it too. The
    // control keeps what the person typed, with the message beside it.
    const refused = FIELDS.filter((f) => f.key === path || (path.startsWith('tierMix') && f.key.startsWith('tierMix.')));
    const restored = { ...this.values };
    for (const f of refused) restored[f.key] = this.good.values[f.key];
    if (this.values === values || refused.length) {
      this.values = restored;
      history.replaceState(null, '', writeHash(this.values, this.hidden) || location.pathname + location.search);
    }
  }

  async downloadCsv() {
    const button = /** @type {HTMLButtonElement} */ ($('download-csv'));
    button.disabled = true;
    $('status').textContent = 'Writing the CSV…';
    try {
      const bytes = await this.client.csv();
      const v = this.good?.values ?? this.values;
      save(new Blob([bytes], { type: 'text/csv' }), `conversion_seed-${v.seed}_rows-${v.rows}.csv`);
      $('status').textContent = '';
    } catch (error) {
      $('status').textContent = `Could not write the CSV: ${/** @type {Error} */ (error).message}`;
    } finally {
      button.disabled = false;
    }
  }

  async downloadParams() {
    await this.client.settled();
    const v = this.good?.values ?? this.values;
    // Exactly what `conversion generate --params FILE` reads (seed as a string).
    const text = `${JSON.stringify(this.goodParams, null, 2)}\n`;
    save(new Blob([text], { type: 'application/json' }), `conversion_params_seed-${v.seed}_rows-${v.rows}.json`);
  }
}

/**
 * Saves a blob as a download.
 * @param {Blob} blob
 * @param {string} name
 */
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// Not awaited at the top level: the page's load event must not wait for the
// worker's first world.
new Page().start().catch((error) => {
  document.getElementById('status').textContent = `Could not start: ${error.message}`;
});
