// Numbers of the model panel formatted for people, as the CLI prints them
// (weights to 4 decimals, plain minus signs, so the page and `conversion
// fit` read alike).
import { formatPercent, unsignedZero } from '../app/format.js';

/**
 * A number to `digits` decimals ("–" when absent), as the CLI's `decimal`
 * writes it: no minus on a zero, and e-notation from a million on (a
 * separable fit's weights can be that large).
 * @param {number | null | undefined} x
 * @param {number} [digits]
 */
export function fixed(x, digits = 4) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 1e6) return x.toExponential(3).replace('e+', 'e');
  return unsignedZero(x.toFixed(digits));
}

/**
 * An interval as `low – high`.
 * @param {number | null | undefined} low
 * @param {number | null | undefined} high
 * @param {number} [digits]
 */
export function range(low, high, digits = 4) {
  if (low === null || low === undefined || high === null || high === undefined) return '–';
  return `${fixed(low, digits)} – ${fixed(high, digits)}`;
}

/**
 * A share with its interval, as percentages.
 * @param {{value: number, low: number, high: number}} e
 */
export function shareRange(e) {
  return `${formatPercent(e.low)} – ${formatPercent(e.high)}`;
}

/**
 * A learning rate or L2 strength: up to 3 significant digits, plainly.
 * @param {number} x
 */
export function strength(x) {
  if (x === 0) return 'off';
  return Number(x.toPrecision(2)).toString();
}
