// Checks of what a person typed, before anything is sent to the generator.

const MAX_SEED = 18446744073709551615n;

/**
 * A seed as a decimal string, or an error message.
 * @param {string} text
 * @returns {{ok: true, value: string} | {ok: false, message: string}}
 */
export function checkSeed(text) {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'Enter a seed: a whole number from 0 to 18,446,744,073,709,551,615.' };
  if (/^-\d+$/.test(t)) return { ok: false, message: `The seed must not be negative (got ${t}).` };
  if (!/^\d+$/.test(t)) return { ok: false, message: `The seed must be a whole number (got “${t}”).` };
  if (BigInt(t) > MAX_SEED) return { ok: false, message: 'The seed must be at most 18,446,744,073,709,551,615 (2^64 − 1).' };
  return { ok: true, value: BigInt(t).toString() };
}

/**
 * A row count, or an error message.
 * @param {string} text
 * @param {number} maxRows
 * @returns {{ok: true, value: number} | {ok: false, message: string}}
 */
export function checkRows(text, maxRows) {
  const t = text.trim().replaceAll(',', '');
  if (!/^-?\d+$/.test(t)) return { ok: false, message: `The number of users must be a whole number (got “${text.trim()}”).` };
  const n = Number(t);
  if (n < 1) return { ok: false, message: 'The number of users must be at least 1.' };
  if (n > maxRows) return { ok: false, message: `The number of users must be at most ${maxRows.toLocaleString('en-US')}.` };
  return { ok: true, value: n };
}

/** A fresh random seed from the browser's cryptographic generator. */
export function randomSeed() {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return ((BigInt(words[0]) << 32n) | BigInt(words[1])).toString();
}
