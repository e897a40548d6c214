// The sentences that say what changed and why, in plain words. The facts
// (rates, mean scores, spreads, where the users sit on the S) come from the
// core's View; this module only puts them into words.
import { counted, formatCount, formatNumber, formatPercent } from '../app/format.js';
import { show } from './controls.js';

/** @typedef {import('../pkg/conversion_playground.js').ParamInfo} ParamInfo */
/** @typedef {import('../pkg/conversion_playground.js').ScoreView} ScoreView */

/**
 * The world on screen at one moment.
 * @typedef {object} Snapshot
 * @property {import('../app/link.js').Values} values
 * @property {{rows: number, conversions: number, conversionRate: number}} summary
 * @property {ScoreView} scores
 */

/**
 * Why the users convert at the rate they do, given where they sit on the S:
 * the sentence under the score chart.
 * @param {ScoreView} v
 */
export function whyTheRate(v) {
  const at = `the curve at their mean score, ${formatNumber(v.meanScore)}, gives ${formatPercent(v.rateAtMeanScore)}`;
  const rate = formatPercent(v.conversionRate);
  if (v.sits === 'top') {
    return `Most users sit on the flat top of the S: ${at}, yet ${rate} convert. Users below the mean slide down `
      + 'the steep side and lose far more than users above it can gain, since nobody goes past 100%. '
      + 'So spreading the scores (more noise) pulls the rate down.';
  }
  if (v.sits === 'bottom') {
    return `Most users sit on the flat bottom of the S: ${at}, yet ${rate} convert. Users above the mean climb `
      + 'the steep side and gain far more than users below it can lose, since nobody goes under 0%. '
      + 'So spreading the scores (more noise) pulls the rate up.';
  }
  return `Most users sit around the steep middle of the S: ${at}, close to the ${rate} who convert. `
    + 'Here a spread lifts about as many users as it lowers, so noise moves the rate little.';
}

/**
 * Why a change of the noise σ moved the rate the way it did.
 * @param {Snapshot} before
 * @param {Snapshot} after
 */
function whyNoise(before, after) {
  const more = after.scores.spreadScore > before.scores.spreadScore;
  // Where they sit is clearest in the world with more noise.
  const v = more ? after.scores : before.scores;
  const spread = `the spread of their scores went from ${formatNumber(before.scores.spreadScore)} to ${formatNumber(after.scores.spreadScore)}`;
  const rose = after.summary.conversionRate > before.summary.conversionRate;
  const where = v.sits === 'top' ? 'on the flat top of the S' : v.sits === 'bottom' ? 'on the flat bottom of the S' : 'around its steep middle';
  const expected = v.sits === 'middle' ? null : (v.sits === 'top') !== more;
  if (expected === null) {
    return `Why: ${spread}, but most users sit ${where}, where a spread lifts about as many as it lowers.`;
  }
  if (expected !== rose) {
    return `Why: ${spread}; most users sit ${where}, which pulls the rate the other way, but a change this small is within the chance of ${counted(after.summary.rows, 'user')}' draws.`;
  }
  const push = v.sits === 'top'
    ? 'a spread pushes more of them down the steep side than it can lift above the top'
    : 'a spread lifts some of them up the steep side while the rest cannot fall below 0%';
  return `Why: ${spread}. Most users sit ${where} (mean score ${formatNumber(v.meanScore)}, where the curve gives `
    + `${formatPercent(v.rateAtMeanScore)}), and there ${push}.`;
}

/**
 * Explains the move from `before` to `after` when one control changed.
 * @param {ParamInfo} field the parameter that moved
 * @param {Snapshot} before
 * @param {Snapshot} after
 */
export function explain(field, before, after) {
  const key = field.key;
  const from = before.values[key];
  const to = after.values[key];
  const rateFrom = formatPercent(before.summary.conversionRate);
  const rateTo = formatPercent(after.summary.conversionRate);
  const users = counted(after.summary.rows, 'user');
  if (!field.slider) {
    const what = key === 'seed' ? `the seed to ${to}`
      : key === 'rows' ? `the number of users to ${formatCount(Number(to))}`
        : `${field.label.toLowerCase()} from ${show(from, field)} to ${show(to, field)}`;
    return `Changing ${what} drew a new set of users: ${rateTo} of ${users} convert (was ${rateFrom}). `
      + `Their mean score is ${formatNumber(after.scores.meanScore)} (was ${formatNumber(before.scores.meanScore)}).`;
  }
  const verb = Number(to) > Number(from) ? 'Raising' : 'Lowering';
  const name = field.group === 'weights' ? `the weight of ${field.label.toLowerCase()}` : field.label.toLowerCase();
  const delta = after.summary.conversions - before.summary.conversions;
  const sameUsers = after.summary.rows === before.summary.rows;
  const moved = sameUsers
    ? `: ${formatCount(Math.abs(delta))} ${delta >= 0 ? 'more' : 'fewer'} of ${users} convert`
    : '';
  const what = `${verb} ${name} from ${show(from, field)} to ${show(to, field)} moved the conversion rate from ${rateFrom} to ${rateTo}${moved}.`;
  if (key === 'noiseSigma') return `${what} ${whyNoise(before, after)}`;
  const shift = after.scores.meanScore - before.scores.meanScore;
  const whose = key === 'baseline' ? "every user's score"
    : field.group === 'weights' ? `each user's score in proportion to their ${field.label.toLowerCase()}`
      : `the scores of the ${key.split('.')[1].replace('_', ' ')} users`;
  return `${what} Why: it moved ${whose} ${shift >= 0 ? 'up' : 'down'} the S (the mean score by `
    + `${formatNumber(Math.abs(shift))}, to ${formatNumber(after.scores.meanScore)}, where the curve gives `
    + `${formatPercent(after.scores.rateAtMeanScore)}).`;
}
