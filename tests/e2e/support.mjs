// Shared helpers for the end-to-end tests: Debian's Chromium through
// playwright-core (never a downloaded browser), the served page, and the CLI.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080/';
export const CONVERSION_BIN = process.env.CONVERSION_BIN || 'target/release/conversion';

/**
 * Launches headless Chromium with the flags this machine needs, and loads
 * the page once before any test: on a fresh machine the very first
 * navigation has been seen to stall for 20 to 40 s (in each fresh-clone
 * CI run so far, never in forty runs on a warm tree), so the warm-up tries
 * up to six times and says so on stderr; every test still loads the page
 * itself.
 */
export async function launch() {
  const browser = await launchBrowser();
  for (let attempt = 1; attempt <= 6; attempt++) {
    const context = await browser.newContext();
    const started = Date.now();
    try {
      const page = await context.newPage();
      await page.goto(BASE_URL, { waitUntil: 'domcontentloaded', timeout: 20_000 });
      await page.getByTestId('conversion-rate').filter({ hasText: '%' }).waitFor({ timeout: 20_000 });
      break;
    } catch (error) {
      console.error(`warm-up load ${attempt} of ${BASE_URL} failed after ${Date.now() - started} ms: ${error.message.split('\n')[0]}`);
    } finally {
      await context.close();
    }
  }
  return browser;
}

function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Opens the page (optionally with a hash) and waits until a world is shown.
 * @param {import('playwright-core').Browser} browser
 * @param {string} [hash]
 */
export async function openPage(browser, hash = '') {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(new URL(hash, BASE_URL).href, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('conversion-rate').filter({ hasText: '%' }).waitFor({ timeout: 60_000 });
  return { page, context, errors };
}

/**
 * Clicks Download CSV and returns the file's name and bytes.
 * @param {import('playwright-core').Page} page
 */
export async function downloadCsv(page) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-csv').click(),
  ]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: await readFile(path) };
}

/**
 * What `conversion ARGS…` writes to stdout.
 * @param {string[]} args
 */
export function cli(args) {
  return execFileSync(CONVERSION_BIN, args, { maxBuffer: 1 << 30 });
}
