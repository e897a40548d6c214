// Times the wasm build in the browser: generating 1,000,000 users in memory
// and writing their CSV, as `conversion bench` does natively. Results go to
// the page and to `window.benchResults` for bench/browser.mjs to print.
import init, { World } from '../www/pkg/conversion_playground.js';

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
  const write = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    const world = new World({ rows: ROWS, seed: '42' });
    generate.push(performance.now() - t);
    t = performance.now();
    const csv = world.csv();
    write.push(performance.now() - t);
    bytes = csv.length;
    world.free();
  }
  const results = {
    rows: ROWS,
    runs: RUNS,
    generateMs: median(generate),
    writeCsvMs: median(write),
    csvBytes: bytes,
  };
  document.getElementById('out').textContent = JSON.stringify(results, null, 2);
  window.benchResults = results;
}

main().catch((e) => {
  window.benchResults = { error: String(e && e.stack || e) };
});
