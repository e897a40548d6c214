// Charts follow their box's width (www/app/width.js): every chart on the
// page, in every panel, is redrawn at its box's new width when the window
// changes, with no new numbers asked for; and a τ step's measure says how
// long the page took to show it (what bench/uplift-page.mjs reads).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './support.mjs';
import { decided } from './decide-support.mjs';
import { LESSON, labSettled } from './uplift-support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * Every chart whose box is laid out (not in a hidden panel): where it is,
 * its box's width and the width its canvas is drawn at, in CSS pixels.
 * @param {import('playwright-core').Page} page
 */
const charts = (page) => page.evaluate(() => [...document.querySelectorAll('.uplot')]
  .map((u) => {
    const box = /** @type {HTMLElement} */ (u.parentElement);
    const where = box.closest('[data-testid], [id]')?.getAttribute('data-testid') ?? box.closest('[id]')?.id;
    return { where, box: box.clientWidth, drawn: Math.round(/** @type {HTMLElement} */ (u.querySelector('canvas')).getBoundingClientRect().width) };
  })
  .filter((c) => c.box > 0));

test('every chart is redrawn at its box\'s width when the window changes, no new numbers asked for', async () => {
  const { page, context, errors } = await openPage(browser, LESSON);
  await page.setViewportSize({ width: 1280, height: 900 });
  await decided(page);
  await labSettled(page);
  const wide = await charts(page);
  // The world's 7, the model's 4, the decisions' 3 and the lab's 3, at least.
  assert.ok(wide.length >= 17, `charts found: ${JSON.stringify(wide)}`);
  for (const c of wide) assert.ok(Math.abs(c.drawn - c.box) <= 1, `at 1,280 px: ${JSON.stringify(c)}`);
  // Nothing is asked of the workers from here: the page only changes width.
  const asked = await page.evaluate(() => performance.getEntriesByName('conversion:uplift').length);
  for (const width of [900, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(300);
    const now = await charts(page);
    assert.equal(now.length, wide.length, `at ${width} px`);
    for (const [i, c] of now.entries()) {
      // (At 390 px every box has another width than at 1,280: one column.)
      if (width === 390) assert.notEqual(c.box, wide[i].box, `at 390 px: ${JSON.stringify([wide[i], c])}`);
      // (Every box is wider than a chart's least width, even on a phone.)
      assert.ok(c.box >= 240 && Math.abs(c.drawn - c.box) <= 1, `at ${width} px: ${JSON.stringify(c)}`);
    }
  }
  assert.equal(await page.evaluate(() => performance.getEntriesByName('conversion:uplift').length), asked, 'no τ step taken');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a τ step says how long the worker took and how long the page took to show it', async () => {
  const { page, context, errors } = await openPage(browser, LESSON);
  await labSettled(page);
  await page.evaluate(() => performance.clearMeasures('conversion:uplift'));
  const slider = page.getByTestId('offer-effect');
  await slider.focus();
  await slider.press('ArrowRight');
  await labSettled(page);
  const [step] = await page.evaluate(() => performance.getEntriesByName('conversion:uplift')
    .map((m) => /** @type {PerformanceMeasure} */ (m).detail));
  assert.ok(step, 'the step measured');
  assert.equal(step.rows, 20_000);
  for (const key of ['workMs', 'showMs']) {
    assert.ok(Number.isFinite(step[key]) && step[key] >= 0, `${key}: ${step[key]}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
