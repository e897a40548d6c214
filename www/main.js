// The page's entry: starts the worker, asks it for the generator's parameter
// table, the model's and the decisions' defaults (the one source of every
// default and range), and mounts the panels.
import { WorkerClient } from './app/worker-client.js';
import { DecidePanel } from './decide/panel.js';
import { ModelPanel } from './model/panel.js';
import { WorldPanel } from './world/panel.js';

/** @typedef {import('./pkg/conversion_playground.js').ParamInfo} ParamInfo */
/** @typedef {import('./pkg/conversion_playground.js').ModelDefaults} ModelDefaults */
/** @typedef {import('./pkg/conversion_playground.js').DecideDefaults} DecideDefaults */

async function start() {
  const client = new WorkerClient();
  const [{ schema, maxRows }, defaults, decideDefaults] = await Promise.all([
    /** @type {Promise<{schema: ParamInfo[], maxRows: number}>} */ (client.call('world.schema')),
    /** @type {Promise<ModelDefaults>} */ (client.call('model.defaults')),
    /** @type {Promise<DecideDefaults>} */ (client.call('decide.defaults')),
  ]);
  // The model and decision panels claim their keys of the URL hash before
  // the world panel reads it, so none takes another's for a mistake.
  const model = new ModelPanel(client, defaults, schema);
  const decide = new DecidePanel(client, decideDefaults, schema);
  const world = new WorldPanel(client, schema, maxRows);
  model.attach(world.events);
  decide.attach(world, model);
  world.start();
}

// Not awaited at the top level: the page's load event must not wait for the
// worker's first world.
start().catch((error) => {
  const status = document.getElementById('status');
  if (status) status.textContent = `Could not start: ${error instanceof Error ? error.message : String(error)}`;
});
