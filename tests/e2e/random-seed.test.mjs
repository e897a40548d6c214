// "Random seed" draws the seed in the wasm core (getrandom's browser
// backend): the seed shown is the seed used, and two draws differ.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, downloadCsv, cli } from './support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a random seed is shown, used, and new each time', async () => {
  const { page, context, errors } = await openPage(browser);
  const seeds = [];
  for (let draw = 0; draw < 2; draw++) {
    const before = await page.getByTestId('seed').inputValue();
    await page.getByRole('button', { name: 'Random seed' }).click();
    await page.waitForFunction((old) => /** @type {HTMLInputElement} */ (document.querySelector('[data-testid="seed"]')).value !== old, before);
    const seed = await page.getByTestId('seed').inputValue();
    assert.match(seed, /^\d+$/);
    await page.locator('#rate-detail').filter({ hasText: `(seed ${seed})` }).waitFor();
    assert.match(page.url(), new RegExp(`seed=${seed}`));
    const csv = await downloadCsv(page);
    assert.ok(csv.bytes.equals(cli(['generate', '--rows', '5000', '--seed', seed])), 'the data are the drawn seed\'s');
    seeds.push(seed);
  }
  assert.notEqual(seeds[0], seeds[1]);
  assert.deepEqual(errors, []);
  await context.close();
});
