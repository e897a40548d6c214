// The page's entry: starts the worker, asks it for the generator's parameter
// table (the one source of every default and range), and mounts the panels.
import { WorkerClient } from './app/worker-client.js';
import { WorldPanel } from './world/panel.js';

/** @typedef {import('./pkg/conversion_playground.js').ParamInfo} ParamInfo */

async function start() {
  const client = new WorkerClient();
  const { schema, maxRows } = /** @type {{schema: ParamInfo[], maxRows: number}} */ (await client.call('world.schema'));
  const world = new WorldPanel(client, schema, maxRows);
  world.start();
}

// Not awaited at the top level: the page's load event must not wait for the
// worker's first world.
start().catch((error) => {
  const status = document.getElementById('status');
  if (status) status.textContent = `Could not start: ${error instanceof Error ? error.message : String(error)}`;
});
