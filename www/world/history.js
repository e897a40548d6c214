// Undo and redo over the control values: each committed change (a slider
// let go or stepped by a key, a field entered, a preset, a reset) is one
// step; the values of a slider mid-drag are not.

/** @typedef {import('../app/link.js').Values} Values */

/** Steps kept to go back. */
const LIMIT = 200;

/**
 * @param {Values} a
 * @param {Values} b
 */
const same = (a, b) => Object.keys(a).length === Object.keys(b).length
  && Object.keys(a).every((k) => String(a[k]) === String(b[k]));

export class History {
  /** @param {Values} now the values on screen */
  constructor(now) {
    this.now = now;
    /** @type {Values[]} */
    this.back = [];
    /** @type {Values[]} */
    this.forward = [];
  }

  /**
   * The values now on screen after a committed change: a step to undo, when
   * they differ from the last step's.
   * @param {Values} values
   */
  record(values) {
    if (same(values, this.now)) return;
    this.back.push(this.now);
    if (this.back.length > LIMIT) this.back.shift();
    this.forward = [];
    this.now = values;
  }

  /** @returns {Values | null} the values to go back to, if any */
  undo() {
    const previous = this.back.pop();
    if (!previous) return null;
    this.forward.push(this.now);
    this.now = previous;
    return previous;
  }

  /** @returns {Values | null} the values to go forward to, if any */
  redo() {
    const next = this.forward.pop();
    if (!next) return null;
    this.back.push(this.now);
    this.now = next;
    return next;
  }

  get canUndo() {
    return this.back.length > 0;
  }

  get canRedo() {
    return this.forward.length > 0;
  }
}
