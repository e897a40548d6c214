// Opens bench/index.html in headless Chromium (Debian's, via playwright-core)
// and prints the wasm timings, then measures the model and decision panels
// in the real page (bench/model-page.mjs, bench/decide-page.mjs) and the
// update paths at the wasm–JS boundary (bench/boundary.mjs), and the uplift
// lab's τ steps in the page's worker and in the page (bench/uplift-worker.mjs,
// bench/uplift-page.mjs). Run by
// `cargo xtask bench`, which serves the repository root at BASE_URL and
// names the CLI in CONVERSION_BIN.
import { chromium } from 'playwright-core';
import { measureModelPage } from './model-page.mjs';
import { measureDecidePage } from './decide-page.mjs';
import { measureBoundary } from './boundary.mjs';
import { measureUpliftWorker } from './uplift-worker.mjs';
import { measureUpliftPage } from './uplift-page.mjs';

const base = process.env.BASE_URL || 'http://127.0.0.1:8080/';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(new URL('bench/index.html', base).href);
  await page.waitForFunction(() => window.benchResults, null, { timeout: 600_000, polling: 500 });
  const r = await page.evaluate(() => window.benchResults);
  if (r.error) throw new Error(r.error);
  const version = browser.version();
  console.log(`wasm in headless Chromium ${version}, ${r.rows.toLocaleString('en-US')} rows, median of ${r.runs} runs (single thread):`);
  console.log(`  generate in memory  ${r.generateMs.toFixed(1).padStart(9)} ms  (the CSV's seven columns; the page's new World, with latent draws and aggregates: ${r.worldMs.toFixed(1)} ms)`);
  console.log(`  write CSV           ${r.writeCsvMs.toFixed(1).padStart(9)} ms  (${r.csvBytes.toLocaleString('en-US')} bytes)`);
  console.log(`  CSV download Blob   ${r.downloadViaBlobMs.toFixed(1).padStart(9)} ms  (web-sys Blob from a view of wasm memory; copied out to a JS array first: ${r.downloadViaArrayMs.toFixed(1)} ms)`);
  console.log('wasm fit to the default tolerance, all rows, median of 5 runs:');
  for (const [rows, f] of Object.entries(r.fits)) {
    console.log(`  ${Number(rows).toLocaleString('en-US').padStart(9)} rows  ${f.ms.toFixed(1).padStart(8)} ms  ${f.iterations} iterations, final log-loss ${f.loss.toFixed(9)}, ${f.stop}`);
  }
  const w = r.warm;
  console.log(`wasm warm refit after one weight-slider step (0.01), ${w.rows.toLocaleString('en-US')} users, 20% held out, median of 20 steps (issue 9's target: 16 ms):`);
  console.log(`  follow + run to convergence  ${w.warmMs.toFixed(1).padStart(7)} ms  (slowest ${w.warmMaxMs.toFixed(1)} ms; ${w.iterations} iterations)`);
  console.log(`  the same fit from scratch    ${w.coldMs.toFixed(1).padStart(7)} ms  (issue 9 measured 29 ms before warm starts)`);
  const b = r.truth;
  console.log(`wasm best-possible model, ${b.rows.toLocaleString('en-US')} users (issue 9's target: 300 ms):`);
  console.log(`  after one weight-slider step ${b.stepMs.toFixed(1).padStart(7)} ms  (median of 5, slowest ${b.stepMaxMs.toFixed(1)} ms: q(x) for every user and Newton from the last answer)`);
  console.log(`  first time for these users   ${(b.prepareMs + b.firstMs).toFixed(1).padStart(7)} ms  (standardizing them once ${b.prepareMs.toFixed(1)} ms, then Newton from the base rate ${b.firstMs.toFixed(1)} ms, ${b.firstIterations} steps)`);
  const u = r.uplift;
  console.log(`wasm uplift lab, ${u.rows.toLocaleString('en-US')} users, the lesson's world (issue 13's target: 16 ms per τ step):`);
  console.log(`  after one τ slider step (0.05)  ${u.stepMs.toFixed(1).padStart(7)} ms  (median of 20, slowest ${u.stepMaxMs.toFixed(1)} ms: p1, q1 and the groups of every user, the two true rankings, every policy's tallies, the experiment's arms)`);
  console.log(`  first look at a world           ${u.firstMs.toFixed(1).padStart(7)} ms  (s(x) and q0 of every user, the model's ranking, then the same)`);
  console.log(`  a budget step                   ${u.budgetMs.toFixed(1).padStart(7)} ms  (the tallies read again)`);
  console.log(`  learning the uplift model       ${u.learnMs.toFixed(1).padStart(7)} ms  (two cold logistic fits, once changes pause)`);
  console.log(`  re-running 20 experiments       ${u.rerunMs.toFixed(1).padStart(7)} ms`);
  // The same τ steps in the page's own worker, with its helper worker and
  // without, then in the whole page.
  await measureUpliftWorker(browser, base);
  await measureUpliftPage(browser, new URL('www/', base).href);
  // The update paths at the wasm–JS boundary (beside an older build's
  // package when BEFORE_PKG names one under the served root).
  await measureBoundary(browser, base, process.env.BEFORE_PKG);
  // The page itself (www/ under the same server): the model panel's figures.
  await measureModelPage(browser, new URL('www/', base).href);
  await measureDecidePage(browser, new URL('www/', base).href, process.env.CONVERSION_BIN || 'target/release/conversion');
} finally {
  await browser.close();
}
