// The uplift lab's τ steps in two workers (issue 13's speed): the page's
// worker takes the earlier half of the users and a helper worker, on a
// second core, the later half; their sums are joined to the bit. Checked
// against `conversion experiment` (one process, both halves) on the page's
// own files, with the helper and with it refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './support.mjs';
import { LESSON, experiment, labFiles, labSettled, text } from './uplift-support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const GROUPS = ['sure-things', 'persuadables', 'sleeping-dogs', 'lost-causes'];
const POLICIES = ['model_probability', 'oracle', 'best_possible', 'learned', 'random'];

/**
 * Whether the helper took a half of each of the lab's updates so far (its
 * learning answers say nothing of it), and forgets them.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<boolean[]>}
 */
const helped = (page) => page.evaluate(() => {
  const answers = performance.getEntriesByName('conversion:uplift')
    .map((m) => /** @type {any} */ (m).detail.helped)
    .filter((h) => typeof h === 'boolean');
  performance.clearMeasures('conversion:uplift');
  return answers;
});

/**
 * Moves τ by `presses` slider steps, one at a time, each settled.
 * @param {import('playwright-core').Page} page
 */
async function stepTau(page, presses) {
  await page.getByTestId('offer-effect').focus();
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('ArrowRight');
    await labSettled(page);
  }
}

/**
 * Asserts that the groups and every policy's row on screen are what
 * `conversion experiment` prints for the page's files.
 * @param {import('playwright-core').Page} page
 */
async function equalsTheCli(page) {
  const files = await labFiles(page);
  const cliView = experiment([files.csv, '--params', files.params, '--model', files.model]);
  assert.deepEqual(await Promise.all(GROUPS.map((g) => text(page, `group-${g}`))), cliView.groups, cliView.report);
  for (const policy of POLICIES) {
    const row = cliView.policies[policy];
    assert.ok(row, `${policy}\n${cliView.report}`);
    const [qini, qiniNoise, added, , cost, profit] = row;
    assert.equal(await text(page, `policy-qini-${policy}`), qini, `${policy} Qini`);
    assert.equal(await text(page, `policy-qini-noise-${policy}`), qiniNoise, `${policy} Qini with noise`);
    assert.equal(await text(page, `policy-added-${policy}`), added, `${policy} added`);
    assert.equal(await text(page, `policy-cost-${policy}`), cost, `${policy} cost`);
    assert.equal(await text(page, `policy-profit-${policy}`), profit, `${policy} profit`);
  }
  for (const band of ['high', 'medium', 'low']) {
    assert.equal(await text(page, `uplift-band-persuadables-${band}`), cliView.bands[band][2], `${band} band`);
  }
}

test('τ steps taken in two workers show what the CLI prints', async () => {
  const { page, context, errors } = await openPage(browser, LESSON);
  await labSettled(page);
  await helped(page);
  // The helper gets ready for the lesson's world once it stays put; a step
  // before that, it declines and the worker takes both halves.
  await stepTau(page, 4);
  const answers = await helped(page);
  assert.ok(answers.length >= 4, `${answers}`);
  assert.equal(answers.at(-1), true, `the last step was taken in two workers: ${answers}`);
  await equalsTheCli(page);
  // A budget step needs no pass over the users: no helper.
  await page.getByTestId('uplift-budget').focus();
  await page.keyboard.press('ArrowRight');
  await labSettled(page);
  assert.deepEqual(await helped(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('when the helper worker stops answering, the lab takes both halves itself: the same numbers', async () => {
  const { page, context, errors } = await openPage(browser, LESSON);
  await labSettled(page);
  await stepTau(page, 2);
  const before = await helped(page);
  assert.equal(before.at(-1), true, `${before}`);
  // The helper closes itself, as a crashed one would go quiet: the worker
  // waits for its half only so long, then takes it, and every step after.
  const helper = page.workers().find((w) => w.url().endsWith('/helper.js'));
  assert.ok(helper, `${page.workers().map((w) => w.url())}`);
  await helper.evaluate(() => self.close());
  await stepTau(page, 3);
  const answers = await helped(page);
  assert.ok(answers.length === 3 && answers.every((h) => !h), `${answers}`);
  await equalsTheCli(page);
  assert.deepEqual(errors, []);
  await context.close();
});
