// The page's worker's side of the uplift lab's helper worker
// (www/worker/helper-client.js), against a stand-in helper: a declined
// step answers everything in flight at once, a helper that goes quiet is
// given up after its patience, and one that fails is never asked again.
// Plain Node: the module only needs a `Worker` constructor and the
// worker's own address.
import { test, mock, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

/** The stand-in helpers made, newest last. */
const made = [];

class StandIn {
  constructor() {
    /** @type {any[]} */
    this.sent = [];
    this.terminated = false;
    /** @type {((event: {data: any}) => void) | null} */
    this.onmessage = null;
    /** @type {(() => void) | null} */
    this.onerror = null;
    /** @type {(() => void) | null} */
    this.onmessageerror = null;
    made.push(this);
  }

  /** @param {any} message */
  postMessage(message) {
    this.sent.push(message);
  }

  terminate() {
    this.terminated = true;
  }

  /** The helper's reply. @param {any} data */
  reply(data) {
    this.onmessage?.({ data });
  }
}

// The worker's scope: its address, and workers inside it.
Object.assign(globalThis, { self: { location: { search: '' } }, Worker: StandIn });
const { Helper } = await import('../../www/worker/helper-client.js');

/** Whether `promise` has settled, after pending callbacks ran. @param {Promise<unknown>} promise */
async function settledNow(promise) {
  let done = false;
  promise.then(() => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

beforeEach(() => { made.length = 0; });

test('a declined step is answered null at once, its truth request too, until the helper is ready', async () => {
  const helper = new Helper();
  const first = helper.ask({ type: 'first' });
  const truth = helper.ask({ type: 'truth' });
  assert.ok(first && truth);
  const [standIn] = made;
  assert.deepEqual(standIn.sent.map((m) => m.type), ['first', 'truth']);
  standIn.reply({ id: standIn.sent[0].id, ready: false });
  assert.equal(await first, null);
  // The truth request is not left waiting on a helper busy getting ready.
  assert.equal(await settledNow(truth), true);
  assert.equal(await truth, null);
  assert.equal(helper.ask({ type: 'first' }), null, 'not asked while it gets ready');
  standIn.reply({ warm: true });
  const again = helper.ask({ type: 'first' });
  assert.ok(again);
  const bytes = new Uint8Array([1, 2, 3]);
  standIn.reply({ id: standIn.sent.at(-1).id, bytes });
  assert.equal(await again, bytes);
  assert.equal(helper.usable, true);
});

test('a helper that goes quiet is given up after its patience, and never asked again', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const helper = new Helper();
    const first = helper.ask({ type: 'first' });
    assert.ok(first);
    mock.timers.tick(1999);
    assert.equal(await settledNow(first), false);
    mock.timers.tick(1);
    assert.equal(await first, null);
    assert.equal(helper.usable, false);
    assert.equal(made[0].terminated, true);
    assert.equal(helper.ask({ type: 'first' }), null);
  } finally {
    mock.timers.reset();
  }
});

test('a helper whose script fails is never asked again', async () => {
  const helper = new Helper();
  const first = helper.ask({ type: 'first' });
  made[0].onerror?.();
  assert.equal(await first, null);
  assert.equal(helper.usable, false);
  assert.equal(helper.ask({ type: 'first' }), null);
});

test('the helper gets ready once the world stays put, not at every step of a drag', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const helper = new Helper();
    for (let i = 0; i < 5; i++) {
      helper.warmSoon({ params: { seed: String(i) } });
      mock.timers.tick(100);
    }
    assert.equal(made.length, 0, 'no helper started during the drag');
    mock.timers.tick(400);
    assert.equal(made.length, 1);
    assert.deepEqual(made[0].sent, [{ params: { seed: '4' }, type: 'warm' }]);
    assert.equal(helper.ask({ type: 'first' }), null, 'not asked while it gets ready');
  } finally {
    mock.timers.reset();
  }
});
