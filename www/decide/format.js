// Money and the decisions' numbers formatted for people, as the CLI prints
// them: money with cents and thousands separators and a plain minus, a half
// cent away from zero (the core's `money`, decide/economics.rs).
import { unsignedZero } from '../app/format.js';

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * An amount of money, e.g. -1234.5 → "-1,234.50" (never "-0.00").
 * @param {number} x
 */
export function formatMoney(x) {
  return unsignedZero(money.format(x));
}

/**
 * A threshold or probability to two decimals, e.g. 0.8 → "0.80".
 * @param {number} x
 */
export const formatThreshold = (x) => x.toFixed(2);

/**
 * A lift, e.g. 1.234 → "1.23×".
 * @param {number | null} x
 */
export const formatLift = (x) => (x === null ? '–' : `${x.toFixed(2)}×`);
