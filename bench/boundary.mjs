// Runs bench/boundary.html in headless Chromium against one or two builds of
// the package and prints the page's update paths at 1,000,000 users side by
// side: the worker's call, the result handed to JavaScript, postMessage's
// clone of it, and how many numbers travel in plain and in typed arrays.
// Run by bench/browser.mjs (`cargo xtask bench`, the page's build only), or
// by hand against an older build copied under the served root:
//   BASE_URL=http://127.0.0.1:8080/ BEFORE_PKG=target/pkg-before node bench/boundary.mjs
import { chromium } from 'playwright-core';

/** The paths, in the order printed. */
const PATHS = [
  ['weightStep', 'world: a weight-slider step (relabel + view)'],
  ['worldView', 'world: the view alone'],
  ['fitStep', 'model: a fit step (one iteration, its losses)'],
  ['fitProgress', 'model: the progress alone (the loss curves)'],
  ['evaluate', 'model: the evaluation (ROC, calibration, profit)'],
  ['threshold', 'decisions: a threshold step'],
  ['tauStep', 'uplift: a τ step'],
];

/**
 * @param {import('playwright-core').Browser} browser
 * @param {string} base
 * @param {string} pkg the package folder, relative to `base`
 */
async function measure(browser, base, pkg) {
  const page = await browser.newPage();
  const url = new URL('bench/boundary.html', base);
  url.searchParams.set('pkg', new URL(`${pkg}/conversion_playground.js`, base).href);
  await page.goto(url.href);
  await page.waitForFunction(() => /** @type {any} */ (window).boundaryResults, null, { timeout: 600_000, polling: 500 });
  const r = await page.evaluate(() => /** @type {any} */ (window).boundaryResults);
  await page.close();
  if (r.error) throw new Error(r.error);
  return r;
}

/**
 * @param {import('playwright-core').Browser} browser
 * @param {string} base the served repository root
 * @param {string | undefined} before an older build's package folder, to print beside this one
 */
export async function measureBoundary(browser, base, before) {
  const builds = before ? [['before', before], ['now', 'www/pkg']] : [['now', 'www/pkg']];
  const results = [];
  for (const [, pkg] of builds) results.push(await measure(browser, base, pkg));
  const cell = (/** @type {any} */ r) => `${r.callMs.toFixed(2).padStart(8)} ms call ${r.cloneMs.toFixed(3).padStart(7)} ms clone ${String(r.plain).padStart(6)} plain ${String(r.typed).padStart(6)} typed`;
  console.log(`the wasm–JS boundary, 1,000,000 users, mean per update (${builds.map(([name, pkg]) => `${name}: ${pkg}`).join(' | ')}):`);
  for (const [key, name] of PATHS) {
    console.log(`  ${name.padEnd(50)} ${results.map((r) => cell(r[key])).join('  |  ')}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    await measureBoundary(browser, process.env.BASE_URL || 'http://127.0.0.1:8080/', process.env.BEFORE_PKG);
  } finally {
    await browser.close();
  }
}
