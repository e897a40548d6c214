// Every guided lesson walked as a learner would: the lesson's own link sets
// the view, then a right answer is checked true and a wrong one false with a
// hint, in one page load; two lessons again on another seed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, openPage } from './support.mjs';
import { answer, openLesson, rightThenWrong, setInHash } from './lessons-support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** @param {string} text "97.9%" → 0.979 */
const share = (text) => Number(text.replace('%', '').trim()) / 100;

test('1: the score at a 50% chance is 0, read off the live S-curve', async () => {
  const { page, context, errors } = await openLesson(browser, openPage, 1);
  assert.match(await page.evaluate(() => location.hash), /hide=world%2C|hide=world,/, 'the lesson hides the controls that do not matter');
  assert.ok(await page.locator('[data-group="weights"]').isHidden());
  assert.ok(await page.locator('[data-group="score"]').isVisible());
  for (const group of ['optimiser', 'fit', 'refit', 'bands', 'money', 'whatif', 'import', 'target', 'offer', 'budget']) {
    assert.ok(await page.locator(`[data-group="${group}"], [data-hideable="${group}"]`).isHidden(), `the ${group} group is hidden too`);
  }
  await rightThenWrong(page, '0', '2.5');
  assert.match(await page.getByTestId('lessons-progress').textContent() ?? '', /^1 of 8/);
  assert.deepEqual(errors, []);
  await context.close();
});

for (const seed of ['42', '7']) {
  test(`2: raising the downloads weight flips only users with a download (seed ${seed}), checked against the users that flipped`, async () => {
    const { page, context, errors } = await openLesson(browser, openPage, 2, seed === '42' ? {} : { seed });
    const early = await answer(page, 'withDownloads');
    assert.equal(early.verdict, 'open', 'nothing moved yet: the check says to move the weight');
    await setInHash(page, { 'weights.downloads_7d': '1.2' });
    const { good } = await rightThenWrong(page, 'withDownloads', 'everyone');
    assert.match(good.why, /started converting/);
    assert.match(good.why, /0 users whose score stayed put flipped/);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('3: noise pulls the best-possible and learned weights towards 0', async () => {
  const { page, context, errors } = await openLesson(browser, openPage, 3);
  await rightThenWrong(page, 'towards0', 'away');
  assert.deepEqual(errors, []);
  await context.close();
});

test('4: 100 times the users, intervals about 10 times narrower, from the page\'s own intervals', async () => {
  const { page, context, errors } = await openLesson(browser, openPage, 4);
  await setInHash(page, { rows: '100000' });
  const { good } = await rightThenWrong(page, '10', '100');
  assert.match(good.why, /times narrower at 100,000 users than at 1,000/);
  assert.deepEqual(errors, []);
  await context.close();
});

for (const seed of ['42', '2024']) {
  test(`5: "nobody converts" scores the majority accuracy the model panel shows (seed ${seed})`, async () => {
    const { page, context, errors } = await openLesson(browser, openPage, 5, seed === '42' ? {} : { seed });
    const majority = share(await page.getByTestId('accuracy-majority').textContent() ?? '');
    assert.ok(majority > 0.95, `a rare world: ${majority}`);
    await rightThenWrong(page, `${(100 * majority).toFixed(1)}%`, '0.5');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('6: the most profitable threshold is about cost / value, as the expected-profit curve says', async () => {
  const { page, context, errors } = await openLesson(browser, openPage, 6);
  const best = Number(await page.getByTestId('best-threshold').textContent());
  assert.ok(Math.abs(best - 0.05) <= 0.02, `the curve's best threshold ${best} is near 5 / 100`);
  const { good } = await rightThenWrong(page, '0.05', '0.5');
  assert.match(good.why, /The labels of those users brought/, 'the page says how far the realised profit wanders');
  assert.deepEqual(errors, []);
  await context.close();
});

test('7: a frozen model under-predicts once the paywall weight rises', async () => {
  const { page, context, errors } = await openLesson(browser, openPage, 7);
  await setInHash(page, { 'weights.paywall_views_7d': '1.2' });
  await rightThenWrong(page, 'under', 'over');
  assert.deepEqual(errors, []);
  await context.close();
});

test('8: the band with the most added conversions per offer, as the uplift lab\'s band table counts them', async () => {
  const { page, context, errors } = await openLesson(browser, openPage, 8);
  /** @type {[string, number][]} */
  const added = [];
  for (const band of ['high', 'medium', 'low']) {
    const count = async (/** @type {string} */ id) => Number((await page.getByTestId(id).textContent())?.replace(/,/g, ''));
    const users = await count(`uplift-band-users-${band}`);
    if (users > 0) added.push([band, (await count(`uplift-band-persuadables-${band}`) - await count(`uplift-band-sleepingDogs-${band}`)) / users]);
  }
  const [best] = added.reduce((a, b) => (b[1] > a[1] ? b : a));
  const worst = added.find(([band]) => band !== best)?.[0] ?? 'high';
  assert.notEqual(best, 'high', 'targeting high intent is not where the offer adds most');
  await rightThenWrong(page, `${best}_intent`, `${worst}_intent`);
  assert.deepEqual(errors, []);
  await context.close();
});
