// A teacher's lesson made from the view on screen round-trips through its
// link; hostile lesson text is shown as text; progress survives a reload
// and resets; the panel works by keyboard and passes axe at 390 px.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seriousViolations } from './axe.mjs';
import { launch, openPage } from './support.mjs';
import { answer, openLesson, rightThenWrong, settledAll } from './lessons-support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const HOSTILE = '<img src=x onerror="window.hacked=1"><script>window.hacked=2</script><b>What share</b> of users convert?';

test('a teacher\'s lesson from this view round-trips through its link, its text shown as text', async () => {
  const { page, context, errors } = await openPage(browser, '#seed=7&rows=20000');
  await settledAll(page);
  await page.getByTestId('lessons-toggle').click();
  assert.equal(await page.getByTestId('lessons-toggle').getAttribute('aria-expanded'), 'true');
  await page.locator('#lesson-teacher summary').click();
  await page.getByTestId('teacher-question').fill(HOSTILE);
  await page.getByTestId('teacher-quantity').selectOption('rate');
  await page.getByTestId('teacher-tolerance').fill('0.005');
  await page.getByTestId('teacher-make').click();
  const href = await page.getByTestId('teacher-link').getAttribute('href') ?? '';
  assert.match(href, /seed=7/);
  assert.match(href, /rows=20000/);
  assert.match(href, /lesson=custom/);
  const rate = (await page.getByTestId('conversion-rate').textContent())?.trim() ?? '';

  // A learner opens the link on its own.
  const learner = await openPage(browser, href);
  await learner.page.getByTestId('lesson-title').filter({ hasText: 'from your teacher' }).waitFor();
  await settledAll(learner.page);
  assert.equal(await learner.page.getByTestId('lesson-question').textContent(), HOSTILE, 'the question is the teacher\'s text, as text');
  assert.equal(await learner.page.locator('#lessons img, #lessons script, #lessons b').count(), 0, 'no markup was made of it');
  assert.equal(await learner.page.evaluate(() => /** @type {any} */ (window).hacked), undefined);
  assert.equal((await learner.page.getByTestId('conversion-rate').textContent())?.trim(), rate, 'the same world');
  assert.match(await learner.page.getByTestId('lesson-tolerance').textContent() ?? '', /within 0\.005/);
  await rightThenWrong(learner.page, rate, '10%');
  assert.deepEqual(learner.errors, []);
  assert.deepEqual(errors, []);
  await learner.context.close();
  await context.close();
});

test('a hand-made lesson link with markup in it stays text; a bad one is named, and the page stays', async () => {
  const question = encodeURIComponent('<script>window.hacked=3</script><a href="javascript:alert(1)">click</a>?');
  const { page, context, errors } = await openPage(browser, `#lesson=custom&lessonQuestion=${question}&lessonQuantity=auc&lessonTolerance=0.02`);
  await page.getByTestId('lesson-question').filter({ hasText: '<script>' }).waitFor();
  assert.equal(await page.locator('#lessons a[href^="javascript"], #lessons script').count(), 0);
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).hacked), undefined);
  await page.evaluate(() => { location.hash = '#lesson=custom&lessonQuestion=Hi&lessonQuantity=secret&lessonTolerance=1'; });
  await page.getByTestId('lessons-error').filter({ hasText: 'quantity must be one of' }).waitFor();
  await page.evaluate(() => { location.hash = '#lesson=99'; });
  await page.getByTestId('lessons-error').filter({ hasText: 'There is no lesson 99' }).waitFor();
  assert.match(await page.getByTestId('conversion-rate').textContent() ?? '', /%/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('progress is kept across a reload and can be reset; Enter checks; axe at 390 px', async () => {
  const { page, context, errors } = await openLesson(browser, openPage, 1);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('lesson-answer').focus();
  await page.keyboard.type('0');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="lesson-result"][data-verdict="right"]').waitFor();
  assert.deepEqual(await seriousViolations(page), [], 'a lesson answered, at 390 px');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `nothing wider than the phone: ${width}`);
  await page.reload();
  await page.getByTestId('lessons-progress').filter({ hasText: '1 of 8' }).waitFor();
  assert.match(await page.getByTestId('lesson-list').textContent() ?? '', /done/);
  await page.getByTestId('lessons-reset').click();
  assert.match(await page.getByTestId('lessons-progress').textContent() ?? '', /^0 of 8/);
  // Next lesson by keyboard: its view replaces the hash.
  await page.getByTestId('lesson-next').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('lesson-title').filter({ hasText: '2.' }).waitFor();
  assert.match(await page.evaluate(() => location.hash), /lesson=2/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'lesson-title', 'the reader goes to the new lesson');
  await settledAll(page);
  assert.equal((await answer(page, 'withDownloads')).verdict, 'open');
  assert.deepEqual(await seriousViolations(page), [], 'a choice lesson at 390 px');
  assert.ok(await page.locator('[data-group="score"]').isHidden());
  await page.getByTestId('lessons-close').click();
  await page.locator('[data-group="score"]').waitFor({ state: 'visible' });
  assert.ok(await page.locator('[data-group="optimiser"]').isVisible(), 'every control shows again');
  assert.doesNotMatch(await page.evaluate(() => location.hash), /hide|lesson/);
  assert.ok(await page.getByTestId('lessons').isHidden());
  assert.deepEqual(errors, []);
  await context.close();
});
