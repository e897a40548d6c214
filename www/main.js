// The page's entry: starts the worker, asks it for the generator's parameter
// table, the model's and the decisions' defaults (the one source of every
// default and range), and mounts the panels.
import { hideableGroups, showGroups } from './app/link.js';
import { WorkerClient } from './app/worker-client.js';
import { DECIDE_GROUPS } from './decide/options.js';
import { DecidePanel } from './decide/panel.js';
import { LessonsPanel } from './lessons/panel.js';
import { MODEL_GROUPS } from './model/options.js';
import { ModelPanel } from './model/panel.js';
import { UpliftPanel } from './uplift/panel.js';
import { LAB_GROUPS, OFFER_GROUPS } from './uplift/options.js';
import { WorldPanel } from './world/panel.js';

/** @typedef {import('./pkg/conversion_playground.js').ParamInfo} ParamInfo */
/** @typedef {import('./pkg/conversion_playground.js').ModelDefaults} ModelDefaults */
/** @typedef {import('./pkg/conversion_playground.js').DecideDefaults} DecideDefaults */
/** @typedef {import('./pkg/conversion_playground.js').UpliftDefaults} UpliftDefaults */

async function start() {
  const client = new WorkerClient();
  const [{ schema, maxRows }, defaults, decideDefaults, upliftDefaults] = await Promise.all([
    /** @type {Promise<{schema: ParamInfo[], maxRows: number}>} */ (client.call('world.schema')),
    /** @type {Promise<ModelDefaults>} */ (client.call('model.defaults')),
    /** @type {Promise<DecideDefaults>} */ (client.call('decide.defaults')),
    /** @type {Promise<UpliftDefaults>} */ (client.call('uplift.defaults')),
  ]);
  // The lessons claim their keys first: a bare `#lesson=N` link becomes the
  // lesson's whole view before any panel reads the hash. A link's `hide`
  // reaches every panel's control groups.
  const lessons = new LessonsPanel(client);
  hideableGroups([...MODEL_GROUPS, ...DECIDE_GROUPS, ...LAB_GROUPS]);
  showGroups(location.hash);
  window.addEventListener('hashchange', () => showGroups(location.hash));
  // The model and decision panels and the uplift lab claim their keys of the
  // URL hash before the world panel reads it, so none takes another's for a
  // mistake. The offer's parameters are the lab's: the world panel shows the
  // world without the offer.
  const model = new ModelPanel(client, defaults, schema);
  const decide = new DecidePanel(client, decideDefaults, schema);
  const uplift = new UpliftPanel(client, upliftDefaults, schema);
  const world = new WorldPanel(client, schema.filter((f) => !OFFER_GROUPS.includes(f.group)), maxRows);
  model.attach(world.events);
  decide.attach(world, model);
  uplift.attach(world.events, model.events);
  lessons.attach(world, model, decide, uplift);
  world.start();
}

// Not awaited at the top level: the page's load event must not wait for the
// worker's first world.
start().catch((error) => {
  const status = document.getElementById('status');
  if (status) status.textContent = `Could not start: ${error instanceof Error ? error.message : String(error)}`;
});
