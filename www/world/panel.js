// The world panel: the controls, the URL state, the worker's world and what
// the page shows of it (headline, sentence, charts, tables, downloads). It
// holds the values on the controls and the last good view, nothing else.
import { LatestChannel } from '../app/worker-client.js';
import { Link } from '../app/link.js';
import { formatCount, formatPercent } from '../app/format.js';
import { save } from '../app/save.js';
import { Controls, GROUPS, show } from './controls.js';
import { SignalChart, TierChart } from './charts.js';
import { renderFirstRows, renderSummary } from './tables.js';
import { explain } from './explain.js';

/** @typedef {import('../pkg/conversion_playground.js').View} View */
/** @typedef {import('../pkg/conversion_playground.js').ParamInfo} ParamInfo */
/** @typedef {import('../pkg/conversion_playground.js').GeneratorParams} GeneratorParams */
/** @typedef {import('../app/worker-client.js').WorkerClient} WorkerClient */
/** @typedef {import('../app/worker-client.js').WorkerError} WorkerError */
/** @typedef {import('../app/link.js').Values} Values */
/** @typedef {import('./explain.js').Snapshot} Snapshot */

/**
 * A state of the world just put on screen.
 * @typedef {object} WorldShown
 * @property {View} view
 * @property {Values} values the values on the controls that made it
 * @property {string | null} key the control that moved, if one did
 */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** Most times a link is retried, each time without the value the core refused. */
const MAX_LINK_RETRIES = 30;

/**
 * Builds the nested GeneratorParams object from flat values.
 * @param {Values} values keyed by parameter key
 * @param {ParamInfo[]} schema
 * @returns {GeneratorParams}
 */
function toParams(values, schema) {
  /** @type {Record<string, any>} */
  const params = {};
  for (const field of schema) {
    const path = field.key.split('.');
    let node = params;
    for (const part of path.slice(0, -1)) node = node[part] ??= {};
    node[path[path.length - 1]] = values[field.key];
  }
  return params;
}

export class WorldPanel {
  /**
   * @param {WorkerClient} client
   * @param {ParamInfo[]} schema the generator's parameter table, from Rust
   * @param {number} maxRows
   */
  constructor(client, schema, maxRows) {
    this.client = client;
    this.schema = schema;
    /** @type {LatestChannel<GeneratorParams, {view: View, workMs: number}>} */
    this.updates = new LatestChannel(client, 'world.update');
    this.link = new Link(schema.map((f) => ({ key: f.key, kind: f.kind, default: f.default })), GROUPS);
    const state = this.link.read(location.hash);
    /** @type {Values} values on the controls */
    this.values = state.values;
    /** @type {string[]} */
    this.hidden = state.hidden;
    /** @type {string[]} what of the link could not be used */
    this.linkProblems = [];
    /** @type {Snapshot | null} the world on screen */
    this.good = null;
    /** @type {{key: string, before: Snapshot} | null} what the sentence compares with */
    this.anchor = null;
    /** @type {GeneratorParams | null} the checked parameters of the world on screen */
    this.goodParams = null;
    /** @type {{charts: SignalChart[], tiers: TierChart} | null} */
    this.charts = null;
    /**
     * Other panels listen here: a `view` event (detail: {@link WorldShown})
     * each time a new state of the world is on screen.
     */
    this.events = new EventTarget();
    this.controls = new Controls($('controls'), schema, maxRows, {
      onChange: (key, value) => this.change(key, value),
      onRandomSeed: () => this.randomSeed(),
      onReset: () => this.reset(),
    });
    $('max-rows').textContent = formatCount(maxRows);
    this.controls.setValues(this.values);
    this.controls.hideGroups(this.hidden);
    this.showLinkProblems(state.problems);
    $('download-csv').addEventListener('click', () => this.downloadCsv());
    $('download-params').addEventListener('click', () => this.downloadParams());
    window.addEventListener('hashchange', () => this.followLink());
    window.addEventListener('resize', () => {
      this.charts?.charts.forEach((c) => c.resize());
      this.charts?.tiers.resize();
    });
  }

  /** Shows the world the link describes. */
  start() {
    this.request(null);
  }

  /** @param {string} key */
  field(key) {
    return this.schema.find((f) => f.key === key);
  }

  /** @param {string[]} problems */
  showLinkProblems(problems) {
    this.linkProblems = problems;
    const box = $('link-problems');
    box.hidden = problems.length === 0;
    box.textContent = problems.length ? `Some of the link could not be used:\n${problems.join('\n')}` : '';
  }

  writeHash() {
    history.replaceState(null, '', this.link.write(this.values, this.hidden) || location.pathname + location.search);
  }

  /**
   * A control moved.
   * @param {string} key
   * @param {string | number} value
   */
  change(key, value) {
    this.values = { ...this.values, [key]: value };
    if (key === 'seed' || key === 'rows') this.controls.setValues(this.values);
    this.writeHash();
    this.request(key);
  }

  /** Draws a seed in the worker (the core's one random-seed function) and uses it. */
  async randomSeed() {
    try {
      this.change('seed', /** @type {string} */ (await this.client.call('world.randomSeed')));
    } catch (error) {
      $('status').textContent = `Could not draw a seed: ${/** @type {Error} */ (error).message}`;
    }
  }

  reset() {
    this.values = this.link.defaults();
    this.controls.clearErrors();
    this.controls.setValues(this.values);
    this.writeHash();
    this.request(null);
  }

  /** The person edited the link by hand. */
  followLink() {
    const state = this.link.read(location.hash);
    this.values = state.values;
    this.hidden = state.hidden;
    this.controls.setValues(this.values);
    this.controls.hideGroups(this.hidden);
    this.showLinkProblems(state.problems);
    this.request(null);
  }

  /** @param {string | null} key the control that moved, if one did */
  request(key) {
    const values = this.values;
    this.updates.request(
      toParams(values, this.schema),
      ({ view, workMs }) => {
        const started = performance.now();
        this.show(view, values, key);
        // For tests/e2e/measure.mjs: worker time and main-thread drawing time per update.
        performance.measure('conversion:update', { start: started, detail: { workMs, rows: view.summary.rows } });
      },
      (error) => this.fail(error, values, key),
    );
  }

  /**
   * @param {View} view
   * @param {Values} values
   * @param {string | null} key
   */
  show(view, values, key) {
    const now = { values, summary: view.summary };
    const field = key ? this.field(key) : undefined;
    if (field && this.good) {
      if (!this.anchor || this.anchor.key !== field.key) this.anchor = { key: field.key, before: this.good };
      $('explanation').textContent = explain(field, this.anchor.before, now);
    } else {
      this.anchor = null;
      $('explanation').textContent = '';
    }
    this.good = now;
    this.goodParams = view.params;
    this.controls.clearErrors();
    $('tierMix-error').hidden = true;
    const s = view.summary;
    $('conversion-rate').textContent = formatPercent(s.conversionRate);
    $('rate-detail').textContent = `${formatCount(s.conversions)} of ${formatCount(s.rows)} users converted (seed ${view.params.seed}).`;
    $('tier-rates').replaceChildren(...s.tiers.map((t) => {
      const item = document.createElement('li');
      item.textContent = `${t.tier}: ${t.users ? formatPercent(t.conversionRate) : '–'} of ${formatCount(t.users)}`;
      return item;
    }));
    this.drawCharts(view);
    renderSummary(/** @type {HTMLTableSectionElement} */ ($('summary-body')), view);
    renderFirstRows(/** @type {HTMLTableSectionElement} */ ($('rows-body')), view);
    /** @type {HTMLButtonElement} */ ($('download-csv')).disabled = false;
    $('status').textContent = '';
    /** @type {WorldShown} */
    const detail = { view, values, key };
    this.events.dispatchEvent(new CustomEvent('view', { detail }));
  }

  /** @param {View} view */
  drawCharts(view) {
    if (!this.charts) {
      const box = $('charts');
      const charts = view.histograms.map((h) => {
        const div = document.createElement('div');
        box.append(div);
        return new SignalChart(div, h, this.field(`weights.${h.column}`)?.label ?? h.column);
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
   * The keys a refusal is about: the field itself, or every share for the
   * tier mix as a whole.
   * @param {string} field
   */
  keysOf(field) {
    return this.schema.filter((f) => f.key === field || f.key.startsWith(`${field}.`)).map((f) => f.key);
  }

  /**
   * The core refused the parameters: say why next to the control (routed by
   * the error's field, never by its text) and keep the last good data.
   * @param {WorkerError} error
   * @param {Values} values
   * @param {string | null} key
   */
  fail(error, values, key) {
    const field = error.field ?? '';
    const keys = this.keysOf(field);
    const label = keys.length === 1 ? this.field(keys[0])?.label : 'Tier shares';
    const message = keys.length ? `${label} ${error.problem}.` : `Could not update: ${error.message}.`;
    if (!this.good) {
      // Nothing on screen yet: a link with a value the core refuses. Name it,
      // use the contract's value for it, and keep the rest of the link.
      const retries = this.linkProblems.length;
      if (!keys.length || retries >= MAX_LINK_RETRIES) {
        this.showLinkProblems([...this.linkProblems, `${message} Showing the contract's world.`]);
        this.values = this.link.defaults();
      } else {
        const defaults = this.link.defaults();
        const used = keys.map((k) => show(defaults[k], /** @type {ParamInfo} */ (this.field(k)))).join(', ');
        this.showLinkProblems([...this.linkProblems, `${message.slice(0, -1)}; using the contract's ${used}.`]);
        this.values = { ...this.values, ...Object.fromEntries(keys.map((k) => [k, defaults[k]])) };
      }
      this.controls.setValues(this.values);
      this.writeHash();
      this.request(null);
      return;
    }
    if (field.startsWith('tierMix')) {
      $('tierMix-error').hidden = false;
      $('tierMix-error').textContent = message;
    } else if (keys.length) {
      this.controls.setError(keys[0], message);
    } else {
      $('status').textContent = message;
    }
    // The data on screen are the last good ones; forget the refused value so
    // the next change to another control is not refused for it too. The
    // control keeps what the person typed, with the message beside it.
    const refused = keys.length ? keys : key ? [key] : [];
    if (this.values === values || refused.length) {
      const good = this.good.values;
      this.values = { ...this.values, ...Object.fromEntries(refused.map((k) => [k, good[k]])) };
      this.writeHash();
    }
  }

  async downloadCsv() {
    const button = /** @type {HTMLButtonElement} */ ($('download-csv'));
    button.disabled = true;
    $('status').textContent = 'Writing the CSV…';
    try {
      await this.updates.settled();
      const bytes = /** @type {Uint8Array<ArrayBuffer>} */ (await this.client.call('world.csv'));
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
    await this.updates.settled();
    const v = this.good?.values ?? this.values;
    // Exactly what `conversion generate --params FILE` reads (seed as a string).
    const text = `${JSON.stringify(this.goodParams, null, 2)}\n`;
    save(new Blob([text], { type: 'application/json' }), `conversion_params_seed-${v.seed}_rows-${v.rows}.json`);
  }
}
