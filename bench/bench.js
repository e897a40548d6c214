// Times the wasm build in the browser: generating 1,000,000 users in memory
// and writing their CSV, as `conversion bench` does natively; fitting the
// model to 100,000 and 1,000,000 users, as `conversion bench-fit` does; the
// page's warm refit after one weight-slider step at 100,000 users; and the
// best-possible model at 1,000,000; the uplift lab after a τ slider step at
// 1,000,000 (bench/uplift.js). Results go to the page and to
// `window.benchResults` for bench/browser.mjs to print.
import init, { World, ModelFit, Truth, generateAndCount } from '../www/pkg/conversion_playground.js';
import { upliftBench } from './uplift.js';

const ROWS = 1_000_000;
const RUNS = 7;

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  await init();
  const generate = [];
  const worlds = [];
  const write = [];
  const viaArray = [];
  const viaBlob = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    generateAndCount({ rows: ROWS, seed: '42' });
    generate.push(performance.now() - t);
    t = performance.now();
    const world = new World({ rows: ROWS, seed: '42' });
    worlds.push(performance.now() - t);
    t = performance.now();
    const csv = world.csv();
    write.push(performance.now() - t);
    bytes = csv.length;
    // The download as the page made it before (bytes copied out to a JS
    // array, then into a Blob) and as it makes it now (a Blob from a view
    // of wasm memory, made in the worker).
    t = performance.now();
    const copied = new Blob([world.csv()], { type: 'text/csv' });
    viaArray.push(performance.now() - t);
    t = performance.now();
    const direct = world.csvBlob();
    viaBlob.push(performance.now() - t);
    if (copied.size !== direct.size) throw new Error(`the two downloads differ: ${copied.size} vs ${direct.size} bytes`);
    world.free();
  }
  // Fitting to the default tolerance on every user, as `conversion bench-fit` does.
  const fits = {};
  for (const rows of [100_000, 1_000_000]) {
    const world = new World({ rows, seed: '42' });
    const times = [];
    let progress = null;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const fit = new ModelFit(world, { testFraction: 0 });
      progress = fit.run();
      times.push(performance.now() - t);
      fit.free();
    }
    fits[rows] = { ms: median(times), iterations: progress.iterations, loss: progress.lossHistory[progress.lossHistory.length - 1], stop: progress.stop };
    world.free();
  }
  const results = {
    rows: ROWS,
    runs: RUNS,
    generateMs: median(generate),
    worldMs: median(worlds),
    writeCsvMs: median(write),
    downloadViaArrayMs: median(viaArray),
    downloadViaBlobMs: median(viaBlob),
    csvBytes: bytes,
    fits,
    warm: warmRefit(),
    truth: bestPossible(),
    uplift: upliftBench(),
  };
  document.getElementById('out').textContent = JSON.stringify(results, null, 2);
  window.benchResults = results;
}

/**
 * The page's auto-refit at 100,000 users (held-out share 0.2, the page's
 * default): a cold fit, then 20 weight-slider steps of 0.01, each a relabel
 * (not timed: the world panel's work) and a warm refit (follow + run,
 * timed, with the intervals computed at the stop).
 */
function warmRefit() {
  const rows = 100_000;
  const world = new World({ rows, seed: '42' });
  const cold = [];
  let fit = null;
  for (let i = 0; i < 5; i++) {
    fit?.free();
    const t = performance.now();
    fit = new ModelFit(world, undefined);
    fit.run();
    cold.push(performance.now() - t);
  }
  const times = [];
  const iterations = [];
  for (let k = 1; k <= 20; k++) {
    world.update({ rows, seed: '42', weights: { downloads_7d: 0.5 + 0.01 * k } });
    const t = performance.now();
    fit.follow(world);
    const progress = fit.run();
    times.push(performance.now() - t);
    iterations.push(progress.iterations);
  }
  fit.free();
  world.free();
  return { rows, coldMs: median(cold), warmMs: median(times), warmMaxMs: Math.max(...times), iterations: median(iterations) };
}

/**
 * The best-possible model at 1,000,000 users: standardizing the users once
 * per draw (new Truth), the first fit to q(x), and the refit after each of
 * 5 weight-slider steps (q recomputed for every user, Newton from the last
 * answer).
 */
function bestPossible() {
  const rows = 1_000_000;
  const world = new World({ rows, seed: '42' });
  let t = performance.now();
  const truth = new Truth(world);
  const prepareMs = performance.now() - t;
  t = performance.now();
  const first = truth.view(world, undefined);
  const firstMs = performance.now() - t;
  const steps = [];
  for (let k = 1; k <= 5; k++) {
    world.update({ rows, seed: '42', weights: { downloads_7d: 0.5 + 0.01 * k } });
    t = performance.now();
    truth.view(world, undefined);
    steps.push(performance.now() - t);
  }
  truth.free();
  world.free();
  return { rows, prepareMs, firstMs, firstIterations: first.iterations, stepMs: median(steps), stepMaxMs: Math.max(...steps) };
}

main().catch((e) => {
  window.benchResults = { error: String(e && e.stack || e) };
});
