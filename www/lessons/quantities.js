// The live quantities a lesson's answer is checked against. Each is read
// from the panels on screen (what the page shows for the learner's world,
// seed and all) or asked of the worker's engine, never stored: a learner
// who changed the seed is checked on their own data.
import { formatCount, formatNumber, formatPercent } from '../app/format.js';
import { formatMoney } from '../decide/format.js';

/** @typedef {import('../pkg/conversion_playground.js').View} View */
/** @typedef {import('../pkg/conversion_playground.js').Flips} Flips */
/** @typedef {import('../pkg/conversion_playground.js').GeneratorParams} GeneratorParams */
/** @typedef {import('../model/panel.js').ModelPanel} ModelPanel */
/** @typedef {import('../decide/panel.js').DecidePanel} DecidePanel */
/** @typedef {import('../uplift/panel.js').UpliftPanel} UpliftPanel */

/**
 * What the quantities read: the panels and the worker.
 * @typedef {object} Live
 * @property {() => View | null} world the world on screen
 * @property {ModelPanel} model
 * @property {DecidePanel} decide
 * @property {UpliftPanel} uplift
 * @property {(type: string, payload: unknown) => Promise<unknown>} call a request to the worker
 * @property {Map<number, number[]>} widths each size's 95% interval widths of the five signals, as the model panel showed them
 */

/**
 * A quantity measured now: its value and the words that say how, or why it
 * cannot be measured yet (`value: null`) and what to do.
 * @typedef {{value: number | string, words: string} | {value: null, hint: string}} Measured
 */

/**
 * What a lesson may set for its quantity: the parameter the learner moves,
 * from where (lesson 2's "before").
 * @typedef {{from?: Record<string, number>}} Setup
 */

/**
 * A live quantity.
 * @typedef {object} Quantity
 * @property {string} label what it is, for a teacher's list
 * @property {'number' | 'choice'} kind
 * @property {boolean} [share] a share: answers may be typed as percentages
 * @property {(live: Live, setup: Setup) => Measured | Promise<Measured>} read
 */

const SIGNALS = /** @type {const} */ (['days_since_signup', 'sessions_7d', 'content_hours_7d', 'downloads_7d', 'paywall_views_7d']);

/** @param {string} hint @returns {Measured} */
const notYet = (hint) => ({ value: null, hint });

/** @param {Live} live */
function generated(live) {
  const view = live.world();
  return view && !view.imported ? view : null;
}

/**
 * The score where the page's S-curve crosses 0.5, read off its points.
 * @param {Live} live
 * @returns {Measured}
 */
function halfScore(live) {
  const s = generated(live)?.scores;
  if (!s) return notYet('The S-curve needs a generated world.');
  const i = s.curve.findIndex((p) => p >= 0.5);
  if (i <= 0) return notYet('The curve on screen does not cross 0.5.');
  const [a, b] = [s.curve[i - 1], s.curve[i]];
  const at = s.start + (i - 1 + (0.5 - a) / (b - a)) * s.curveStep;
  return { value: at, words: `The page's S-curve passes 50% at a score of ${formatNumber(at)}: p = 1 / (1 + e^−score) is ½ exactly when e^−score = 1.` };
}

/**
 * Who raising (or lowering) a weight flipped, from the engine: the users
 * labelled under the lesson's starting value and under the value now.
 * @param {Live} live
 * @param {Setup} setup
 * @returns {Promise<Measured>}
 */
async function whoFlipped(live, setup) {
  const view = generated(live);
  if (!view) return notYet('Flips need a generated world: its users and their draws.');
  /** @type {Record<string, any>} */
  const before = structuredClone(view.params);
  let moved = false;
  for (const [key, value] of Object.entries(setup.from ?? {})) {
    const path = key.split('.');
    let node = before;
    for (const part of path.slice(0, -1)) node = node[part];
    moved ||= node[path[path.length - 1]] !== value;
    node[path[path.length - 1]] = value;
  }
  if (!moved) return notYet('Move the weight first: nothing has changed yet.');
  const flips = /** @type {Flips} */ (await live.call('world.flips', before));
  const flipped = flips.started + flips.stopped;
  if (flipped === 0) return { value: 'nobody', words: `Of ${formatCount(flips.users)} users, ${formatCount(flips.moved)} had their score moved, and none of them crossed their own draw u.` };
  const fewest = flips.smallest?.downloads_7d ?? 0;
  const words = `${formatCount(flips.started)} users started converting and ${formatCount(flips.stopped)} stopped; `
    + `every one of them had at least ${formatCount(fewest)} download${fewest === 1 ? '' : 's'}${flips.largest ? ` (at most ${formatCount(flips.largest.downloads_7d)})` : ''}. `
    + `${formatCount(flips.moved)} users' scores moved at all (those with a download), and ${formatCount(flips.flippedUnmoved)} users whose score stayed put flipped: each keeps their own noise z and draw u, so a label flips only when p crosses u.`;
  const e = flips.examples[0];
  const example = e
    ? ` User ${formatCount(e.user + 1)}, for one, with ${formatCount(e.signals.downloads_7d)} download${e.signals.downloads_7d === 1 ? '' : 's'}: p went from ${formatNumber(e.probabilityBefore, 3)} to ${formatNumber(e.probabilityAfter, 3)} across their u = ${formatNumber(e.draw, 3)}.`
    : '';
  return { value: fewest >= 1 ? 'withDownloads' : 'everyone', words: words + example };
}

/**
 * Which way the best-possible (and learned) weights sit from the generating
 * ones: the mean of |best| / |generating| over the five signals.
 * @param {Live} live
 * @returns {Measured}
 */
function shrink(live) {
  const truth = live.model.truth;
  const view = generated(live);
  if (!truth || !view) return notYet('Wait for the model panel: it needs the best-possible weights of a generated world.');
  const ratios = SIGNALS.map((_, i) => i).filter((i) => truth.used[i] && Math.abs(truth.generating[i]) > 1e-9)
    .map((i) => Math.abs(truth.best[i]) / Math.abs(truth.generating[i]));
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  const learned = live.model.rows.slice(0, SIGNALS.length).map((r, i) => Math.abs(r.weight) / Math.abs(truth.generating[i]));
  const learnedWords = learned.length === SIGNALS.length
    ? `, and the model learned ${formatPercent(learned.reduce((a, b) => a + b, 0) / learned.length)}`
    : '';
  const value = mean < 0.98 ? 'towards0' : mean > 1.02 ? 'away' : 'same';
  return {
    value,
    words: `At σ = ${formatNumber(view.params.noiseSigma)} the best any logistic model can learn keeps on average ${formatPercent(mean)} of each generating weight${learnedWords}: with the noise averaged out, q(x) is flatter than each user's own p.`,
  };
}

/**
 * How many times narrower the page's intervals got from the smallest world
 * fitted during the lesson to the largest.
 * @param {Live} live
 * @returns {Measured}
 */
function narrowing(live) {
  const sizes = [...live.widths.keys()].sort((a, b) => a - b);
  if (sizes.length < 2) return notYet('Let the model fit at both sizes first: 1,000 users, then 100,000.');
  const [small, large] = [sizes[0], sizes[sizes.length - 1]];
  const [a, b] = [/** @type {number[]} */ (live.widths.get(small)), /** @type {number[]} */ (live.widths.get(large))];
  const ratio = a.reduce((sum, w, i) => sum + w / b[i], 0) / a.length;
  return {
    value: ratio,
    words: `On the page the five signals' 95% intervals were, on average, ${formatNumber(ratio, 1)} times narrower at ${formatCount(large)} users than at ${formatCount(small)} (√(${formatCount(large)} / ${formatCount(small)}) = ${formatNumber(Math.sqrt(large / small), 1)}): a width shrinks as 1 / √n.`,
  };
}

/**
 * The held-out metrics of the model on screen.
 * @param {Live} live
 */
function metrics(live) {
  return live.model.evaluation?.metrics ?? null;
}

/** @param {Live} live @returns {Measured} */
function majorityAccuracy(live) {
  const m = metrics(live);
  if (!m) return notYet('Wait for the model to be measured.');
  const auc = m.auc ? `, while its AUC is ${formatNumber(m.auc.value, 3)} (0.5 is a coin toss)` : '';
  return {
    value: m.majorityAccuracy,
    words: `${formatPercent(m.baseRate)} of the ${formatCount(m.users)} held-out users converted, so "nobody converts" is right for ${formatPercent(m.majorityAccuracy)} of them. The model's accuracy is ${formatPercent(m.accuracy.value)}${auc}: AUC asks how well it ranks converters above the rest, which saying "no" to everyone never does.`,
  };
}

/** @param {Live} live @returns {Measured} */
function accuracy(live) {
  const m = metrics(live);
  return m ? { value: m.accuracy.value, words: `The model's held-out accuracy is ${formatPercent(m.accuracy.value)}.` } : notYet('Wait for the model to be measured.');
}

/** @param {Live} live @returns {Measured} */
function auc(live) {
  const m = metrics(live);
  return m?.auc ? { value: m.auc.value, words: `The model's held-out AUC is ${formatNumber(m.auc.value, 3)}.` } : notYet('Wait for the model to be measured.');
}

/**
 * The threshold with the most expected profit on the decisions panel's
 * curve, and how far the realised profit on the held-out labels is there.
 * @param {Live} live
 * @returns {Measured}
 */
function bestThreshold(live) {
  const policies = live.decide.view?.policies;
  if (!policies) return notYet('Wait for the decisions panel: it prices the model\'s thresholds.');
  const { best } = policies.model;
  const { valuePerConversion: value, costPerContact: cost } = policies.economics;
  const wander = best.realisedProfit - best.expectedProfit;
  const ratio = value > 0 ? ` Cost / value = ${formatNumber(cost / value, 3)}: for a calibrated model, contacting is worth it when p × value ≥ cost.` : '';
  return {
    value: best.threshold,
    words: `The expected-profit curve peaks at p ≥ ${formatNumber(best.threshold)} (${formatCount(best.contacted)} held-out users, ${formatMoney(best.expectedProfit)}).${ratio} The labels of those users brought ${formatMoney(best.realisedProfit)}: ${formatMoney(Math.abs(wander))} ${wander >= 0 ? 'more' : 'less'} than expected, the luck of one finite sample.`,
  };
}

/**
 * Whether the model on screen predicts too low, too high or about right on
 * the held-out users: its mean prediction against their rate.
 * @param {Live} live
 * @returns {Measured}
 */
function calibration(live) {
  const m = metrics(live);
  if (!m) return notYet('Wait for the model to be measured.');
  if (live.model.mode !== 'fixed') return notYet('The model must stay as it was: tick "Freeze the model" (or keep auto-refit off), then move the weight.');
  let [users, predicted] = [0, 0];
  for (const bin of m.calibration) {
    users += bin.users;
    predicted += (bin.meanPredicted ?? 0) * bin.users;
  }
  const mean = predicted / Math.max(users, 1);
  const gap = m.baseRate - mean;
  const value = gap > 0.01 ? 'under' : gap < -0.01 ? 'over' : 'calibrated';
  return {
    value,
    words: `The frozen model predicts ${formatPercent(mean)} on average; ${formatPercent(m.baseRate)} of the held-out users convert in the world now. Its calibration points leave the diagonal: the world moved, the model did not.`,
  };
}

/**
 * The intent band whose offers add the most conversions each: persuadables
 * less sleeping dogs per user of the band (the uplift lab's band table).
 * @param {Live} live
 * @returns {Measured}
 */
function upliftBand(live) {
  const bands = live.uplift.view?.bands?.filter((b) => b.users > 0);
  if (!bands?.length) return notYet('Wait for the uplift lab: it needs a model and an offer.');
  const added = bands.map((b) => ({ segment: b.segment, each: (b.groups.persuadables - b.groups.sleepingDogs) / b.users }));
  const best = added.reduce((a, b) => (b.each > a.each ? b : a));
  const each = added.map((b) => `${b.segment.replace('_', ' ')}: ${formatNumber(100 * b.each, 1)}`).join('; ');
  return {
    value: best.segment,
    words: `Conversions added per 100 offers (persuadables less sleeping dogs, per user of the band): ${each}.`,
  };
}

/**
 * A signal's weight as the page shows it: learned (model) or best possible.
 * @param {'learned' | 'best'} which
 * @param {number} i the signal's place
 * @returns {(live: Live) => Measured}
 */
function weight(which, i) {
  return (live) => {
    const rows = live.model.mode === 'fixed' && live.model.fixed ? live.model.fixed.rows : live.model.rows;
    const w = which === 'learned' ? rows[i]?.weight : live.model.truth?.best[i];
    if (w === undefined) return notYet('Wait for the model panel.');
    return { value: w, words: `The ${which === 'learned' ? 'learned' : 'best-possible'} weight on screen is ${formatNumber(w, 3)}.` };
  };
}

/** @type {Record<string, Quantity>} */
export const QUANTITIES = {
  rate: {
    label: 'the conversion rate',
    kind: 'number',
    share: true,
    read: (live) => {
      const view = live.world();
      return view ? { value: view.summary.conversionRate, words: `${formatPercent(view.summary.conversionRate)} of the ${formatCount(view.summary.rows)} users convert.` } : notYet('Wait for the world.');
    },
  },
  halfScore: { label: 'the score at a 50% chance', kind: 'number', read: halfScore },
  ...Object.fromEntries(SIGNALS.flatMap((s, i) => [
    [`learned.${s}`, { label: `the learned weight of ${s}`, kind: 'number', read: weight('learned', i) }],
    [`best.${s}`, { label: `the best-possible weight of ${s}`, kind: 'number', read: weight('best', i) }],
  ])),
  accuracy: { label: "the model's accuracy", kind: 'number', share: true, read: accuracy },
  majorityAccuracy: { label: 'the accuracy of "nobody converts"', kind: 'number', share: true, read: majorityAccuracy },
  auc: { label: "the model's AUC", kind: 'number', read: auc },
  bestThreshold: { label: 'the most profitable threshold', kind: 'number', read: bestThreshold },
  narrowing: { label: 'how many times narrower the intervals got', kind: 'number', read: narrowing },
  whoFlipped: { label: 'who the downloads weight flipped', kind: 'choice', read: whoFlipped },
  shrink: { label: 'which way noise moves the weights', kind: 'choice', read: shrink },
  calibration: { label: 'the frozen model\'s calibration', kind: 'choice', read: calibration },
  upliftBand: { label: 'the band with the most added conversions per offer', kind: 'choice', read: upliftBand },
};

/** The quantities a teacher may check a typed answer against, in list order. */
export const TEACHABLE = Object.keys(QUANTITIES).filter((key) => QUANTITIES[key].kind === 'number' && key !== 'narrowing');
