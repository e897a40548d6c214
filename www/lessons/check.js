// Checking a learner's answer against a quantity measured now, and the
// learner's progress kept in the browser.
import { fromText } from '../app/link.js';
import { formatNumber } from '../app/format.js';

/** @typedef {import('./quantities.js').Measured} Measured */
/** @typedef {import('./table.js').Answer} Answer */

/**
 * The verdict on an answer: right, wrong, or not checkable yet (nothing
 * given, or the quantity cannot be measured on the view now).
 * @typedef {{verdict: 'right' | 'wrong' | 'open', message: string}} Verdict
 */

/**
 * A typed answer as a number: "0.98", "98%" (a share), "−0.5".
 * @param {string} text
 * @param {boolean} share the quantity is a share: a percentage is read as one
 * @returns {number | null}
 */
export function readAnswer(text, share) {
  const clean = text.trim().replace(/^[−–]/, '-');
  const percent = share && clean.endsWith('%');
  const value = fromText('number', percent ? clean.slice(0, -1) : clean);
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (percent || (share && value > 1 && value <= 100)) return value / 100;
  return value;
}

/**
 * Judges `given` (a typed text or a choice's value) against `measured`.
 * @param {string} given
 * @param {Answer} answer
 * @param {Measured} measured
 * @param {boolean} share
 * @returns {Verdict}
 */
export function judge(given, answer, measured, share) {
  if (measured.value === null) return { verdict: 'open', message: measured.hint };
  if (answer.kind === 'choice') {
    if (!given) return { verdict: 'open', message: 'Pick one of the answers first.' };
    return given === measured.value
      ? { verdict: 'right', message: 'Right: that is what the engine finds in your world.' }
      : { verdict: 'wrong', message: 'Not what the engine finds in your world.' };
  }
  const value = readAnswer(given, share);
  if (value === null) return { verdict: 'open', message: `Type a number${share ? ' (a share like 0.25, or 25%)' : ''}.` };
  const off = Math.abs(value - Number(measured.value));
  return off <= answer.tolerance
    ? { verdict: 'right', message: `Right, within ${formatNumber(answer.tolerance, tolerance(answer.tolerance))} of what the page measures.` }
    : { verdict: 'wrong', message: `Not within ${formatNumber(answer.tolerance, tolerance(answer.tolerance))} of what the page measures.` };
}

/**
 * Decimals enough to show a tolerance exactly (0.005 → 3).
 * @param {number} x
 */
export function tolerance(x) {
  const text = String(x);
  return text.includes('.') ? Math.min(text.split('.')[1].length, 6) : 0;
}

const KEY = 'conversion-playground.lessons';

/** The ids of the lessons answered right, kept in localStorage. */
export class Progress {
  constructor() {
    /** @type {Set<string>} */
    this.done = new Set();
    try {
      const saved = JSON.parse(localStorage.getItem(KEY) ?? '[]');
      if (Array.isArray(saved)) for (const id of saved) if (typeof id === 'string') this.done.add(id);
    } catch {
      // No storage (a private window) or a damaged entry: start afresh.
    }
  }

  /** @param {string} id */
  mark(id) {
    this.done.add(id);
    this.save();
  }

  reset() {
    this.done.clear();
    this.save();
  }

  save() {
    try {
      localStorage.setItem(KEY, JSON.stringify([...this.done]));
    } catch {
      // Storage full or refused: the progress lasts for this visit.
    }
  }
}
