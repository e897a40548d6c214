// The uplift lab: an offer on the world on screen, every user's two
// outcomes, who the offer changes in each intent band of the model, the
// targeting policies for a budget judged by the true effect, and the
// experiment read as an analyst would. The lab follows the world and the
// model; its settings live in the URL hash beside theirs.
import { LatestChannel } from '../app/worker-client.js';
import { announce } from '../app/announce.js';
import { formatCount, sentence } from '../app/format.js';
import { fixed } from '../model/format.js';
import { points, pValue } from './format.js';
import { save } from '../app/save.js';
import { UpliftControls } from './controls.js';
import { GroupsChart, PolicyChart, drawReruns } from './charts.js';
import { bandWords, effectWords, experimentWords, learnedWords, policyWords, powerWords, rerunWords } from './explain.js';
import { LESSON_HASH, OFFER_GROUPS, settingsOf, upliftLink } from './options.js';
import { renderArms, renderBands, renderGroups, renderPolicies, renderReruns } from './tables.js';

/** @typedef {import('../pkg/conversion_playground.js').ParamInfo} ParamInfo */
/** @typedef {import('../pkg/conversion_playground.js').UpliftDefaults} UpliftDefaults */
/** @typedef {import('../pkg/conversion_playground.js').UpliftSettings} UpliftSettings */
/** @typedef {import('../pkg/conversion_playground.js').LabView} LabView */
/** @typedef {import('../pkg/conversion_playground.js').Reruns} Reruns */
/** @typedef {import('../app/worker-client.js').WorkerClient} WorkerClient */
/** @typedef {import('../app/worker-client.js').WorkerError} WorkerError */
/** @typedef {import('../app/link.js').Values} Values */
/** @typedef {import('../world/panel.js').WorldShown} WorldShown */
/** @typedef {{view: LabView, workMs: number, helped?: boolean | null}} LabAnswer */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** The uplift model is learned once changes pause this long (ms): two fits per slider step would hold the worker. */
const LEARN_AFTER_MS = 300;
/** Experiments a re-run draws. */
const RERUNS = 20;
/** Names of the lab's own settings, for messages. */
const NAMES = /** @type {Record<string, string>} */ ({
  budget: 'The budget',
  valuePerConversion: 'The value of a conversion',
  costPerContact: 'The cost of an offer',
  discount: 'The discount',
  minimumEffect: 'The smallest lift worth detecting',
});

export class UpliftPanel {
  /**
   * Builds the panel and claims its keys of the URL hash (before the world
   * panel reads it).
   * @param {WorkerClient} client
   * @param {UpliftDefaults} defaults the core's
   * @param {ParamInfo[]} schema the generator's parameter table
   */
  constructor(client, defaults, schema) {
    this.client = client;
    this.offerSchema = schema.filter((f) => OFFER_GROUPS.includes(f.group));
    this.link = upliftLink(this.offerSchema, defaults);
    /** @type {Values} */
    this.values = this.link.read(location.hash).values;
    /** @type {Values} the values of the view on screen */
    this.good = this.values;
    /** @type {WorldShown | null} */
    this.world = null;
    /** @type {LabView | null} */
    this.view = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.learnTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.hashTimer = undefined;
    /** @type {LatestChannel<{settings: UpliftSettings}, LabAnswer>} */
    this.updates = new LatestChannel(client, 'uplift.update');
    /** @type {LatestChannel<{settings: UpliftSettings}, LabAnswer>} */
    this.learns = new LatestChannel(client, 'uplift.learn');
    this.controls = new UpliftControls($('uplift-controls'), this.offerSchema, defaults, {
      onChange: (key, value, live) => this.change(key, value, live),
      onCommit: () => this.request(false),
    });
    this.controls.setValues(this.values);
    const name = async () => this.fileStem();
    this.groupsChart = new GroupsChart($('uplift-curve'), name);
    this.qini = new PolicyChart($('uplift-policy-charts'), 'qini', name);
    this.profit = new PolicyChart($('uplift-policy-charts'), 'profit', name);
    /** @type {HTMLAnchorElement} */ ($('uplift-lesson')).href = LESSON_HASH;
    $('rerun-experiments').addEventListener('click', () => this.rerun());
    $('download-experiment-csv').addEventListener('click', () => this.downloadCsv());
    $('download-experiment-params').addEventListener('click', () => this.downloadParams());
    window.addEventListener('hashchange', () => this.followLink());
  }

  /**
   * Follows the world panel (each world on screen) and the model panel
   * (each model it settles on).
   * @param {EventTarget} world
   * @param {EventTarget} model
   */
  attach(world, model) {
    world.addEventListener('view', (event) => {
      this.world = /** @type {CustomEvent<WorldShown>} */ (event).detail;
      this.request(true);
    });
    model.addEventListener('settled', () => this.request(false));
  }

  /** The settings the core reads, from the values on the controls. */
  settings() {
    return settingsOf(this.values, this.offerSchema);
  }

  writeHash() {
    clearTimeout(this.hashTimer);
    const hash = this.link.write(this.values, []);
    history.replaceState(null, '', hash || location.pathname + location.search);
  }

  /** The person edited the link (or opened the lesson): take the lab's keys from it. */
  followLink() {
    this.values = this.link.read(location.hash).values;
    this.controls.clearErrors();
    this.controls.setValues(this.values);
    this.clearReruns();
    this.request(false);
  }

  /**
   * A control moved.
   * @param {string} key
   * @param {string | number} value
   * @param {boolean} live a slider mid-drag
   */
  change(key, value, live) {
    this.values = { ...this.values, [key]: value };
    this.controls.setError(key, null);
    clearTimeout(this.hashTimer);
    if (live) this.hashTimer = setTimeout(() => this.writeHash(), 400);
    else this.writeHash();
    if (key !== 'budget' && key !== 'valuePerConversion' && key !== 'costPerContact' && key !== 'discount') this.clearReruns();
    this.request(live);
  }

  /**
   * Asks the worker for the lab now; the uplift model is learned once
   * changes pause.
   * @param {boolean} live more changes are coming (a drag): do not learn yet
   */
  request(live) {
    if (!this.world) return;
    $('uplift-panel').dataset.state = 'busy';
    clearTimeout(this.learnTimer);
    const values = this.values;
    this.updates.request(
      { settings: this.settings() },
      ({ view, workMs, helped }) => {
        const shown = performance.now();
        this.show(view, values);
        // The worker's time, and the main thread's to show what it sent.
        const showMs = performance.now() - shown;
        performance.measure('conversion:uplift', { start: shown, detail: { workMs, helped, rows: view.users, showMs } });
        if (view.learnedStale && !live) this.scheduleLearn();
        this.markState();
      },
      (error) => {
        this.fail(error);
        this.markState();
      },
    );
  }

  scheduleLearn() {
    clearTimeout(this.learnTimer);
    $('uplift-panel').dataset.state = 'busy';
    this.learnTimer = setTimeout(() => {
      this.learnTimer = undefined;
      const values = this.values;
      this.learns.request(
        { settings: this.settings() },
        ({ view }) => {
          // A change since: its own update (and learning) follows.
          if (values === this.values) this.show(view, values);
          this.markState();
        },
        (error) => {
          this.fail(error);
          this.markState();
        },
      );
    }, LEARN_AFTER_MS);
  }

  /**
   * Marks the panel `data-state="settled"` once nothing is running or
   * pending, `busy` otherwise: what tests and measurements wait for.
   */
  markState() {
    const channels = [this.updates, this.learns];
    Promise.all(channels.map((c) => c.settled())).then(() => {
      const busy = this.learnTimer !== undefined || channels.some((c) => c.inFlight || c.queued);
      if (!busy) $('uplift-panel').dataset.state = 'settled';
    });
  }

  /**
   * @param {LabView} view
   * @param {Values} values the values that made it
   */
  show(view, values) {
    this.view = view;
    this.good = values;
    $('uplift-error').hidden = true;
    renderGroups($('uplift-groups'), view);
    $('uplift-effect').textContent = effectWords(view);
    this.groupsChart.update(view);
    renderBands(/** @type {HTMLTableSectionElement} */ ($('uplift-bands-body')), view);
    $('uplift-bands-why').textContent = bandWords(view);
    renderPolicies(/** @type {HTMLTableSectionElement} */ ($('uplift-policies-body')), view);
    $('uplift-policies-why').textContent = policyWords(view);
    this.qini.update(view);
    this.profit.update(view);
    renderArms(/** @type {HTMLTableSectionElement} */ ($('uplift-arms-body')), view);
    $('uplift-experiment-why').textContent = experimentWords(view);
    $('uplift-power').textContent = powerWords(view);
    $('uplift-learned').textContent = learnedWords(view);
    const a = view.experiment.analysis;
    $('lift-points').textContent = a ? points(a.liftPoints.value) : '–';
    $('p-value').textContent = a ? pValue(a.pValue) : '–';
    const needed = view.experiment.power.usersPerArm;
    $('users-per-arm').textContent = needed === null ? '–' : formatCount(needed);
    $('learned-qini').textContent = view.learned ? fixed(view.learned.observed.qini, 4) : '…';
    for (const b of ['download-experiment-csv', 'download-experiment-params', 'rerun-experiments']) {
      /** @type {HTMLButtonElement} */ ($(b)).disabled = false;
    }
  }

  clearReruns() {
    $('rerun-summary').textContent = '';
    $('rerun-chart').replaceChildren();
    /** @type {HTMLTableSectionElement} */ ($('rerun-body')).replaceChildren();
    $('reruns').hidden = true;
  }

  /** Twenty more experiments on the same users, new assignment seeds. */
  async rerun() {
    const button = /** @type {HTMLButtonElement} */ ($('rerun-experiments'));
    button.disabled = true;
    $('rerun-summary').textContent = `Running ${RERUNS} experiments…`;
    try {
      await this.updates.settled();
      const reruns = /** @type {Reruns} */ (await this.client.call('uplift.rerun', { settings: this.settings(), runs: RERUNS }));
      $('reruns').hidden = false;
      const words = rerunWords(reruns);
      $('rerun-summary').textContent = words;
      drawReruns($('rerun-chart'), reruns);
      renderReruns(/** @type {HTMLTableSectionElement} */ ($('rerun-body')), reruns);
      announce(words);
    } catch (error) {
      $('rerun-summary').textContent = `Could not re-run the experiment: ${/** @type {Error} */ (error).message}.`;
    } finally {
      button.disabled = false;
    }
  }

  /** What files saved from the lab are called, before their ending. */
  fileStem() {
    const params = this.world?.view.params;
    const offer = this.settings().offer ?? {};
    return params ? `seed-${params.seed}_rows-${params.rows}_offer-${offer.effect}` : 'uplift';
  }

  /** The parameters of the world and the offer, as `conversion generate --params` and `conversion experiment --params` read them. */
  paramsText() {
    const params = { ...this.world?.view.params, offer: this.settings().offer };
    return `${JSON.stringify(params, null, 2)}\n`;
  }

  async downloadCsv() {
    try {
      await this.updates.settled();
      const blob = /** @type {Blob} */ (await this.client.call('uplift.csv', { settings: this.settings() }));
      save(blob, `conversion_experiment_${this.fileStem()}.csv`);
    } catch (error) {
      this.fail(/** @type {WorkerError} */ (error));
    }
  }

  async downloadParams() {
    await this.updates.settled();
    save(new Blob([this.paramsText()], { type: 'application/json' }), `conversion_experiment_params_${this.fileStem()}.json`);
  }

  /**
   * The core refused a setting (named by `error.field`) or a request
   * failed: say so beside the control, and keep the last good values.
   * @param {WorkerError} error
   */
  fail(error) {
    const field = error.field ?? '';
    if (this.controls.has(field)) {
      const label = NAMES[field] ?? this.offerSchema.find((f) => f.key === field)?.label ?? field;
      const message = sentence(label, error.problem ?? error.message);
      this.controls.setError(field, message);
      announce(message);
      this.values = { ...this.values, [field]: this.good[field] };
      this.writeHash();
      return;
    }
    $('uplift-error').hidden = false;
    $('uplift-error').textContent = `The uplift lab: ${error.message}.`;
  }
}
