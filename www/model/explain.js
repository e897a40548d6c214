// What the model panel says in words: why the learned weights are smaller
// than the generating ones (and how far the usual rule of thumb is from the
// exact limit), how the fit stopped or is going, and what a model that no
// longer follows its world is measured on.
import { formatCount, formatPercent } from '../app/format.js';
import { fixed } from './format.js';

/** @typedef {import('../pkg/conversion_playground.js').TruthView} TruthView */
/** @typedef {import('../pkg/conversion_playground.js').FitProgress} FitProgress */
/** @typedef {import('../pkg/conversion_playground.js').FittedModel} FittedModel */
/** @typedef {import('../pkg/conversion_playground.js').FixedModelView} FixedModelView */
/** @typedef {import('../pkg/conversion_playground.js').Metrics} Metrics */
/** @typedef {import('../pkg/conversion_playground.js').SignalName} SignalName */

/**
 * Why learned < generating, with this world's numbers.
 * @param {TruthView} truth
 * @param {number} conversionRate the world's
 * @param {string[]} leftOutNames signals left out, for people
 */
export function whyShrunk(truth, conversionRate, leftOutNames) {
  const sigma = truth.noiseSigma;
  const slopes = truth.generating.slice(0, 7)
    .map((g, k) => ({ g, b: truth.best[k], used: truth.used[k] }))
    .filter((w) => w.used && Math.abs(w.g) > 1e-9);
  const ratios = slopes.map((w) => w.b / w.g);
  const low = Math.min(...ratios);
  const high = Math.max(...ratios);
  const shrink = ratios.length ? (low.toFixed(2) === high.toFixed(2) ? low.toFixed(2) : `${low.toFixed(2)}–${high.toFixed(2)}`) : '–';
  const rule = 1 / Math.sqrt(1 + (Math.PI * sigma * sigma) / 8);
  let text;
  if (sigma === 0) {
    text = 'With no noise (σ = 0) what the signals tell is the whole story: q(x) is the sigmoid of s(x) itself, so the best possible weights are the generating ones and the learned weights converge to them.';
  } else {
    text = `Why are the learned weights smaller than the generating ones? The noise (σ = ${sigma.toFixed(2)}) sits inside the logistic: users with the same signals convert at different rates, so all a model of the signals can learn is their average, q(x) = E[sigmoid(s(x) + σz)], a flatter curve than sigmoid(s(x)). The logistic curve closest to it has smaller weights: here the best possible is ${shrink} × the generating ${ratios.length === 1 ? 'weight' : 'weights'}, and with unlimited data the learned weights converge there, never to the generating ones.`;
    text += ` A common rule of thumb shrinks every weight by 1/√(1 + πσ²/8) = ${rule.toFixed(3)}: it approximates the logistic curve by the normal one and holds only near 50% conversion; at ${formatPercent(conversionRate)} conversion the exact factor is ${shrink}.`;
  }
  if (leftOutNames.length) {
    text += ` With ${leftOutNames.join(' and ')} left out, the other weights move too although the signals are independent: logistic regression is not collapsible (averaging over a signal the model does not see flattens the curve, as noise does), and the best possible weights follow the same model.`;
  }
  return text;
}

/**
 * How the fit stopped (or that it runs).
 * @param {FitProgress} progress
 */
export function stopWords(progress) {
  switch (progress.stop) {
    case 'running': return progress.iterations ? 'fitting…' : 'not fitted yet';
    case 'converged': return 'converged (the gradient is below the tolerance)';
    case 'iteration_cap': return 'stopped at the iteration cap before converging';
    case 'diverged': return 'diverged: the loss rose instead of falling, so the learning rate is too high (the weights shown are the last finite ones)';
    case 'one_class': return 'every training user has the same label: only the rate can be learned';
  }
}

/**
 * How the descent is going, in words ('' when there is nothing to say).
 * @param {FitProgress} progress
 */
export function paceWords(progress) {
  const pace = progress.pace;
  if (!pace || pace.kind === 'steady') return '';
  if (pace.kind === 'overshooting') return 'Overshooting: the loss rose in several of the last steps. The learning rate is too high.';
  const needed = pace.iterationsNeeded >= 1e12 ? 'forever' : `about ${formatCount(Math.round(pace.iterationsNeeded))} more iterations`;
  return `Crawling: at this pace the fit needs ${needed}. The learning rate is too low (or pick whitened descent).`;
}

/**
 * The separation warning ('' when the data are not separable).
 * @param {FittedModel} model
 */
export function separationWords(model) {
  if (model.separation === 'separable') return 'The data are perfectly separable: every training user is on the right side of 0.5, so no finite weights maximise the likelihood; the weights grow the longer the fit runs, and their size (and odds ratios) mean nothing.';
  if (model.separation === 'nearly_separable') return 'The data look nearly separable: some group of users is almost perfectly predicted, so a weight is huge and poorly determined. Read its size as "very large", nothing more.';
  return '';
}

/**
 * What a model that no longer follows the world is, and what it is measured on.
 * @param {FixedModelView} view
 * @param {{iterations: number, logLoss: number | null} | null} frozenAt
 * @param {Metrics} now
 * @param {string} reason why it does not follow (frozen, auto-refit off, imported)
 */
export function fixedWords(view, frozenAt, now, reason) {
  const nowLoss = fixed(now.logLoss.value);
  const floor = now.irreducibleLogLoss === null ? '' : ` The irreducible log-loss of these users is ${fixed(now.irreducibleLogLoss)}.`;
  if (view.source === 'imported') {
    const seed = view.seed === null ? 'an unknown seed' : `seed ${view.seed}`;
    return `Imported model (trained on ${formatCount(view.trainingRows)} users of ${seed}, a ${view.start} fit), measured on this world's ${formatCount(now.users)} held-out users through an explicit evaluation on another world: held-out log-loss ${nowLoss}.${floor} If it was trained on this very world, some of these users trained it and the metrics flatter it.`;
  }
  const before = frozenAt && frozenAt.logLoss !== null ? ` Its held-out log-loss was ${fixed(frozenAt.logLoss)} when it stopped following and is ${nowLoss} now.` : ` Its held-out log-loss is ${nowLoss}.`;
  return `${reason} The weights stay as learned${frozenAt ? ` (iteration ${frozenAt.iterations})` : ''} while the world moves, so the metrics and the calibration show a model decaying on a drifted world.${before}${floor}`;
}

/**
 * Where the live model comes from, and the command that gives the same
 * coefficients for the downloaded CSV.
 * @param {FittedModel} model
 * @param {Record<string, string | number>} values the model's link values
 */
export function sourceWords(model, values) {
  const flags = [`--test-fraction ${values.testFraction}`, `--split-seed ${values.splitSeed}`];
  if (values.optimizer !== 'whitened') flags.push(`--optimizer ${values.optimizer}`, `--learning-rate ${values.learningRate}`);
  if (Number(values.l2) > 0) flags.push(`--l2 ${values.l2}`);
  if (String(values.leaveOut)) flags.push(`--leave-out ${values.leaveOut}`);
  const command = `conversion fit FILE ${flags.join(' ')} --output model.json`;
  return model.start === 'cold'
    ? `A cold fit (from weights 0): Download model gives the coefficients that ${command} gives for the downloaded CSV, bit for bit.`
    : `A warm refit (from the weights before the world moved): the same optimum as a cold fit within the tolerance, not the same bits. Press Fit for the cold fit that ${command} reproduces bit for bit.`;
}
