// Measures the uplift lab in the real page, headless Chromium, and prints
// figures (a measurement, not a test: nothing here asserts a time): the
// lesson's world at 1,000,000 users, 20 τ slider steps of 0.05, each the
// worker's time from the request to the view (issue 13's target: 16 ms),
// taken in two halves with the helper worker on a second core once it is
// ready (src/uplift/lab/halves.rs), or whole in the worker before; and
// then the main thread's time to show the step's view (tables, sentences
// and three charts: a step's cost a person feels beside the worker's).
// Run by bench/browser.mjs (`cargo xtask bench`), or by hand with the page
// served: PAGE_URL=http://127.0.0.1:8080/ node bench/uplift-page.mjs
import { chromium } from 'playwright-core';

/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** @param {import('playwright-core').Page} page */
async function settled(page, timeout = 600_000) {
  for (let i = 0; i < 2; i++) {
    await page.waitForTimeout(100);
    await page.locator('#model-panel[data-state="settled"]').waitFor({ timeout });
    await page.locator('#uplift-panel[data-state="settled"]').waitFor({ timeout });
  }
}

/**
 * @param {import('playwright-core').Browser} browser
 * @param {string} url the page
 */
export async function measureUpliftPage(browser, url, rows = 1_000_000, steps = 20) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(new URL(`#rows=${rows}&baseline=-2&offer.effect=0.8&offer.fatigue=-0.25`, url).href);
  await settled(page);
  /** @type {{workMs: number, helped: boolean, showMs: number}[]} */
  const taken = [];
  for (let k = 1; k <= steps; k++) {
    await page.evaluate(() => performance.clearMeasures('conversion:uplift'));
    // (fill sets the value and fires one input event, as one slider step does)
    await page.getByTestId('offer-effect').fill((0.8 + 0.05 * k).toFixed(2));
    await settled(page);
    const measures = await page.evaluate(() =>
      performance.getEntriesByName('conversion:uplift').map((m) => /** @type {any} */ (m).detail));
    // The first answer after the step is the step; learning follows it.
    if (measures.length) taken.push(measures[0]);
  }
  await page.close();
  const helped = taken.filter((t) => t.helped).map((t) => t.workMs);
  const alone = taken.filter((t) => !t.helped).map((t) => t.workMs);
  const shown = taken.map((t) => t.showMs);
  const line = (/** @type {number[]} */ xs) => xs.length
    ? `median ${quantile(xs, 0.5).toFixed(1)} ms (fastest ${Math.min(...xs).toFixed(1)}, slowest ${Math.max(...xs).toFixed(1)}) over ${xs.length} steps`
    : 'no steps';
  console.log(`the uplift lab, ${rows.toLocaleString('en-US')} users, in the page: ${steps} τ slider steps of 0.05, the worker's time from request to view (issue 13's target: 16 ms):`);
  console.log(`  two halves, the helper worker on a second core   ${line(helped)}`);
  console.log(`  whole in the worker (the helper getting ready)   ${line(alone)}`);
  console.log(`  then the main thread, showing the step's view    ${line(shown)}`);
  return { helped, alone, shown };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    await measureUpliftPage(browser, process.env.PAGE_URL || 'http://127.0.0.1:8080/', Number(process.env.ROWS || 1_000_000));
  } finally {
    await browser.close();
  }
}
