// The uplift lab's numbers formatted for people, as `conversion experiment`
// prints them (text.rs and experiment_report.rs), so the page and the CLI
// read alike.
import { fixed } from '../model/format.js';

/**
 * A lift in percentage points, signed: "+9.62".
 * @param {number} x
 */
export function points(x) {
  const text = fixed(x, 2);
  return text.startsWith('-') || text === '0.00' ? text : `+${text}`;
}

/**
 * A p-value: "0.0326", or "1.9e-42" below 1 in 10,000, or "< 1e-300".
 * @param {number} p
 */
export function pValue(p) {
  if (p >= 1e-4) return p.toFixed(4);
  if (p > 1e-300) return p.toExponential(1).replace('e+', 'e');
  return '< 1e-300';
}

/**
 * Money with cents and thousands separators: "-1,234.50" (never "-0.00"),
 * as the decision panel writes it.
 */
export { formatMoney as money } from '../decide/format.js';

/**
 * A share as a signed percentage: "+18.7%".
 * @param {number} x
 */
export function signedPercent(x) {
  const text = `${(x * 100).toFixed(1)}%`;
  return text.startsWith('-') ? text : `+${text}`;
}
