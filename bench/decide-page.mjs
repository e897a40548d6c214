// Measures the decisions panel in the real page, headless Chromium, and
// prints figures (a measurement, not a test: nothing here asserts a time):
// - a threshold drag at 1,000,000 users: the high threshold moved one step
//   per animation frame, 60 steps; per update, the worker's time (reading
//   the bands, profits and gains off the users ranked once) and the main
//   thread's drawing time, the frames from an input to the band table
//   changing, and the longest main-thread task; with 20% held out (200,000
//   users ranked) and in-sample (all 1,000,000 ranked);
// - importing a 1,000,000-row CSV (written by `conversion generate`): from
//   choosing the file to the world's charts drawn, how often the progress
//   moved, and the longest main-thread task meanwhile.
// Run by bench/browser.mjs (`cargo xtask bench`), or by hand with the page
// served: PAGE_URL=http://127.0.0.1:8080/ CONVERSION_BIN=target/release/conversion node bench/decide-page.mjs
import { execFileSync } from 'node:child_process';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/**
 * Waits until the model panel, then the decisions, have nothing pending.
 * @param {import('playwright-core').Page} page
 */
async function decided(page, timeout = 600_000) {
  await page.waitForTimeout(100);
  await page.locator('#model-panel[data-state="settled"]').waitFor({ timeout });
  await page.waitForTimeout(100);
  await page.locator('#decide-panel[data-state="settled"]').waitFor({ timeout });
}

/**
 * The high threshold dragged one step per frame over a million users.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {string} hash
 */
async function drag(browser, url, hash) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(new URL(hash, url).href);
  await page.locator('#rate-detail').filter({ hasText: 'of 1,000,000 users' }).waitFor({ timeout: 600_000 });
  await decided(page);
  const users = await page.getByTestId('decide-scope').textContent();
  const build = await page.evaluate(() => performance.getEntriesByName('conversion:decide-build').map((m) => /** @type {any} */ (m).detail));
  await page.getByTestId('band-high').scrollIntoViewIfNeeded();
  const result = await page.evaluate(async () => {
    const slider = /** @type {HTMLInputElement} */ (document.querySelector('[data-testid="band-high"]'));
    const table = /** @type {Node} */ (document.getElementById('band-body'));
    /** @type {number[]} */
    const frames = [];
    /** @type {number[]} */
    const inputs = [];
    /** @type {number[]} */
    const changes = [];
    /** @type {number[]} */
    const longTasks = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
    observer.observe({ type: 'longtask', buffered: false });
    const mutations = new MutationObserver(() => changes.push(performance.now()));
    mutations.observe(table, { childList: true, characterData: true, subtree: true });
    performance.clearMeasures('conversion:decide');
    const values = Array.from({ length: 60 }, (_, i) => (0.95 - 0.01 * i).toFixed(2));
    await new Promise((resolve) => {
      let i = 0;
      const tick = (/** @type {number} */ t) => {
        frames.push(t);
        if (i < values.length) {
          slider.value = values[i];
          inputs.push(performance.now());
          slider.dispatchEvent(new Event('input', { bubbles: true }));
          i++;
          requestAnimationFrame(tick);
        } else if (frames.length < values.length + 60) {
          requestAnimationFrame(tick);
        } else {
          resolve(null);
        }
      };
      requestAnimationFrame(tick);
    });
    observer.disconnect();
    mutations.disconnect();
    const updates = performance.getEntriesByName('conversion:decide').map((m) => ({ workMs: /** @type {any} */ (m).detail.workMs, drawMs: m.duration }));
    const latency = [];
    for (let k = 0; k < inputs.length; k++) {
      const next = k + 1 < inputs.length ? inputs[k + 1] : Infinity;
      const change = changes.find((c) => c >= inputs[k]);
      if (change !== undefined && change < next) latency.push(frames.filter((f) => f > inputs[k] && f <= change).length);
    }
    return { updates, latency, longTasks, inputs: inputs.length };
  });
  await page.close();
  return { ...result, users, build };
}

/**
 * A million-row CSV imported by the file picker.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {string} conversion the CLI, to write the file
 */
async function importMillion(browser, url, conversion) {
  const dir = await mkdtemp(join(tmpdir(), 'conversion-bench-import-'));
  const csv = join(dir, 'million.csv');
  execFileSync(conversion, ['generate', '--rows', '1000000', '--seed', '7', '-o', csv]);
  const bytes = (await stat(csv)).size;
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(new URL('#rows=5000', url).href);
  await decided(page);
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.longTasks = [];
    w.progress = 0;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask' });
    new MutationObserver(() => { w.progress += 1; }).observe(/** @type {Node} */ (document.getElementById('import-status')), { childList: true, characterData: true, subtree: true });
  });
  await page.getByTestId('import-csv').setInputFiles(csv);
  await page.locator('#rate-detail').filter({ hasText: 'of 1,000,000 users converted (imported from million.csv)' }).waitFor({ timeout: 600_000 });
  const measured = await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    const m = /** @type {any} */ (performance.getEntriesByName('conversion:import').at(-1));
    return { ms: m.duration, finishMs: m.detail.finishMs, longTasks: [...w.longTasks], progress: w.progress };
  });
  // Then the cold fit of a million imported users and their decisions.
  const fitStarted = Date.now();
  await decided(page);
  const fitSeconds = (Date.now() - fitStarted) / 1000;
  await page.close();
  return { ...measured, bytes, fitSeconds };
}

/**
 * @param {import('playwright-core').Browser} browser
 * @param {string} url the page
 * @param {string} conversion the CLI
 */
export async function measureDecidePage(browser, url, conversion) {
  for (const [hash, what] of [['#rows=1000000', '20% held out'], ['#rows=1000000&testFraction=0', 'in-sample']]) {
    const r = await drag(browser, url, hash);
    const work = r.updates.map((u) => u.workMs);
    const draw = r.updates.map((u) => u.drawMs);
    const total = r.updates.map((u) => u.workMs + u.drawMs);
    const build = r.build.at(-1);
    console.log(`the decisions, 1,000,000 users (${what}: ${r.users?.replace(/^Measured on (in-sample: )?/, '').replace(/,? as .*$/, '').replace(/\.$/, '')}), the high threshold dragged, ${r.inputs} steps, one per frame, ${r.updates.length} updates drawn:`);
    console.log(`  ranking once per model, worker  ${build ? `${build.buildMs.toFixed(0)} ms (then ${build.workMs.toFixed(0)} ms with the first read)` : '–'}`);
    console.log(`  per update, worker              median ${quantile(work, 0.5).toFixed(2)} ms, p95 ${quantile(work, 0.95).toFixed(2)} ms (bands, every policy's profit, gains, the histogram)`);
    console.log(`  per update, main thread         median ${quantile(draw, 0.5).toFixed(1)} ms, p95 ${quantile(draw, 0.95).toFixed(1)} ms (the band table and the threshold lines; the other charts do not move with a threshold)`);
    console.log(`  per update, both                median ${quantile(total, 0.5).toFixed(1)} ms, p95 ${quantile(total, 0.95).toFixed(1)} ms (issue 10's target: ≤ 16 ms)`);
    console.log(`  frames from input to table      ${r.latency.length ? `median ${quantile(r.latency, 0.5)}, max ${Math.max(...r.latency)}` : '–'}; longest main-thread task ${r.longTasks.length ? `${Math.max(...r.longTasks).toFixed(0)} ms` : 'none over 50 ms'}`);
  }
  const i = await importMillion(browser, url, conversion);
  console.log(`importing a 1,000,000-row CSV (${(i.bytes / 1e6).toFixed(1)} MB, written by conversion generate) by the file picker:`);
  console.log(`  to the world's charts drawn      ${(i.ms / 1000).toFixed(2)} s (reading in 2 MiB chunks with progress, checking, the world's aggregates; the worker's last step ${i.finishMs.toFixed(0)} ms)`);
  console.log(`  progress shown                   ${i.progress} updates; longest main-thread task ${i.longTasks.length ? `${Math.max(...i.longTasks).toFixed(0)} ms (${i.longTasks.length} over 50 ms)` : 'none over 50 ms'}`);
  console.log(`  then a cold fit of its users and the decisions, ${i.fitSeconds.toFixed(1)} s (animated, a step per frame)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    await measureDecidePage(browser, process.env.PAGE_URL || 'http://127.0.0.1:8080/', process.env.CONVERSION_BIN || 'target/release/conversion');
  } finally {
    await browser.close();
  }
}
