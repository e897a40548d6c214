// Shared helpers for the end-to-end tests: Debian's Chromium through
// playwright-core (never a downloaded browser), the served page, and the CLI.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after } from 'node:test';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080/';
export const CONVERSION_BIN = process.env.CONVERSION_BIN || 'target/release/conversion';

/**
 * Launches headless Chromium with the flags this machine needs.
 * (The first page load used to stall for 20 to 60 s on a freshly started
 * server; that was the old dev server, tiny_http, leaving new keep-alive
 * connections unserved. The server is now axum, and no warm-up hides a
 * slow load any more.)
 */
export function launch() {
  return launchBrowser();
}

function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Every Content-Security-Policy violation any page reported, in any test of
 * the file that imports this module: the file fails at its end if there is
 * one, whether or not its tests look at `errors`.
 * @type {string[]}
 */
const cspViolations = [];
after(() => {
  assert.deepEqual(cspViolations, [], 'the page broke its Content-Security-Policy');
});

/** The violations reported so far, forgotten: for a test that causes one on purpose. */
export function takeCspViolations() {
  return cspViolations.splice(0);
}

/** @param {string} text */
function isCspViolation(text) {
  return /Content Security Policy|Content-Security-Policy/i.test(text);
}

/**
 * Opens the page (optionally with a hash) and waits until a world is shown.
 * @param {import('playwright-core').Browser} browser
 * @param {string} [hash]
 */
export async function openPage(browser, hash = '') {
  const context = await browser.newContext({ acceptDownloads: true });
  /** @type {unknown[]} */
  const errors = [];
  // The document reports each violation as an event: pass it to the test.
  await context.exposeBinding('reportCspViolation', (_source, text) => {
    cspViolations.push(text);
    errors.push(`CSP violation: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      // @ts-ignore: the binding exposed above
      window.reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e));
  // A failed load (a 404, a refused module) shows as a console error; a
  // refusal by the policy (in the page or its worker) as a console message.
  page.on('console', (m) => {
    if (isCspViolation(m.text())) cspViolations.push(m.text());
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(new URL(hash, BASE_URL).href, { waitUntil: 'domcontentloaded', timeout: 15_000 });
  await page.getByTestId('conversion-rate').filter({ hasText: '%' }).waitFor({ timeout: 30_000 });
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
