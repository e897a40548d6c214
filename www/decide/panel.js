// The decisions panel: from the model's probability to an action, and what
// it is worth. The model on screen is ranked once on the world's held-out
// users in the worker (each time the model panel has measured it); the band
// thresholds and the economics are then read from that ranking as a person
// drags and types, so a threshold drag at a million users stays smooth. The
// same users give the bands, every policy's profit, the gains and lift, as
// `conversion fit` prints them. Beside them: a what-if user, the scored
// users as a CSV, the target rate and the CSV import, which it wires to the
// world panel.
import { LatestChannel } from '../app/worker-client.js';
import { fromText } from '../app/link.js';
import { announce } from '../app/announce.js';
import { counted } from '../app/format.js';
import { save } from '../app/save.js';
import { BandChart, GainsChart, ProfitChart } from './charts.js';
import { renderBands, renderLift, renderPolicies } from './tables.js';
import { DATA_KEY, FIELDS, decideLink, keyOf, policy } from './options.js';
import { WhatIfUser } from './whatif.js';
import { CsvImporter } from './import.js';
import { TargetRate } from './target-rate.js';
import { formatMoney, formatThreshold } from './format.js';

/** @typedef {import('../pkg/conversion_playground.js').DecideDefaults} DecideDefaults */
/** @typedef {import('../pkg/conversion_playground.js').DecisionView} DecisionView */
/** @typedef {import('../pkg/conversion_playground.js').WhatIf} WhatIf */
/** @typedef {import('../pkg/conversion_playground.js').FitOptions} FitOptions */
/** @typedef {import('../pkg/conversion_playground.js').ParamInfo} ParamInfo */
/** @typedef {import('../pkg/conversion_playground.js').View} View */
/** @typedef {import('../app/worker-client.js').WorkerClient} WorkerClient */
/** @typedef {import('../app/worker-client.js').WorkerError} WorkerError */
/** @typedef {import('../app/link.js').Values} Values */
/** @typedef {import('../world/panel.js').WorldPanel} WorldPanel */
/** @typedef {import('../world/panel.js').WorldShown} WorldShown */
/** @typedef {import('../model/panel.js').ModelPanel} ModelPanel */
/** @typedef {{view: DecisionView, workMs: number}} Read */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/** Each setting's control. */
const CONTROLS = /** @type {Record<keyof typeof FIELDS, string>} */ ({
  bandHigh: 'band-high',
  bandMedium: 'band-medium',
  valuePerConversion: 'value-per-conversion',
  costPerContact: 'cost-per-contact',
});

/** A pause this long after a change writes the link. */
const SETTLE_MS = 400;
/** While the model's fit animates, its users are ranked again at most this often (ms). */
const BUILD_EVERY_MS = 1000;

/**
 * Names for people of the signals, from the world's parameter table.
 * @param {ParamInfo[]} schema
 */
function labelsOf(schema) {
  /** @type {Record<string, string>} */
  const labels = {};
  for (const field of schema) {
    const [group, name] = field.key.split('.');
    if (group === 'weights') labels[name] = field.label;
  }
  return labels;
}

export class DecidePanel {
  /**
   * Builds the panel and claims its keys of the URL hash (before the world
   * panel reads it).
   * @param {WorkerClient} client
   * @param {DecideDefaults} defaults the core's
   * @param {ParamInfo[]} schema the world's parameter table, for names
   */
  constructor(client, defaults, schema) {
    this.client = client;
    this.defaults = defaults;
    this.link = decideLink(defaults);
    /** @type {Values} */
    this.values = this.link.read(location.hash).values;
    /** True when the link was made from imported data (which it cannot carry). */
    this.linkedImport = this.values[DATA_KEY] === 'imported';
    /** @type {View | null} the world on screen */
    this.world = null;
    /** @type {FitOptions | null} the split the model on screen is measured on */
    this.split = null;
    /** @type {DecisionView | null} */
    this.view = null;
    /** @type {Values | null} the values of the decisions on screen */
    this.good = null;
    this.lastBuild = -Infinity;
    /**
     * What the charts that do not move with the thresholds last drew: the
     * ranking's build and the economics. A threshold drag redraws only the
     * band chart's lines and the band table.
     * @type {{build: number, economics: string} | null}
     */
    this.drawn = null;
    /** Counts the rankings built, so a view says which ranking it reads. */
    this.built = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.hashTimer = undefined;
    /** @type {LatestChannel<object, Read & {buildMs: number}>} */
    this.builds = new LatestChannel(client, 'decide.build');
    /** @type {LatestChannel<object, Read>} */
    this.reads = new LatestChannel(client, 'decide.view');
    /** @type {LatestChannel<object, WhatIf>} */
    this.whatIfs = new LatestChannel(client, 'decide.whatIf');
    this.bandChart = new BandChart($('band-chart'), (which, value, done) => this.drag(which, value, done));
    this.profitChart = new ProfitChart($('profit-chart'));
    this.gainsChart = new GainsChart($('gains-chart'));
    this.whatIf = new WhatIfUser(labelsOf(schema), () => this.askWhatIf());
    this.setControls();
    for (const key of /** @type {(keyof typeof FIELDS)[]} */ (Object.keys(CONTROLS))) {
      const control = input(CONTROLS[key]);
      control.addEventListener('input', () => this.change(key, control.type === 'range' ? Number(control.value) : fromText('number', control.value)));
    }
    $('max-amount').textContent = formatMoney(defaults.maxAmount).replace(/\.00$/, '');
    $('download-scored').addEventListener('click', () => this.downloadScored());
    window.addEventListener('hashchange', () => this.followLink());
  }

  /**
   * Listens to the world panel (each world on screen) and the model panel
   * (each measurement of the model on screen), and wires the import and
   * the target rate to the world.
   * @param {WorldPanel} world
   * @param {ModelPanel} model
   */
  attach(world, model) {
    this.importer = new CsvImporter(this.client, {
      onImported: (view, name) => world.showImported(view, name),
      onLeave: () => world.request(null),
    });
    this.target = new TargetRate(this.client, this.defaults.realisticRate, (b0) => world.set('baseline', b0));
    world.events.addEventListener('view', (event) => this.onWorld(/** @type {CustomEvent<WorldShown>} */ (event).detail.view));
    model.events.addEventListener('evaluated', (event) => {
      const { split, running } = /** @type {CustomEvent<{split: FitOptions, running: boolean}>} */ (event).detail;
      // While a fit animates, the ranking (a sort of the evaluation users)
      // follows it at most once a second; the fit's last step always counts.
      if (running && performance.now() - this.lastBuild < BUILD_EVERY_MS) return;
      this.build(split);
    });
  }

  /** @param {View} view */
  onWorld(view) {
    $('decide-panel').dataset.state = 'busy';
    this.world = view;
    this.whatIf.seed(view);
    this.importer?.show(view);
    this.target?.show(view);
    this.writeLinkData(view.imported ? 'imported' : 'generated');
    if (this.linkedImport) {
      // Said once, on the first world: the next one replaces it.
      this.linkedImport = false;
      $('import-note').hidden = false;
      $('import-note').textContent = 'This link was made from imported data, which cannot travel in a URL: the page shows the generated world its settings describe. Import the file again to see its users.';
    }
  }

  /**
   * The link says whether the data on screen were imported.
   * @param {string} data
   */
  writeLinkData(data) {
    if (this.values[DATA_KEY] === data) return;
    this.values = { ...this.values, [DATA_KEY]: data };
    this.writeHash();
  }

  writeHash() {
    clearTimeout(this.hashTimer);
    const hash = this.link.write(this.values, []);
    if (hash !== location.hash) history.replaceState(null, '', hash || location.pathname + location.search);
  }

  /** The person edited the link: take the decisions' keys from it. */
  followLink() {
    const values = this.link.read(location.hash).values;
    if (Object.keys(CONTROLS).every((k) => String(values[k]) === String(this.values[k]))) return;
    this.values = { ...values, [DATA_KEY]: this.values[DATA_KEY] };
    this.setControls();
    this.read();
  }

  /** Puts the values on the controls (a field being typed in keeps its text). */
  setControls() {
    for (const key of /** @type {(keyof typeof FIELDS)[]} */ (Object.keys(CONTROLS))) {
      const control = input(CONTROLS[key]);
      const value = String(this.values[key]);
      const typing = control.type === 'text' && control === document.activeElement;
      if (control.value !== value && !typing) control.value = value;
    }
    for (const key of /** @type {const} */ (['bandHigh', 'bandMedium'])) {
      const shown = formatThreshold(Number(this.values[key]));
      $(`${CONTROLS[key]}-value`).textContent = shown;
      input(CONTROLS[key]).setAttribute('aria-valuetext', shown);
    }
  }

  /**
   * A threshold dragged on the chart.
   * @param {'high' | 'medium'} which
   * @param {number} value
   * @param {boolean} done
   */
  drag(which, value, done) {
    this.change(which === 'high' ? 'bandHigh' : 'bandMedium', value);
    if (done) this.writeHash();
  }

  /**
   * A setting moved. Moving one threshold past the other pushes the other
   * along, so the bands always read high ≥ medium.
   * @param {keyof typeof FIELDS} key
   * @param {string | number} value
   */
  change(key, value) {
    const next = { ...this.values, [key]: value };
    if (typeof value === 'number') {
      if (key === 'bandHigh' && value < Number(next.bandMedium)) next.bandMedium = value;
      if (key === 'bandMedium' && value > Number(next.bandHigh)) next.bandHigh = value;
    }
    this.values = next;
    this.setControls();
    this.bandChart.setThresholds(Number(next.bandHigh), Number(next.bandMedium));
    clearTimeout(this.hashTimer);
    this.hashTimer = setTimeout(() => this.writeHash(), SETTLE_MS);
    this.read();
    if (key === 'bandHigh' || key === 'bandMedium') this.askWhatIf();
  }

  /**
   * The model on screen was measured: rank it on the same users.
   * @param {FitOptions} split
   */
  build(split) {
    this.split = split;
    this.lastBuild = performance.now();
    $('decide-panel').dataset.state = 'busy';
    const values = this.values;
    this.builds.request(
      { split, ...policy(values) },
      ({ view, workMs, buildMs }) => {
        performance.measure('conversion:decide-build', { start: performance.now(), detail: { workMs, buildMs, users: view.users } });
        this.good = values;
        this.built += 1;
        this.show(view);
        this.askWhatIf();
        this.markState();
      },
      (error) => this.fail(error),
    );
  }

  /** Reads the decisions at the policy on screen (a drag, a typed amount). */
  read() {
    if (!this.view) return;
    $('decide-panel').dataset.state = 'busy';
    const values = this.values;
    this.reads.request(
      policy(values),
      ({ view, workMs }) => {
        const started = performance.now();
        this.good = values;
        this.show(view);
        // For bench/decide-page.mjs: the worker's time and the drawing time per update.
        performance.measure('conversion:decide', { start: started, detail: { workMs, users: view.users } });
        this.markState();
      },
      (error) => this.fail(error),
    );
  }

  askWhatIf() {
    if (!this.view) return;
    const thresholds = policy(this.values).thresholds;
    this.whatIfs.request(
      { user: this.whatIf.user(), thresholds },
      (answer) => {
        this.whatIf.show(answer, Boolean(this.world?.imported));
        this.markState();
      },
      (error) => {
        this.whatIf.setError(error.field ?? null, error.problem ? `${error.field} ${error.problem}.` : error.message);
        this.markState();
      },
    );
  }

  /**
   * Marks the panel `data-state="settled"` once nothing is pending (what
   * tests and measurements wait for), `busy` otherwise.
   */
  markState() {
    const channels = [this.builds, this.reads, this.whatIfs];
    Promise.all(channels.map((c) => c.settled())).then(() => {
      if (!channels.some((c) => c.inFlight || c.queued)) $('decide-panel').dataset.state = 'settled';
    });
  }

  /** @param {DecisionView} view */
  show(view) {
    this.view = view;
    this.error(null, '');
    this.setControls();
    const imported = Boolean(this.world?.imported);
    const drawn = { build: this.built, economics: JSON.stringify(view.policies?.economics ?? null) };
    // The histogram, the gains and the profits do not move with the thresholds.
    const same = this.drawn !== null && this.drawn.build === drawn.build && this.drawn.economics === drawn.economics;
    this.drawn = drawn;
    renderBands(/** @type {HTMLTableSectionElement} */ ($('band-body')), view);
    this.showCommand();
    if (same) {
      this.bandChart.setThresholds(view.thresholds.high, view.thresholds.medium);
      this.bandChart.describe(view);
      return;
    }
    const scope = view.inSample ? 'in-sample: no users are held out, so these are the training users' : `${counted(view.users, 'held-out user')}, as \`conversion fit\` prints them`;
    $('decide-scope').textContent = `Measured on ${scope}.`;
    this.bandChart.update(view);
    renderLift(/** @type {HTMLTableSectionElement} */ ($('lift-body')), view);
    this.gainsChart.update(view);
    $('judged-by').textContent = view.judgedBy === 'truth'
      ? 'Every policy is judged by the truth: what the users contacted are expected to bring is their q(x), the chance of converting their signals give, never the model\'s own predictions. The oracle, which sees each user\'s own p, is judged by p.'
      : 'The truth is unknown for imported data: every policy is judged by who actually converted among the users it contacts, never by the model\'s own predictions.';
    const p = view.policies;
    if (p) {
      this.profitChart.update(p);
      $('best-threshold').textContent = formatThreshold(p.model.best.threshold);
      $('best-profit').textContent = formatMoney(p.model.best.expectedProfit);
      $('best-contacted').textContent = counted(p.model.best.contacted, 'user');
      renderPolicies($('policies'), p, imported);
    }
  }

  /**
   * Names a refused setting beside its control (routed by the error's
   * field); the last good decisions stay on screen. A value the link
   * brought goes back to its default.
   * @param {WorkerError} error
   */
  fail(error) {
    const key = keyOf(error.field);
    if (!key) {
      this.error(null, `The decisions: ${error.message}.`);
      this.markState();
      return;
    }
    const message = `${error.field} ${error.problem ?? error.message}.`;
    if (!this.view) {
      const defaults = this.link.defaults();
      this.values = { ...this.values, [key]: defaults[key] };
      this.setControls();
      this.writeHash();
      this.error(key, `${message} Using the default, ${defaults[key]}.`);
      if (this.split) this.build(this.split);
      return;
    }
    this.error(key, message);
    announce(message);
    // The decisions on screen keep the last good value: forget the refused
    // one (the control keeps what was typed, beside its message), so a
    // change to another setting is not refused for it too.
    this.values = { ...this.values, [key]: (this.good ?? this.link.defaults())[key] };
    clearTimeout(this.hashTimer);
    this.hashTimer = setTimeout(() => this.writeHash(), SETTLE_MS);
    this.markState();
  }

  /**
   * @param {keyof typeof FIELDS | null} key the setting at fault, if one is
   * @param {string} message
   */
  error(key, message) {
    for (const k of /** @type {(keyof typeof FIELDS)[]} */ (Object.keys(CONTROLS))) {
      input(CONTROLS[k]).setAttribute('aria-invalid', String(k === key));
      const box = $(`${CONTROLS[k]}-error`);
      box.hidden = k !== key;
      box.textContent = k === key ? message : '';
    }
    $('decide-error').hidden = key !== null || !message;
    $('decide-error').textContent = key === null ? message : '';
  }

  /** The command that scores the users as "Download scored users" does, for the model file and the world's CSV. */
  showCommand() {
    const { thresholds } = policy(this.values);
    /** @type {FitOptions} */
    const split = this.split ?? {};
    $('scored-command').textContent = `conversion score --model MODEL.json --format csv --high ${thresholds.high} --medium ${thresholds.medium} `
      + `--test-fraction ${split.testFraction} --split-seed ${split.splitSeed} < USERS.csv`;
  }

  /** The scored users of the world and model on screen, and the CLI command that writes the same bytes. */
  async downloadScored() {
    const button = /** @type {HTMLButtonElement} */ ($('download-scored'));
    button.disabled = true;
    try {
      await Promise.all([this.builds.settled(), this.reads.settled()]);
      const { thresholds } = policy(this.values);
      const blob = /** @type {Blob} */ (await this.client.call('decide.scored', { split: this.split, thresholds }));
      const world = this.world;
      const stem = world?.imported ? `imported_rows-${world.summary.rows}` : `seed-${world?.params.seed}_rows-${world?.summary.rows}`;
      save(blob, `conversion_scored_${stem}.csv`);
    } catch (error) {
      this.error(null, `Could not score the users: ${/** @type {Error} */ (error).message}.`);
    } finally {
      button.disabled = false;
    }
  }
}
