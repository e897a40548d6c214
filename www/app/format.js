// Numbers and sentences formatted for people.

const whole = new Intl.NumberFormat('en-US');
const percent = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** @param {number} n e.g. 1234567 → "1,234,567" */
export const formatCount = (n) => whole.format(n);

/** @param {number} share e.g. 0.8612 → "86.1%" */
export const formatPercent = (share) => percent.format(share);

/**
 * Formatters of numbers with so many decimals, made once each:
 * `toLocaleString` with options makes one per call, and a lab view formats
 * hundreds of numbers.
 * @type {Map<number, Intl.NumberFormat>}
 */
const byDigits = new Map();

/** @param {number} digits */
function fixedDigits(digits) {
  let format = byDigits.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    byDigits.set(digits, format);
  }
  return format;
}

/**
 * A formatted number without the minus of one that rounds to zero: a sum of
 * a million effects that is −1e-13 reads "0.0", not "-0.0", as the CLI's
 * `decimal` writes it.
 * @param {string} text
 */
export const unsignedZero = (text) => (/^-[0.,]+$/.test(text) ? text.slice(1) : text);

/**
 * A number with `digits` decimals and a real minus sign, e.g. −2.45 (none
 * on a number that rounds to zero).
 * @param {number} x
 * @param {number} [digits]
 */
export function formatNumber(x, digits = 2) {
  const text = unsignedZero(fixedDigits(digits).format(x));
  return text.startsWith('-') ? `−${text.slice(1)}` : text;
}

/**
 * A count and its noun, singular for one: "1 user", "5,000 users".
 * @param {number} n
 * @param {string} noun the singular
 * @param {string} [plural]
 */
export const counted = (n, noun, plural = `${noun}s`) => `${formatCount(n)} ${n === 1 ? noun : plural}`;

/**
 * A name and what is wrong with it as one sentence, ending in exactly one
 * full stop: sentence('Seed', 'must be … (got "x")') → 'Seed must be … (got "x").'
 * @param {string} subject
 * @param {string} problem
 */
export function sentence(subject, problem) {
  const text = `${subject} ${problem}`.trim();
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
