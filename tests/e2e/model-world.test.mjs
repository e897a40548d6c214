// The model panel (issue 9), items 5 and 6: the model follows the world as
// a slider moves (a warm refit), or stays (frozen, or auto-refit off) and
// is then shown decaying on a drifted world; and 20 worlds re-rolled in the
// worker, with progress and Stop, their intervals against each world's
// best-possible weight.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './support.mjs';
import { settled, text } from './model-support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * Moves a world slider to `value` as a person would (an input event).
 * @param {import('playwright-core').Page} page
 * @param {string} testid
 * @param {string} value
 */
async function slide(page, testid, value) {
  await page.getByTestId(testid).fill(value);
  await page.getByTestId(testid).dispatchEvent('input');
}

test('item 5: a warm refit follows a weight slider; a frozen model stays and decays on the drifted world', async () => {
  const { page, context, errors } = await openPage(browser, '#rows=20000');
  await settled(page);
  const learned = async () => Number(await text(page, 'learned-downloads_7d'));
  const before = await learned();
  // A drag: several steps, each a warm refit.
  for (const value of ['0.7', '0.9', '1.1', '1.3']) {
    await slide(page, 'weight-downloads_7d', value);
    await page.waitForTimeout(60);
  }
  await page.locator('#rate-detail').filter({ hasText: 'of 20,000 users' }).waitFor();
  await settled(page);
  const after = await learned();
  assert.ok(after > before + 0.5, `the learned weight followed: ${before} -> ${after}`);
  assert.equal(await text(page, 'true-downloads_7d'), '1.3000');
  assert.match(await text(page, 'model-source'), /^A warm refit/);
  assert.match(await text(page, 'fit-stop'), /^converged/);
  const iterations = Number(await text(page, 'fit-iteration'));
  assert.ok(iterations < 15, `a warm refit takes few iterations: ${iterations}`);

  // Freeze, then move the baseline: the weights stay, the world drifts.
  await page.getByTestId('freeze-model').check();
  await page.getByTestId('model-drift').filter({ hasText: 'Frozen' }).waitFor();
  await settled(page);
  const frozenLoss = Number(await text(page, 'logloss-test'));
  await slide(page, 'baseline-b0', '-3');
  await page.getByTestId('conversion-rate').filter({ hasText: /^[2-6]\d\.\d%$/ }).waitFor();
  await settled(page);
  assert.equal(await learned(), after, 'a frozen model keeps its weights');
  const drifted = Number(await text(page, 'logloss-test'));
  assert.ok(drifted > frozenLoss + 0.1, `decaying: ${frozenLoss} -> ${drifted}`);
  assert.match(await text(page, 'model-drift'), /decaying on a drifted world.*was [\d.]+ when it stopped following and is [\d.]+ now/);
  // Unfreeze: it follows again, warm.
  await page.getByTestId('freeze-model').uncheck();
  await page.getByTestId('model-drift').filter({ hasText: /^$/ }).waitFor();
  await settled(page);
  assert.ok(Number(await text(page, 'logloss-test')) < drifted - 0.1);

  // Auto-refit off: the same as frozen, and said so.
  await page.getByTestId('auto-refit').uncheck();
  await slide(page, 'baseline-b0', '0');
  await page.getByTestId('model-drift').filter({ hasText: 'Auto-refit is off' }).waitFor();
  assert.match(page.url(), /autoRefit=0/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 6: twenty worlds re-rolled in the worker, with progress, Stop and the intervals\' coverage', async () => {
  const { page, context, errors } = await openPage(browser, '#rows=20000');
  await settled(page);
  await page.getByTestId('reroll').click();
  await page.getByTestId('reroll-coverage').filter({ hasText: 'Of 160 intervals' }).waitFor({ timeout: 120_000 });
  assert.equal(await page.getByTestId('reroll-progress').getAttribute('value'), '20');
  const coverage = await text(page, 'reroll-coverage');
  const [, best] = coverage.match(/(\d+) of 160 \(\d+%\) cover their world's best possible weight/) ?? [];
  const [, generating] = coverage.match(/(\d+) of 160 \(\d+%\) cover the generating weight/) ?? [];
  assert.ok(Number(best) >= 140, `${best} of 160 cover the best possible weight`);
  assert.ok(Number(generating) < Number(best), `${generating} cover the generating weight`);
  assert.equal(await page.locator('#reroll-charts canvas').count(), 8, 'one chart per weight');

  // Stop between worlds.
  await page.getByTestId('reroll').click();
  await page.getByTestId('reroll-progress').filter({}).evaluate((el) => new Promise((resolve) => {
    const check = () => (/** @type {HTMLProgressElement} */ (el).value >= 2 ? resolve(null) : setTimeout(check, 10));
    check();
  }));
  await page.getByTestId('reroll-cancel').click();
  await page.locator('#reroll-status').filter({ hasText: 'Stopped' }).waitFor();
  await page.waitForTimeout(500);
  const stoppedAt = Number(await page.getByTestId('reroll-progress').getAttribute('value'));
  assert.ok(stoppedAt < 20, `stopped at ${stoppedAt} of 20`);
  assert.deepEqual(errors, []);
  await context.close();
});
