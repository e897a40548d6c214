// The handles the worker keeps between requests, one place for all of them.

/** @typedef {import('../pkg/conversion_playground.js').World} World */
/** @typedef {import('../pkg/conversion_playground.js').GeneratorParams} GeneratorParams */
/** @typedef {import('../pkg/conversion_playground.js').ModelFit} ModelFit */
/** @typedef {import('../pkg/conversion_playground.js').FixedModel} FixedModel */
/** @typedef {import('../pkg/conversion_playground.js').Truth} Truth */
/** @typedef {import('../pkg/conversion_playground.js').Decisions} Decisions */
/** @typedef {import('../pkg/conversion_playground.js').CsvImport} CsvImport */
/** @typedef {import('../pkg/conversion_playground.js').Thresholds} Thresholds */
/** @typedef {import('../pkg/conversion_playground.js').UpliftLab} UpliftLab */

export const state = {
  /** @type {World | null} the world on screen */
  world: null,
  /** @type {GeneratorParams | null} the parameters the world on screen was last moved to (a helper worker draws its copy with them) */
  params: null,
  /** @type {ModelFit | null} the live fit, following the world */
  fit: null,
  /** @type {FixedModel | null} a model that no longer follows the world (frozen or imported); when set, it is the model on screen */
  fixed: null,
  /** @type {Truth | null} the world's truth, kept while its users stay */
  truth: null,
  /** @type {Decisions | null} the model on screen ranked on the world's evaluation users */
  decisions: null,
  /** @type {Thresholds | null} the decision bands on screen, written into the model file */
  thresholds: null,
  /** @type {CsvImport | null} a CSV being read */
  import: null,
  /** @type {UpliftLab | null} the uplift lab, following the world */
  uplift: null,
};
