// The world panel: the controls, the URL state, the worker's world and what
// the page shows of it (headline, sentences, charts, tables, downloads,
// pinned comparison, undo). It holds the values on the controls and the
// last good view; every number it shows comes from the core's View.
import { LatestChannel } from '../app/worker-client.js';
import { Link } from '../app/link.js';
import { counted, formatCount, formatPercent, sentence } from '../app/format.js';
import { save } from '../app/save.js';
import { announce } from '../app/announce.js';
import { Controls, GROUPS, SHARES, followShares, show } from './controls.js';
import { Board } from './board.js';
import { renderFirstRows, renderSummary } from './tables.js';
import { explain, whyTheRate } from './explain.js';
import { History } from './history.js';
import { Pin } from './pin.js';

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
/** A pause this long ends a burst of changes: the link is written then. */
const SETTLE_MS = 400;
/** An update still running after this long shows its progress. */
const PROGRESS_MS = 150;
/** The live summary speaks once changes pause this long. */
const ANNOUNCE_MS = 700;

/** Names of inputs that are not parameters, for messages. */
const NAMES = /** @type {Record<string, string>} */ ({ tierMix: 'Tier shares', parameters: 'The settings' });

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

/**
 * The first 10 hex digits of the SHA-256 of `text`: a short name for one
 * set of parameters.
 * @param {string} text
 */
async function shortHash(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].slice(0, 5).map((b) => b.toString(16).padStart(2, '0')).join('');
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
    /** @type {View | null} the view on screen */
    this.goodView = null;
    /** @type {Board | null} the charts, made with the first view */
    this.charts = null;
    /** @type {History | null} set once the first world is on screen */
    this.history = null;
    /** @type {string | null} the file the users on screen were imported from */
    this.imported = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.hashTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.quietTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.progressTimer = undefined;
    /**
     * Other panels listen here: a `view` event (detail: {@link WorldShown})
     * each time a new state of the world is on screen.
     */
    this.events = new EventTarget();
    this.controls = new Controls($('controls'), schema, maxRows, {
      onChange: (key, value, live) => this.change(key, value, live),
      onCommit: () => this.commit(),
      onRandomSeed: () => this.randomSeed(),
      onReset: () => this.reset(),
    });
    this.pin = new Pin(/** @type {HTMLButtonElement} */ ($('pin')), $('pinned'), /** @type {HTMLTableSectionElement} */ ($('pinned-body')));
    $('max-rows').textContent = formatCount(maxRows);
    this.controls.setValues(this.values);
    this.controls.hideGroups(this.hidden);
    this.showLinkProblems(state.problems);
    $('download-csv').addEventListener('click', () => this.downloadCsv());
    $('download-params').addEventListener('click', () => this.downloadParams());
    $('pin').addEventListener('click', () => this.pin.toggle());
    $('undo').addEventListener('click', () => this.step('undo'));
    $('redo').addEventListener('click', () => this.step('redo'));
    document.addEventListener('keydown', (event) => this.shortcut(event));
    window.addEventListener('hashchange', () => this.followLink());
  }

  /** Shows the world the link describes. */
  start() {
    this.request(null);
  }

  /**
   * Users read from a file (`name`) are the world now, shown with the
   * controls off; `request(null)` goes back to the generated world.
   * @param {View} view
   * @param {string} name
   */
  showImported(view, name) {
    this.imported = name;
    this.show(view, this.values, null);
  }

  /**
   * Sets one control from outside the panel (the decisions' target rate
   * moving b0), as if the person had moved it: one step to undo.
   * @param {string} key
   * @param {string | number} value
   */
  set(key, value) {
    this.controls.setValues({ ...this.values, [key]: value });
    this.change(key, value, false);
  }

  /** @param {boolean} locked true while imported users are on screen: the controls shape generated worlds */
  lock(locked) {
    const controls = $('controls').querySelectorAll('[data-group] :is(input, select, button), .actions button, .history button');
    for (const control of /** @type {NodeListOf<HTMLButtonElement>} */ (controls)) control.disabled = locked;
    /** @type {HTMLButtonElement} */ ($('pin')).disabled = locked;
    if (!locked) this.showHistory();
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

  /** Writes the values into the link now (and cancels a pending write). */
  writeHash() {
    clearTimeout(this.hashTimer);
    const hash = this.link.write(this.values, this.hidden) || location.pathname + location.search;
    if (hash !== (location.hash || location.pathname + location.search)) history.replaceState(null, '', hash);
  }

  /**
   * Writes the link once changes pause: every rewrite of the address makes
   * the browser fetch the favicon again, so a drag rewrites it once, at the end.
   */
  scheduleHash() {
    clearTimeout(this.hashTimer);
    this.hashTimer = setTimeout(() => this.writeHash(), SETTLE_MS);
  }

  /**
   * A control moved.
   * @param {string} key
   * @param {string | number} value
   * @param {boolean} live a slider mid-drag: the step is recorded when it is let go
   */
  change(key, value, live) {
    const shares = SHARES.includes(key) ? followShares(this.values, key, value) : null;
    this.values = shares ?? { ...this.values, [key]: value };
    if (shares) this.controls.setValues(shares, { sliders: false });
    if (live) this.scheduleHash();
    else this.writeHash();
    this.request(key);
    if (!live) this.commit();
  }

  /** Draws a seed in the worker (the core's one random-seed function) and uses it. */
  async randomSeed() {
    try {
      this.change('seed', /** @type {string} */ (await this.client.call('world.randomSeed')), false);
    } catch (error) {
      $('status').textContent = `Could not draw a seed: ${/** @type {Error} */ (error).message}`;
    }
  }

  /** A change is complete: once the world has caught up, it is a step to undo. */
  async commit() {
    await this.updates.settled();
    if (this.good) this.history?.record(this.good.values);
    this.showHistory();
  }

  showHistory() {
    /** @type {HTMLButtonElement} */ ($('undo')).disabled = !this.history?.canUndo;
    /** @type {HTMLButtonElement} */ ($('redo')).disabled = !this.history?.canRedo;
  }

  /** @param {'undo' | 'redo'} which */
  step(which) {
    const values = which === 'undo' ? this.history?.undo() : this.history?.redo();
    this.showHistory();
    if (!values) return;
    this.values = values;
    this.controls.clearErrors();
    this.controls.setValues(values);
    this.writeHash();
    this.request(null);
  }

  /**
   * Ctrl+Z and Ctrl+Shift+Z (⌘ on a Mac) undo and redo control changes,
   * except in a text field, where they undo typing.
   * @param {KeyboardEvent} event
   */
  shortcut(event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || this.imported) return;
    const key = event.key.toLowerCase();
    if (key !== 'z' && key !== 'y') return;
    const target = /** @type {HTMLElement | null} */ (event.target);
    if (target instanceof HTMLInputElement && target.type === 'text') return;
    event.preventDefault();
    this.step(key === 'y' || event.shiftKey ? 'redo' : 'undo');
  }

  reset() {
    this.values = this.link.defaults();
    this.controls.clearErrors();
    this.controls.setValues(this.values);
    this.writeHash();
    this.request(null);
    this.commit();
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
    this.commit();
  }

  /** @param {string | null} key the control that moved, if one did */
  request(key) {
    const values = this.values;
    clearTimeout(this.progressTimer);
    this.progressTimer = setTimeout(() => this.busy(true), PROGRESS_MS);
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
    this.updates.settled().then(() => {
      clearTimeout(this.progressTimer);
      this.busy(false);
    });
  }

  /**
   * Shows or hides the progress of a slow update, and says the results are busy.
   * @param {boolean} on
   */
  busy(on) {
    $('progress').hidden = !on;
    $('results').setAttribute('aria-busy', String(on));
    if (on) $('status').textContent = `Drawing ${counted(Number(this.values.rows) || 0, 'user')}…`;
    else if ($('status').textContent?.startsWith('Drawing')) $('status').textContent = '';
  }

  /**
   * @param {View} view
   * @param {Values} values
   * @param {string | null} key
   */
  show(view, values, key) {
    const scores = view.scores;
    /** @type {Snapshot | null} */
    const now = scores ? { values, summary: view.summary, scores } : null;
    const field = key ? this.field(key) : undefined;
    if (field && this.good && now) {
      if (!this.anchor || this.anchor.key !== field.key) this.anchor = { key: field.key, before: this.good };
      $('explanation').textContent = explain(field, this.anchor.before, now);
    } else {
      this.anchor = null;
      $('explanation').textContent = '';
    }
    // Imported users have no scores to compare with: the last generated world stays the reference.
    if (now) this.good = now;
    this.goodView = view;
    this.history ??= new History(values);
    if (!view.imported) this.imported = null;
    this.lock(view.imported);
    // The fields show what the data use: a refused entry gives way to it.
    this.controls.clearErrors();
    this.controls.setValues(values, { sliders: false });
    $('tierMix-error').hidden = true;
    const s = view.summary;
    const rate = formatPercent(s.conversionRate);
    const source = view.imported ? `imported from ${this.imported ?? 'a file'}` : `seed ${view.params.seed}`;
    $('conversion-rate').textContent = rate;
    $('rate-detail').textContent = `${formatCount(s.conversions)} of ${counted(s.rows, 'user')} converted (${source}).`;
    $('sticky-rate').textContent = rate;
    $('sticky-detail').textContent = `${formatCount(s.conversions)} of ${counted(s.rows, 'user')} convert`;
    $('tier-rates').replaceChildren(...s.tiers.map((t) => {
      const item = document.createElement('li');
      item.textContent = `${t.tier}: ${t.users ? formatPercent(t.conversionRate) : '–'} of ${formatCount(t.users)}`;
      return item;
    }));
    $('score-chart').hidden = !scores;
    $('curve-why').textContent = scores
      ? whyTheRate(scores)
      : 'Unknown for imported data: no parameters drew these users, so their scores s(x), their noise and the curve are not known.';
    $('rows-unknown').hidden = !view.imported;
    this.drawCharts(view);
    this.pin.show(view);
    renderFirstRows(/** @type {HTMLTableSectionElement} */ ($('rows-body')), view);
    /** @type {HTMLButtonElement} */ ($('download-csv')).disabled = false;
    this.afterQuiet(view);
    /** @type {WorldShown} */
    const detail = { view, values, key };
    this.events.dispatchEvent(new CustomEvent('view', { detail }));
  }

  /**
   * Once updates pause: the tables behind the charts, the contract table,
   * and one spoken summary.
   * @param {View} view
   */
  afterQuiet(view) {
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.charts?.settle();
      renderSummary(/** @type {HTMLTableSectionElement} */ ($('summary-body')), view);
      announce(`${formatPercent(view.summary.conversionRate)} of ${counted(view.summary.rows, 'user')} convert. ${$('explanation').textContent}`);
    }, ANNOUNCE_MS);
  }

  /** @param {View} view */
  drawCharts(view) {
    if (this.charts) {
      this.charts.show(view);
      return;
    }
    const name = async () => `conversion_${(await this.saved()).stem}`;
    const label = (/** @type {string} */ column) => this.field(`weights.${column}`)?.label ?? column;
    this.charts = new Board(view, $('charts'), $('score-chart'), label, name);
  }

  /**
   * The parameters of the world on screen, once every update is in, as
   * `conversion generate --params FILE` reads them (the seed as a string),
   * and what every file saved from that world is called, before its ending:
   * the seed, the rows and a short hash of the parameters, so two different
   * worlds never share a name.
   */
  async saved() {
    await this.updates.settled();
    const view = /** @type {View} */ (this.goodView);
    const text = `${JSON.stringify(view.params, null, 2)}\n`;
    const stem = view.imported ? `imported_rows-${view.summary.rows}` : `seed-${view.params.seed}_rows-${view.params.rows}_${await shortHash(text)}`;
    return { text, stem };
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
    const label = keys.length === 1 ? this.field(keys[0])?.label : NAMES[field] ?? 'The settings';
    const message = error.problem ? sentence(label ?? 'The settings', error.problem) : `Could not update: ${error.message}`;
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
    if (field === 'tierMix') {
      $('tierMix-error').hidden = false;
      $('tierMix-error').textContent = message;
    } else if (keys.length) {
      this.controls.setError(keys[0], message);
    } else {
      $('status').textContent = message;
    }
    announce(message);
    // The data on screen are the last good ones; forget the refused value so
    // the next change to another control is not refused for it too. The
    // control keeps what the person typed, with the message beside it, until
    // the next update puts the value in use back.
    const refused = keys.length ? keys : key ? [key] : [];
    if (this.values === values || refused.length) {
      const good = this.good.values;
      this.values = { ...this.values, ...Object.fromEntries(refused.map((k) => [k, good[k]])) };
      this.scheduleHash();
    }
  }

  async downloadCsv() {
    const button = /** @type {HTMLButtonElement} */ ($('download-csv'));
    button.disabled = true;
    $('status').textContent = 'Writing the CSV…';
    try {
      const { stem } = await this.saved();
      save(/** @type {Blob} */ (await this.client.call('world.csv')), `conversion_${stem}.csv`);
      $('status').textContent = '';
    } catch (error) {
      $('status').textContent = `Could not write the CSV: ${/** @type {Error} */ (error).message}`;
    } finally {
      button.disabled = false;
    }
  }

  async downloadParams() {
    const { text, stem } = await this.saved();
    save(new Blob([text], { type: 'application/json' }), `conversion_params_${stem}.json`);
  }
}
