// The page's entry: starts the worker, asks it for the generator's parameter
// table, the model's and the decisions' defaults (the one source of every
// default and range), and mounts the panels.
import { WorkerClient } from './app/worker-client.js';
import { DecidePanel } from './decide/panel.js';
import { ModelPanel } from './model/panel.js';
import { UpliftPanel } from './uplift/panel.js';
import { OFFER_GROUPS } from './uplift/options.js';
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
  world.start();
}

// Not awaited at the top level: the page's load event must not wait for the
// worker's first world.
start().catch((error) => {
  const status = document.getElementById('status');
  if (status) status.textContent = `Could not start: ${error instanceof Error ? error.message : String(error)}`;
});
