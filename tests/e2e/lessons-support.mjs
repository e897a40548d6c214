// Helpers of the lessons' end-to-end tests: opening a lesson by its link,
// waiting for the panels, answering and reading the verdict.
import assert from 'node:assert/strict';

/**
 * Waits until the model, decisions and uplift panels have nothing pending.
 * @param {import('playwright-core').Page} page
 */
export async function settledAll(page, timeout = 120_000) {
  await page.waitForTimeout(100);
  for (const id of ['model-panel', 'decide-panel', 'uplift-panel']) {
    await page.locator(`#${id}[data-state="settled"]`).waitFor({ timeout });
  }
}

/**
 * Moves the page to another hash (as a learner's control would) and waits.
 * @param {import('playwright-core').Page} page
 * @param {Record<string, string>} changes entries to set in the hash
 */
export async function setInHash(page, changes) {
  await page.evaluate((entries) => {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const [k, v] of Object.entries(entries)) params.set(k, v);
    location.hash = params.toString();
  }, changes);
  await page.waitForTimeout(300);
  await settledAll(page);
}

/**
 * Answers the lesson on screen (a number typed, or a choice's value) and
 * returns the verdict, the hint and the Why.
 * @param {import('playwright-core').Page} page
 * @param {string} given
 */
export async function answer(page, given) {
  const choice = page.getByTestId(`lesson-choice-${given}`);
  if (await choice.count()) await choice.check();
  else await page.getByTestId('lesson-answer').fill(given);
  await page.getByTestId('lesson-check').click();
  const result = page.getByTestId('lesson-result');
  await page.locator('[data-testid="lesson-result"]:is([data-verdict="right"], [data-verdict="wrong"], [data-verdict="open"])').waitFor({ timeout: 60_000 });
  const verdict = await result.getAttribute('data-verdict');
  const hint = await page.getByTestId('lesson-hint').isVisible() ? await page.getByTestId('lesson-hint').textContent() : '';
  const why = await page.getByTestId('lesson-why').isVisible() ? await page.getByTestId('lesson-why').textContent() : '';
  return { verdict, message: await result.textContent(), hint: hint ?? '', why: why ?? '' };
}

/**
 * Answers right and then wrong in the same page load, as the issue asks.
 * @param {import('playwright-core').Page} page
 * @param {string} right
 * @param {string} wrong
 */
export async function rightThenWrong(page, right, wrong) {
  const good = await answer(page, right);
  assert.equal(good.verdict, 'right', `${right}: ${good.message} ${good.why}`);
  assert.ok(good.why.length > 20, 'the Why is shown after an answer');
  const bad = await answer(page, wrong);
  assert.equal(bad.verdict, 'wrong', `${wrong}: ${bad.message}`);
  assert.match(bad.hint, /^Hint: ./, 'a wrong answer gets a hint');
  return { good, bad };
}

/**
 * Opens lesson `n` from its bare link and waits for its view.
 * @param {import('playwright-core').Browser} browser
 * @param {(b: import('playwright-core').Browser, hash: string) => Promise<{page: import('playwright-core').Page, context: import('playwright-core').BrowserContext, errors: unknown[]}>} openPage
 * @param {number} n
 * @param {Record<string, string>} [extra] entries set in the hash after the lesson's view
 */
export async function openLesson(browser, openPage, n, extra = {}) {
  const opened = await openPage(browser, `#lesson=${n}`);
  await opened.page.getByTestId('lesson-title').filter({ hasText: `${n}.` }).waitFor();
  await settledAll(opened.page);
  if (Object.keys(extra).length) await setInHash(opened.page, extra);
  return opened;
}
