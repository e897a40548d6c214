// The model panel: a logistic regression fitted in the worker and animated
// here (Fit, Pause, Step, Reset), its weights beside the generating and the
// best-possible ones, its held-out metrics beside their baselines and
// ceilings, and the world it follows: warm after every world move
// (auto-refit), or not at all (frozen, imported, or a world too big to
// refit per slider step), then measured on the world through the explicit
// evaluation of a model on another world. Its settings live in the URL hash
// beside the world's.
import { LatestChannel } from '../app/worker-client.js';
import { announce } from '../app/announce.js';
import { save } from '../app/save.js';
import { ModelControls } from './controls.js';
import { AUTO_REFIT_MAX_USERS, FIT_KEYS, fitOptions, leftOut, modelLink } from './options.js';
import { CalibrationChart, LossChart, PrChart, RocChart } from './charts.js';
import { renderConfusion, renderMetrics, renderWeights } from './tables.js';
import { fixedWords, paceWords, separationWords, sourceWords, stopWords, whyShrunk } from './explain.js';
import { Reroller } from './reroll.js';
import { FitRunner } from './runner.js';

/** @typedef {import('../pkg/conversion_playground.js').ModelDefaults} ModelDefaults */
/** @typedef {import('../pkg/conversion_playground.js').ParamInfo} ParamInfo */
/** @typedef {import('../pkg/conversion_playground.js').TruthView} TruthView */
/** @typedef {import('../pkg/conversion_playground.js').Evaluation} Evaluation */
/** @typedef {import('../pkg/conversion_playground.js').FittedModel} FittedModel */
/** @typedef {import('../pkg/conversion_playground.js').WeightRow} WeightRow */
/** @typedef {import('../pkg/conversion_playground.js').FixedModelView} FixedModelView */
/** @typedef {import('../pkg/conversion_playground.js').SignalName} SignalName */
/** @typedef {import('../app/worker-client.js').WorkerClient} WorkerClient */
/** @typedef {import('../app/worker-client.js').WorkerError} WorkerError */
/** @typedef {import('../app/link.js').Values} Values */
/** @typedef {import('../world/panel.js').WorldShown} WorldShown */
/** @typedef {import('../worker/model.js').FitSnapshot} FitSnapshot */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** While a fit animates, the metrics are measured at most this often (ms). */
const EVALUATE_EVERY_MS = 250;

/**
 * Names for people of the weights (intercept last) and of the signals.
 * @param {ParamInfo[]} schema the world's parameter table
 */
function labelsOf(schema) {
  /** @type {Record<string, string>} */
  const labels = { tier_2: 'Tier 2 (vs tier 1)', tier_3: 'Tier 3 (vs tier 1)', intercept: 'Intercept', country_tier: 'Country tier' };
  for (const field of schema) {
    const [group, name] = field.key.split('.');
    if (group === 'weights') labels[name] = field.label;
  }
  return labels;
}

export class ModelPanel {
  /**
   * Builds the panel and claims its keys of the URL hash (before the world
   * panel reads it).
   * @param {WorkerClient} client
   * @param {ModelDefaults} defaults the core's
   * @param {ParamInfo[]} schema the world's parameter table, for names
   */
  constructor(client, defaults, schema) {
    this.client = client;
    this.defaults = defaults;
    /**
     * Other panels listen here: a `settled` event each time the model on
     * screen has settled (a fit done, a model frozen or imported), and an
     * `evaluated` event each time it has been measured on the world on
     * screen (the decisions then rank the same users; `running` says the
     * fit is still animating).
     */
    this.events = new EventTarget();
    this.labels = labelsOf(schema);
    this.link = modelLink(defaults);
    /** @type {Values} */
    this.values = this.link.read(location.hash).values;
    /** @type {WorldShown | null} the world on screen */
    this.world = null;
    /** @type {'live' | 'fixed'} */
    this.mode = 'live';
    /** @type {FixedModelView | null} */
    this.fixed = null;
    /** Why the model on screen does not follow the world (when fixed). */
    this.fixedReason = '';
    /** True when the person froze it (not auto-refit's limits). */
    this.frozenByPerson = false;
    /** @type {{iterations: number, logLoss: number | null} | null} */
    this.frozenAt = null;
    /** Keep the message on screen through the next cold fit (a refused option's). */
    this.keepMessage = false;
    /** @type {FittedModel | null} */
    this.model = null;
    /** @type {WeightRow[]} */
    this.rows = [];
    /** @type {TruthView | null} */
    this.truth = null;
    /** @type {Evaluation | null} */
    this.evaluation = null;
    this.lastEvaluated = 0;
    /** @type {LatestChannel<{leaveOut: SignalName[]}, {truth: TruthView | null, workMs: number}>} */
    this.truths = new LatestChannel(client, 'model.truth');
    /** @type {LatestChannel<{split: object, options: object}, {evaluation: Evaluation, explicit: boolean, workMs: number}>} */
    this.evaluations = new LatestChannel(client, 'model.evaluate');
    this.runner = new FitRunner(client, {
      onStarted: () => this.started(),
      onSnapshot: (snapshot) => this.showFit(snapshot),
      onStopped: () => this.stopped(),
      onError: (error) => this.fail(error),
      live: () => this.mode === 'live',
    });
    this.controls = new ModelControls(defaults, this.labels, AUTO_REFIT_MAX_USERS, {
      onChange: (key, value) => this.change(key, value),
      onFit: () => this.fit(true),
      onPause: () => this.runner.pause(),
      onStep: () => this.runner.step(),
      onReset: () => this.fit(false),
      onFreeze: (frozen) => this.freeze(frozen),
      onDownload: () => this.download(),
      onImport: (file) => this.import(file),
    });
    this.controls.setValues(this.values);
    this.loss = new LossChart($('loss-chart'));
    this.roc = new RocChart($('roc-chart'));
    this.pr = new PrChart($('pr-chart'));
    this.calibration = new CalibrationChart($('calibration-chart'));
    const weightLabels = ['days_since_signup', 'sessions_7d', 'content_hours_7d', 'downloads_7d', 'paywall_views_7d', 'tier_2', 'tier_3', 'intercept'].map((k) => this.labels[k] ?? k);
    this.reroller = new Reroller(client, weightLabels);
    $('reroll').addEventListener('click', () => {
      if (this.world) this.reroller.start(this.world.view.params, fitOptions(this.values, this.defaults));
    });
    window.addEventListener('hashchange', () => this.followLink());
  }

  /**
   * Listens to the world panel: every new state of the world on screen.
   * @param {EventTarget} events the world panel's
   */
  attach(events) {
    events.addEventListener('view', (event) => this.onWorld(/** @type {CustomEvent<WorldShown>} */ (event).detail));
  }

  writeHash() {
    const hash = this.link.write(this.values, []);
    history.replaceState(null, '', hash || location.pathname + location.search);
  }

  /** The person edited the link: take the model's keys from it. */
  followLink() {
    const next = this.link.read(location.hash).values;
    const refit = FIT_KEYS.some((k) => String(next[k]) !== String(this.values[k]));
    this.values = next;
    this.controls.setValues(next);
    if (refit && this.world) this.fit(true);
    else this.evaluate();
  }

  /**
   * A control moved.
   * @param {string} key
   * @param {string | number} value
   */
  change(key, value) {
    this.values = { ...this.values, [key]: value };
    if (key === 'optimizer') this.controls.showLearningRate(String(value));
    this.writeHash();
    if (FIT_KEYS.includes(key)) {
      if (key === 'leaveOut') this.requestTruth();
      this.fit(true);
    } else if (key === 'autoRefit') {
      if (value && this.mode === 'fixed' && this.fixed?.source === 'frozen' && !this.frozenByPerson) this.unfix();
    } else {
      this.evaluate();
    }
  }

  /**
   * Marks the panel `data-state="settled"` once nothing is running or
   * pending (the fit, its metrics and the truth are the world's on screen),
   * `busy` otherwise: what tests and measurements wait for.
   */
  markState() {
    $('model-panel').dataset.state = 'busy';
    const channels = [this.truths, this.evaluations, this.runner.follows];
    Promise.all(channels.map((c) => c.settled())).then(() => {
      const busy = this.runner.busy || channels.some((c) => c.inFlight || c.queued);
      if (!busy && $('model-panel').dataset.state !== 'settled') {
        $('model-panel').dataset.state = 'settled';
        this.events.dispatchEvent(new Event('settled'));
      }
    });
  }

  /** @param {WorldShown} shown */
  onWorld(shown) {
    $('model-panel').dataset.state = 'busy';
    const first = this.world === null;
    // Users read from a file get a cold fit, as `conversion fit FILE` makes,
    // unless the model on screen is itself from a file: then it is measured on them.
    const newFile = shown.view.imported && !(this.mode === 'fixed' && this.fixed?.source === 'imported');
    this.world = shown;
    /** @type {HTMLButtonElement} */ ($('reroll')).disabled = shown.view.imported;
    $('reroll-status').textContent = shown.view.imported ? 'Re-rolls draw generated worlds: not for imported data.' : '';
    this.requestTruth();
    if (first || !this.runner.hasFit || newFile) {
      this.fit(true);
      return;
    }
    if (this.mode === 'fixed') {
      this.evaluate();
      return;
    }
    const rows = shown.view.summary.rows;
    if (Number(this.values.autoRefit) && rows <= AUTO_REFIT_MAX_USERS) {
      this.runner.follow();
    } else {
      const reason = Number(this.values.autoRefit)
        ? `Auto-refit stops above ${AUTO_REFIT_MAX_USERS.toLocaleString('en-US')} users: the model stays as fitted. Press Fit to refit.`
        : 'Auto-refit is off: the model stays as fitted. Press Fit to refit.';
      this.fix('model.freeze', reason);
    }
  }

  /**
   * A cold fit from weights 0: animated (Fit) or left at the start (Reset).
   * @param {boolean} run
   * @param {boolean} [keepMessage] keep the message on screen (a refused option's)
   */
  fit(run, keepMessage = false) {
    if (!this.world) return;
    this.keepMessage = keepMessage;
    $('model-panel').dataset.state = 'busy';
    this.runner.start(fitOptions(this.values, this.defaults), run).then(() => this.markState());
  }

  /** A cold fit replaced the model on screen: the live fit is back. */
  started() {
    this.mode = 'live';
    this.fixed = null;
    this.frozenAt = null;
    this.frozenByPerson = false;
    this.controls.setFrozen(false);
    if (!this.keepMessage) this.controls.setError(null, null);
    $('model-source').textContent = '';
    this.loss.clear();
  }

  /** The animation ended: say how the fit stopped. */
  stopped() {
    this.controls.setRunning({ running: false, done: this.runner.done, fixed: this.mode === 'fixed' });
    if (this.runner.done) announce(`The model ${$('fit-stop').textContent} after ${$('fit-iteration').textContent} iterations.`);
    this.markState();
  }

  /** @param {FitSnapshot} snapshot */
  showFit({ progress, model, rows }) {
    this.model = model;
    this.rows = rows;
    $('fit-iteration').textContent = String(progress.iterations);
    $('fit-stop').textContent = stopWords(progress);
    $('fit-pace').textContent = paceWords(progress);
    const separation = separationWords(model);
    $('fit-separation').hidden = !separation;
    $('fit-separation').textContent = separation;
    this.loss.append(progress.historyFrom, progress.lossHistory, progress.heldOutHistory);
    /** @type {HTMLButtonElement} */ ($('download-model')).disabled = false;
    if (this.mode === 'live') $('model-source').textContent = sourceWords(model, this.values);
    this.drawWeights();
    this.controls.setRunning({ running: this.runner.running, done: this.runner.done, fixed: this.mode === 'fixed' });
    // While the fit animates, the metrics follow at most every EVALUATE_EVERY_MS.
    if (!this.runner.running || performance.now() - this.lastEvaluated > EVALUATE_EVERY_MS) this.evaluate();
  }

  drawWeights() {
    const rows = this.mode === 'fixed' && this.fixed ? this.fixed.rows : this.rows;
    const imported = Boolean(this.world?.view.imported);
    renderWeights(/** @type {HTMLTableSectionElement} */ ($('weights-body')), rows, imported ? 'unknown' : this.truth, this.labels);
    const model = this.mode === 'live' ? this.model : null;
    const intervals = model?.intervals;
    $('weights-note').textContent = this.mode === 'fixed'
      ? 'No intervals: they need the training data, which a frozen or imported model no longer has at hand.'
      : intervals
        ? `95% intervals from the observed Fisher information at the optimum${intervals.approximate ? '; approximate: with L2 the weights are pulled towards 0, and the intervals do not account for that' : ''}. Odds × per unit: how the odds of converting multiply per unit of the signal.`
        : 'Intervals appear once the fit converges.';
    if (imported) {
      $('weights-explain').textContent = 'The generating and the best-possible weights are unknown for imported data: no parameters drew these users, so no one knows what a model could learn from them.';
    } else if (this.truth && this.world) {
      const out = leftOut(this.values).map((s) => this.labels[s] ?? s);
      $('weights-explain').textContent = whyShrunk(this.truth, this.world.view.summary.conversionRate, out);
    }
  }

  requestTruth() {
    this.truths.request(
      { leaveOut: leftOut(this.values) },
      ({ truth, workMs }) => {
        performance.measure('conversion:truth', { start: performance.now(), detail: { workMs, rows: this.world?.view.summary.rows } });
        this.truth = truth;
        this.loss.setFloor(this.evaluation?.metrics.irreducibleLogLoss ?? null);
        this.drawWeights();
        this.markState();
      },
      (error) => {
        this.fail(error);
        this.markState();
      },
    );
  }

  /** Measures the model on screen on the world's held-out users. */
  evaluate() {
    if (!this.runner.hasFit && this.mode === 'live') return;
    this.lastEvaluated = performance.now();
    const split = { testFraction: this.values.testFraction, splitSeed: this.values.splitSeed };
    $('model-panel').dataset.state = 'busy';
    this.evaluations.request(
      { split, options: { threshold: this.values.threshold } },
      ({ evaluation, explicit }) => {
        this.showEvaluation(evaluation);
        this.events.dispatchEvent(new CustomEvent('evaluated', { detail: { explicit, split, running: this.runner.running } }));
        this.markState();
      },
      (error) => {
        this.fail(error);
        this.markState();
      },
    );
  }

  /** @param {Evaluation} evaluation */
  showEvaluation(evaluation) {
    this.evaluation = evaluation;
    const m = evaluation.metrics;
    const training = this.mode === 'live' && this.model
      ? { objective: this.model.objective, trainingLogLoss: this.model.trainingLogLoss, l2: Number(this.values.l2) }
      : null;
    renderMetrics(/** @type {HTMLTableSectionElement} */ ($('metrics-body')), m, training, Boolean(this.world?.view.imported));
    renderConfusion(/** @type {HTMLTableSectionElement} */ ($('confusion-body')), m);
    this.roc.update(m);
    this.pr.update(m);
    this.calibration.update(m);
    this.loss.setFloor(m.irreducibleLogLoss);
    $('metrics-heading').textContent = m.inSample
      ? 'How good is it? (in-sample: no users are held out)'
      : `How good is it? (${m.users.toLocaleString('en-US')} held-out users)`;
    $('model-drift').textContent = this.mode === 'fixed' && this.fixed ? fixedWords(this.fixed, this.frozenAt, m, this.fixedReason) : '';
  }

  /**
   * The model stops following the world: frozen by the person, or because
   * auto-refit does not apply.
   * @param {'model.freeze'} request
   * @param {string} reason
   */
  async fix(request, reason) {
    this.runner.pause();
    try {
      this.fixed = /** @type {FixedModelView} */ (await this.client.call(request));
      this.mode = 'fixed';
      this.fixedReason = reason;
      this.frozenAt = { iterations: this.model?.iterations ?? 0, logLoss: this.evaluation?.metrics.logLoss.value ?? null };
      this.drawWeights();
      this.evaluate();
    } catch (error) {
      this.fail(/** @type {WorkerError} */ (error));
    }
    this.controls.setRunning({ running: false, done: this.runner.done, fixed: true });
  }

  /** @param {boolean} frozen */
  freeze(frozen) {
    this.frozenByPerson = frozen;
    if (frozen) {
      if (this.runner.hasFit) this.fix('model.freeze', 'Frozen.');
      return;
    }
    this.unfix();
  }

  /** Back to the live fit, which follows the world again (warm). */
  async unfix() {
    await this.client.call('model.unfreeze');
    this.frozenByPerson = false;
    this.mode = 'live';
    this.fixed = null;
    this.frozenAt = null;
    this.controls.setFrozen(false);
    $('model-source').textContent = '';
    if (this.runner.hasFit) this.runner.follow();
    else this.fit(true);
  }

  /** @param {File} file */
  async import(file) {
    try {
      const view = /** @type {FixedModelView} */ (await this.client.call('model.import', { text: await file.text() }));
      this.runner.pause();
      this.fixed = view;
      this.mode = 'fixed';
      this.fixedReason = '';
      this.frozenAt = null;
      this.frozenByPerson = true;
      this.controls.setFrozen(true);
      this.controls.setError(null, null);
      $('model-source').textContent = `Imported ${file.name}: untick "Freeze the model" to go back to the page's own fit.`;
      announce(`Imported the model in ${file.name}.`);
      this.drawWeights();
      this.evaluate();
    } catch (error) {
      const e = /** @type {WorkerError} */ (error);
      const message = `Could not import ${file.name}: ${e.message}. The model on screen is unchanged.`;
      this.controls.setError(null, message);
      announce(message);
    }
  }

  async download() {
    try {
      await Promise.all([this.runner.follows.settled(), this.evaluations.settled()]);
      const text = /** @type {string} */ (await this.client.call('model.artifact', { thresholds: undefined, options: { threshold: this.values.threshold } }));
      const params = this.world?.view.params;
      const name = params ? `conversion_model_seed-${params.seed}_rows-${params.rows}.json` : 'conversion_model.json';
      save(new Blob([text.endsWith('\n') ? text : `${text}\n`], { type: 'application/json' }), name);
    } catch (error) {
      this.fail(/** @type {WorkerError} */ (error));
    }
  }

  /**
   * The core refused an option (named by `error.field`) or a request failed:
   * say so, and for a refused option go back to its default.
   * @param {WorkerError} error
   */
  fail(error) {
    const field = error.field ?? '';
    const key = field.split('[')[0];
    if (key in this.values && key !== 'world') {
      const defaults = this.link.defaults();
      const message = `${key} ${error.problem ?? error.message}; using the default, ${defaults[key] === '' ? 'none' : defaults[key]}.`;
      this.controls.setError(key, message);
      announce(message);
      this.values = { ...this.values, [key]: defaults[key] };
      this.controls.setValues(this.values);
      this.writeHash();
      if (FIT_KEYS.includes(key)) this.fit(true, true);
      return;
    }
    this.controls.setError(null, `The model: ${error.message}.`);
    announce(`The model: ${error.message}.`);
  }
}

