// The sentence under the headline: what just changed, in words.
import { formatCount, formatPercent } from '../app/format.js';
import { show } from './controls.js';

/** @typedef {import('../pkg/conversion_playground.js').ParamInfo} ParamInfo */

/**
 * The world on screen at one moment.
 * @typedef {object} Snapshot
 * @property {import('../app/link.js').Values} values
 * @property {{rows: number, conversions: number, conversionRate: number}} summary
 */

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
  const users = formatCount(after.summary.rows);
  if (!field.slider) {
    const what = key === 'seed' ? `the seed to ${to}`
      : key === 'rows' ? `the number of users to ${formatCount(Number(to))}`
        : `${field.label.toLowerCase()} from ${from} to ${to}`;
    return `Changing ${what} drew a new set of users: ${rateTo} of ${users} convert (was ${rateFrom}).`;
  }
  const verb = Number(to) > Number(from) ? 'Raising' : 'Lowering';
  const name = field.group === 'weights' ? `the weight of ${field.label.toLowerCase()}` : field.label.toLowerCase();
  const delta = after.summary.conversions - before.summary.conversions;
  const sameUsers = after.summary.rows === before.summary.rows;
  const moved = sameUsers
    ? `: ${formatCount(Math.abs(delta))} ${delta >= 0 ? 'more' : 'fewer'} of ${users} users convert`
    : '';
  return `${verb} ${name} from ${show(from, field)} to ${show(to, field)} moved the conversion rate from ${rateFrom} to ${rateTo}${moved}.`;
}
