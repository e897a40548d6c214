// The sentence under the headline: what just changed, in words.
import { fieldByKey } from './fields.js';
import { formatCount, formatPercent } from './format.js';

/**
 * @typedef {object} Snapshot
 * @property {Record<string, number|string>} values
 * @property {{rows: number, conversions: number, conversionRate: number}} summary
 */

/**
 * Explains the move from `before` to `after` when one control changed.
 * @param {string} key the field that moved
 * @param {Snapshot} before
 * @param {Snapshot} after
 */
export function explain(key, before, after) {
  const field = fieldByKey(key);
  if (!field) return '';
  const from = before.values[key];
  const to = after.values[key];
  const show = (/** @type {number|string} */ v) =>
    typeof v === 'number' && field.digits !== undefined ? v.toFixed(field.digits) : formatCount(Number(v));
  const rateFrom = formatPercent(before.summary.conversionRate);
  const rateTo = formatPercent(after.summary.conversionRate);
  const users = formatCount(after.summary.rows);
  if (key === 'seed' || key === 'rows' || field.group === 'advanced') {
    const what = key === 'seed' ? `the seed to ${to}` : key === 'rows' ? `the number of users to ${formatCount(Number(to))}` : `${field.label.toLowerCase()} from ${from} to ${to}`;
    return `Changing ${what} drew a new set of users: ${rateTo} of ${users} convert (was ${rateFrom}).`;
  }
  const verb = Number(to) > Number(from) ? 'Raising' : 'Lowering';
  const name = field.group === 'weights' ? `the weight of ${field.label.toLowerCase()}` : field.label.toLowerCase();
  const delta = after.summary.conversions - before.summary.conversions;
  const sameUsers = after.summary.rows === before.summary.rows;
  const moved = sameUsers
    ? `: ${formatCount(Math.abs(delta))} ${delta >= 0 ? 'more' : 'fewer'} of ${users} users convert`
    : '';
  return `${verb} ${name} from ${show(from)} to ${show(to)} moved the conversion rate from ${rateFrom} to ${rateTo}${moved}.`;
}
