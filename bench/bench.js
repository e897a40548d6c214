// Times the wasm build in the browser: generating 1,000,000 users in memory
// and writing their CSV, as `conversion bench` does natively, and fitting
// the model to 100,000 and 1,000,000 users, as `conversion bench-fit` does. Results go to
// the page and to `window.benchResults` for bench/browser.mjs to print.
import init, { World, ModelFit, generateAndCount } from '../www/pkg/conversion_playground.js';

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
    csvBytes: bytes,
    fits,
  };
  document.getElementById('out').textContent = JSON.stringify(results, null, 2);
  window.benchResults = results;
}

main().catch((e) => {
  window.benchResults = { error: String(e && e.stack || e) };
});
