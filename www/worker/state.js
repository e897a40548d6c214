// The handles the worker keeps between requests, one place for all of them.

/** @typedef {import('../pkg/conversion_playground.js').World} World */

export const state = {
  /** @type {World | null} the world on screen */
  world: null,
};
