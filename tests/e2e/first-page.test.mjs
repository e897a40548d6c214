// The page's foundation (issue 2): set seed and rows, see the rate, download the
// CSV, and get exactly the bytes the native CLI writes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, downloadCsv, cli } from './support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the default world downloads as the CLI bytes', async () => {
  const { page, context, errors } = await openPage(browser);
  const csv = await downloadCsv(page);
  assert.match(csv.name, /^conversion_seed-42_rows-5000_[0-9a-f]{10}\.csv$/, 'seed, rows and a short hash of the parameters');
  assert.ok(csv.bytes.equals(cli(['generate', '--rows', '5000', '--seed', '42'])), 'page CSV differs from the CLI');
  const rate = await page.getByTestId('conversion-rate').textContent();
  const converted = csv.bytes.toString().trim().split('\n').slice(1).filter((l) => l.endsWith(',1')).length;
  assert.equal(rate, `${(converted / 50).toFixed(1)}%`, 'the headline rate is the CSV\'s rate');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a new seed and row count, up to the top of the u64 range', async () => {
  const { page, context } = await openPage(browser);
  const seed = '18446744073709551615';
  await page.getByTestId('seed').fill(seed);
  await page.getByTestId('seed').press('Enter');
  await page.getByTestId('rows').fill('12345');
  await page.getByTestId('rows').press('Enter');
  await page.locator('#rate-detail').filter({ hasText: `12,345 users converted (seed ${seed})` }).waitFor();
  const csv = await downloadCsv(page);
  assert.match(csv.name, new RegExp(`^conversion_seed-${seed}_rows-12345_[0-9a-f]{10}\\.csv$`));
  assert.ok(csv.bytes.equals(cli(['generate', '--rows', '12345', '--seed', seed])));
  await context.close();
});

test('bad seed and rows are named next to the control and keep the last good data', async () => {
  const { page, context } = await openPage(browser);
  const rate = await page.getByTestId('conversion-rate').textContent();
  for (const [field, value, message] of [
    ['seed', '-4', 'must not be negative'],
    ['seed', '18446744073709551616', 'at most 18,446,744,073,709,551,615'],
    ['seed', '4.5', 'whole number'],
    ['rows', '0', 'at least 1'],
    ['rows', '-5', 'must not be negative'],
    ['rows', '2000000', 'at most 1,000,000'],
    ['rows', 'lots', 'whole number'],
  ]) {
    await page.getByTestId(field).fill(value);
    await page.getByTestId(field).press('Enter');
    const error = page.locator(`#f-${field}-error`);
    await assert.doesNotReject(error.filter({ hasText: message }).waitFor({ timeout: 5000 }), `${field}=${value}`);
    assert.equal(await page.getByTestId(field).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByTestId('conversion-rate').textContent(), rate);
    await page.getByTestId(field).fill(field === 'seed' ? '42' : '5000');
    await page.getByTestId(field).press('Enter');
    await error.waitFor({ state: 'hidden' });
  }
  await context.close();
});
