// The page under its Content-Security-Policy: the server sends it with its
// other security headers, the page works under it (every other test runs
// under it too), and a violation is caught (so a test would fail on one).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE_URL, launch, openPage, takeCspViolations } from './support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

// A plain static server (the dist/ run) sends no such headers: there the
// page's meta tag carries the policy, which the next test holds it to.
const plainServer = process.env.STATIC_BUILD ? 'a plain static server sends no security headers' : false;

test('the server sends the policy, nosniff and a referrer policy', { skip: plainServer }, async () => {
  const response = await fetch(BASE_URL);
  assert.equal(response.status, 200);
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /'wasm-unsafe-eval'/);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  const hidden = await fetch(new URL('pkg/.gitignore', BASE_URL));
  assert.equal(hidden.status, 404);
});

test('the page runs under the policy, and a violation is caught', async () => {
  const { page, context, errors } = await openPage(browser);
  assert.deepEqual(errors, [], 'the page loads, computes and draws with no violation');
  // Inline script is exactly what the policy forbids.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true;';
    document.head.append(script);
  });
  /** @type {string[]} */
  const caught = [];
  const deadline = Date.now() + 5_000;
  while (!caught.some((v) => /script-src/.test(v)) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    caught.push(...takeCspViolations());
  }
  assert.ok(caught.some((v) => /script-src/.test(v)), `caught: ${JSON.stringify(caught)}`);
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).inlineRan), undefined);
  await context.close();
});
