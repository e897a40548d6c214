// Measures the uplift lab's τ steps in the page's own worker, headless
// Chromium, with the helper worker taking the later half of the users on a
// second core and without it, side by side (bench/uplift-worker.html): the
// worker's time from request to view (issue 13's target: 16 ms at
// 1,000,000 users). A measurement, not a test: nothing here asserts a time.
// Run by bench/browser.mjs (`cargo xtask bench`), or by hand with the
// repository root served: BASE_URL=http://127.0.0.1:8080/ node bench/uplift-worker.mjs
import { chromium } from 'playwright-core';

/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/**
 * @param {import('playwright-core').Browser} browser
 * @param {string} base the served repository root
 */
export async function measureUpliftWorker(browser, base, rows = 1_000_000) {
  /** @type {Record<string, number[][]>} */
  const times = { on: [], off: [] };
  let helpedSteps = 0;
  /** The steps the helper took its half of: a drag once it is ready. @type {number[]} */
  const helped = [];
  // Twice each, alternating, as the machine's speed drifts.
  for (const helper of ['on', 'off', 'on', 'off']) {
    const page = await browser.newPage();
    await page.goto(new URL(`bench/uplift-worker.html?rows=${rows}&helper=${helper}`, base).href);
    await page.waitForFunction(() => /** @type {any} */ (window).benchResults, null, { timeout: 600_000, polling: 200 });
    const r = await page.evaluate(() => /** @type {any} */ (window).benchResults);
    await page.close();
    if (r.error) throw new Error(r.error);
    // The first steps meet a world new to the lab (and the helper).
    const steps = r.taken.slice(3);
    if (helper === 'on') {
      const taken = steps.filter((/** @type {any} */ s) => s.helped);
      helpedSteps += taken.length;
      helped.push(...taken.map((/** @type {any} */ s) => s.workMs));
    }
    times[helper].push(steps.map((/** @type {any} */ s) => s.workMs));
  }
  const line = (/** @type {number[]} */ xs) =>
    `median ${quantile(xs, 0.5).toFixed(1)} ms, fastest ${Math.min(...xs).toFixed(1)}, slowest ${Math.max(...xs).toFixed(1)}`;
  const all = (/** @type {number[][]} */ runs) => runs.flat();
  console.log(`the uplift lab in the page's worker, ${rows.toLocaleString('en-US')} users, the lesson's world and model, τ steps of 0.05, from request to view (issue 13's target: 16 ms):`);
  console.log(`  two halves, the helper worker on a second core  ${line(all(times.on))} (${helpedSteps} of ${all(times.on).length} steps helped; runs: ${times.on.map((t) => quantile(t, 0.5).toFixed(1)).join(', ')} ms)`);
  if (helped.length) console.log(`    of which the steps the helper took (its world ready)  ${line(helped)}`);
  console.log(`  the worker alone (?helper=off)                  ${line(all(times.off))} (runs: ${times.off.map((t) => quantile(t, 0.5).toFixed(1)).join(', ')} ms)`);
  return times;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    await measureUpliftWorker(browser, process.env.BASE_URL || 'http://127.0.0.1:8080/', Number(process.env.ROWS || 1_000_000));
  } finally {
    await browser.close();
  }
}
