// The decisions (issue 10), item 5: a realistic world in one click. The
// target rate solves b0 for this world's users (the core's bisection on
// their signals and noise draws: the pinned b0 for 20,000 users of seed 42
// at 5%), moves the b0 slider (one step to undo) and says the solve is for
// these users; a refused target is named.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './support.mjs';
import { text } from './model-support.mjs';
import { decided } from './decide-support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** tests/support/golden_model.rs: BASELINE_FOR_5_PERCENT, 20,000 users of seed 42. */
const BASELINE_FOR_5_PERCENT = -6.124803517704169;

test('item 5: the 5% preset solves b0 for these users and moves the slider', async () => {
  const { page, context, errors } = await openPage(browser, '#rows=20000&seed=42');
  await decided(page);
  assert.equal(await text(page, 'target-rate-preset'), 'Realistic: 5%');
  await page.getByTestId('target-rate-preset').click();
  await page.waitForFunction(() => location.hash.includes('baseline='));
  const hash = await page.evaluate(() => location.hash);
  assert.equal(Number(new URLSearchParams(hash.slice(1)).get('baseline')), BASELINE_FOR_5_PERCENT);
  assert.equal(await page.getByTestId('target-rate').inputValue(), '0.05');
  assert.match(await text(page, 'target-rate-note'), /^Solved for these 20,000 users \(their signals and their own noise draws\): b0 = −6\.1248 makes their average true probability 5\.0%/);
  // The b0 slider moved there; the users convert at about 5% (the labels are drawn).
  await page.waitForFunction(() => Number(document.getElementById('conversion-rate')?.textContent?.replace('%', '')) < 10);
  const rate = Number((await text(page, 'conversion-rate')).replace('%', ''));
  assert.ok(rate > 4 && rate < 6, `${rate}%`);
  assert.equal(Number(await page.getByTestId('baseline-b0').inputValue()).toFixed(2), '-6.10', 'the slider, to its step');
  // The model and the decisions follow the world.
  await decided(page);
  assert.match(await text(page, 'explanation'), /^Lowering baseline b0 from 0\.00 to -6\.1248035177/);
  // One step to undo.
  await page.getByTestId('undo').click();
  await page.waitForFunction(() => !location.hash.includes('baseline='));
  await page.waitForFunction(() => Number(document.getElementById('conversion-rate')?.textContent?.replace('%', '')) > 80);

  // A target outside (0, 1) is named; b0 stays.
  await page.getByTestId('target-rate').fill('1.5');
  await page.getByTestId('target-rate-solve').click();
  await page.locator('#target-rate-error').filter({ hasText: 'The target rate must be a rate above 0 and below 1 (got "1.5").' }).waitFor();
  assert.equal(await page.getByTestId('target-rate').getAttribute('aria-invalid'), 'true');
  assert.ok(!(await page.evaluate(() => location.hash)).includes('baseline='));
  assert.deepEqual(errors, []);
  await context.close();
});
