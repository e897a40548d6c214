// The uplift lab's sentences: what the numbers on screen say, in words,
// from the core's LabView (no number here is the page's own).
import { counted, formatCount } from '../app/format.js';
import { fixed } from '../model/format.js';
import { money, points, pValue, signedPercent } from './format.js';
import { percent, POLICY_NAMES } from './tables.js';

/** @typedef {import('../pkg/conversion_playground.js').LabView} LabView */
/** @typedef {import('../pkg/conversion_playground.js').Reruns} Reruns */

/**
 * The offer's mean effect, and what no experiment can see.
 * @param {LabView} view
 */
export function effectWords(view) {
  const g = view.groups;
  return `On average the offer adds ${points(view.meanEffectPoints)} points to a user's chance of converting `
    + `(q1 − q0, the noise averaged out; ${points(view.meanEffectWithNoisePoints)} with each user's own noise). `
    + `As these users' draws fall, it wins ${counted(g.persuadables, 'persuadable')} and loses ${counted(g.sleepingDogs, 'sleeping dog')}: `
    + `${points(view.realizedEffectPoints)} points. The groups are a modelling choice the lab can afford: it drew both outcomes `
    + 'of every user; an experiment sees one outcome per user and can never say who is which.';
}

/**
 * Why "high intent" is mostly sure things.
 * @param {LabView} view
 */
export function bandWords(view) {
  const bands = view.bands;
  if (!bands) return 'The intent bands appear once the model panel has fitted a model.';
  const high = bands.find((b) => b.segment === 'high_intent');
  const medium = bands.find((b) => b.segment === 'medium_intent');
  if (!high || !high.users || high.wastedShare === null) return 'No user is in the high-intent band of this model.';
  const sure = high.groups.sureThings / high.users;
  let text = `Of the ${formatCount(high.users)} users the model calls high intent, ${percent(sure)} are sure things: they convert anyway, `
    + `so an offer only gives them the discount; ${percent(high.groups.persuadables / high.users)} are persuadables. `;
  if (medium?.meanEffectPoints !== null && medium?.meanEffectPoints !== undefined && high.meanEffectPoints !== null) {
    text += `A push on the log-odds moves a probability most where it is near 50%, the steep middle of the S: the offer adds `
      + `${points(high.meanEffectPoints)} points in the high band and ${points(medium.meanEffectPoints)} in the medium one.`;
  }
  return text;
}

/**
 * The case study's policy against the others, at the budget.
 * @param {LabView} view
 */
export function policyWords(view) {
  const find = (/** @type {string} */ p) => view.policies.find((x) => x.policy === p);
  const model = find('model_probability');
  const learned = find('learned') ?? find('best_possible');
  const budget = `${percent(view.budget.share)} of users (${counted(view.budget.users, 'offer')})`;
  if (!model || !learned) return `A budget of ${budget}.`;
  const m = model.atBudget;
  const wasted = m.offers ? (m.groups.sureThings + m.groups.lostCauses + m.groups.sleepingDogs) / m.offers : 0;
  return `Offering ${budget} by the model's probability adds ${fixed(m.incremental, 1)} conversions and makes `
    + `${money(m.profit)}: ${percent(wasted)} of its offers go to users the offer does not change (${formatCount(Math.round(m.groups.sureThings))} `
    + `sure things among them, each taking the discount). By the ${POLICY_NAMES[learned.policy]} the same budget adds `
    + `${fixed(learned.atBudget.incremental, 1)} and makes ${money(learned.atBudget.profit)}. A probability is not a decision.`;
}

/**
 * The experiment as an analyst reads it, and the truth beside it.
 * @param {LabView} view
 */
export function experimentWords(view) {
  const e = view.experiment;
  const a = e.analysis;
  if (!a) return `No experiment to read: ${e.problem ?? 'an arm is empty'}.`;
  const relative = a.relativeLift
    ? `, relative ${signedPercent(a.relativeLift.value)} (95% interval ${signedPercent(a.relativeLift.low)} to ${signedPercent(a.relativeLift.high)})`
    : '';
  return `Lift ${points(a.liftPoints.value)} points (95% interval ${points(a.liftPoints.low)} to ${points(a.liftPoints.high)})${relative}; `
    + `z = ${fixed(a.z, 2)}, p-value ${pValue(a.pValue)}: ${a.significant ? 'significant' : 'not significant'} at 5%. `
    + `The lab knows what the interval aims at, these users' mean of Y1 − Y0: ${points(view.realizedEffectPoints)} points; `
    + `this interval ${e.coversTruth ? 'covers it' : 'misses it'}.`;
}

/**
 * How many users a test needs.
 * @param {LabView} view
 */
export function powerWords(view) {
  const p = view.experiment.power;
  const a = view.experiment.analysis;
  const smaller = a ? Math.min(a.treated.users, a.control.users) : 0;
  const minimum = p.usersPerArm === null || p.baselineRate === null
    ? 'no sample size: the treated rate would leave 0 to 1'
    : `${formatCount(p.usersPerArm)} users per arm (this experiment's smaller arm has ${formatCount(smaller)})`;
  const truth = p.usersPerArmForTrueEffect === null
    ? 'the true effect is 0: no sample size detects it'
    : `${formatCount(p.usersPerArmForTrueEffect)} users per arm`;
  return `To detect a lift of ${fixed(p.minimumEffectPoints, 2)} points over the control rate `
    + `${p.baselineRate === null ? '–' : percent(p.baselineRate)} with 80% power (two-sided 5% test): ${minimum}. `
    + `To detect the true effect, ${points(p.trueEffectPoints)} points over ${percent(p.trueBaselineRate)} (the lab knows it; an analyst `
    + `would have to assume it, never take the observed lift, which is post-hoc power): ${truth}; this experiment's power: `
    + `${percent(p.powerForTrueEffect)}.`;
}

/**
 * The learned model as an analyst measures it.
 * @param {LabView} view
 */
export function learnedWords(view) {
  if (!view.learned) return 'Learning the uplift model from this experiment (two logistic fits)…';
  const q = view.learned.observed;
  const truth = view.policies.find((p) => p.policy === 'learned');
  return `The uplift model learned from the experiment scores ${fixed(q.qini, 4)} on the ${formatCount(q.users)} held-out users, `
    + 'the Qini an analyst can measure (from their arms and outcomes only)'
    + (truth ? `; judged by the true effect on every user, ${fixed(truth.qini, 4)}.` : '.');
}

/**
 * Twenty experiments on the same users.
 * @param {Reruns} r
 */
export function rerunWords(r) {
  return `The test detected the true effect in ${r.detected} of ${r.runs.length} experiments (the formula's power for `
    + `experiments this size: ${percent(r.expectedPower)}); ${r.covered} of ${r.runs.length} intervals covered the users' `
    + `true mean effect, ${points(r.realizedEffectPoints)} points.`;
}
