// The uplift lab's τ steps as the page asks for them, in the page's own
// worker (www/worker/worker.js) with nothing else running: the lesson's
// world at `rows` users, the model fitted, then `steps` τ steps of 0.05,
// each the worker's time from request to view. `?helper=off` keeps the
// helper worker out (the worker then takes both halves of every step).
const query = new URLSearchParams(location.search);
const rows = Number(query.get('rows') || 1_000_000);
const steps = Number(query.get('steps') || 40);
const helper = query.get('helper') === 'off' ? '?helper=off' : '';
const worker = new Worker(new URL(`../www/worker/worker.js${helper}`, import.meta.url), { type: 'module' });
let nextId = 0;
/** @type {Map<number, (reply: any) => void>} */
const pending = new Map();
worker.onmessage = (event) => {
  pending.get(event.data.id)?.(event.data);
  pending.delete(event.data.id);
};
/**
 * @param {string} type
 * @param {unknown} payload
 * @returns {Promise<any>}
 */
function call(type, payload) {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    pending.set(id, (reply) => (reply.ok ? resolve(reply.result) : reject(new Error(reply.message))));
    worker.postMessage({ id, type, payload });
  });
}

try {
  await call('world.update', { rows, seed: '42', baseline: -2 });
  await call('model.fit', { options: {} });
  await call('model.step', { iterations: 1000 });
  /** @type {{workMs: number, helped: boolean}[]} */
  const taken = [];
  for (let k = 0; k <= steps; k++) {
    const settings = { offer: { effect: 0.8 + 0.05 * k, fatigue: -0.25 }, budget: 0.2 };
    const { workMs, helped } = await call('uplift.update', { settings });
    taken.push({ workMs, helped });
    // A pause between steps, as between a slider's input events.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  window.benchResults = { rows, taken };
} catch (error) {
  window.benchResults = { error: String(error) };
}
document.getElementById('out').textContent = JSON.stringify(window.benchResults);
