// The playground (issue 4): live sliders, common random numbers, exact
// downloads, shareable links, hidden groups, and every kind of bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPage, downloadCsv, cli, BASE_URL } from './support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const rateText = (/** @type {import('playwright-core').Page} */ page) => page.getByTestId('conversion-rate').textContent();

/**
 * Drags a range input's thumb from its current value towards `fraction` of
 * its width, returning the headline texts seen while the button was down.
 */
async function drag(page, testid, fraction) {
  const slider = page.getByTestId(testid);
  await slider.scrollIntoViewIfNeeded();
  const box = await slider.boundingBox();
  const { value, min, max } = await slider.evaluate((el) => ({ value: Number(el.value), min: Number(el.min), max: Number(el.max) }));
  const y = box.y + box.height / 2;
  // The thumb's centre (Chromium insets it by half a thumb, ~8 px).
  const inset = 8;
  const at = (f) => box.x + inset + f * (box.width - 2 * inset);
  await page.mouse.move(at((value - min) / (max - min)), y);
  await page.mouse.down();
  const seen = [];
  const steps = 12;
  const start = (value - min) / (max - min);
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(at(start + ((fraction - start) * i) / steps), y);
    await page.waitForTimeout(40);
    seen.push(await rateText(page));
  }
  const whileDown = [...seen];
  await page.mouse.up();
  return whileDown;
}

test('dragging a weight updates the rate while the button is still down, with the same users', async () => {
  const { page, context, errors } = await openPage(browser);
  const before = await rateText(page);
  const firstUsers = await page.locator('#rows-body tr').evaluateAll((rows) => rows.map((r) => [...r.cells].slice(0, 7).map((c) => c.textContent).join(',')));
  const seen = await drag(page, 'weight-downloads_7d', 0.95);
  assert.ok(seen.some((t) => t !== before), `the rate never moved during the drag: ${seen.join(' ')}`);
  // Raising a positive weight can only convert more users.
  const after = Number((await rateText(page)).replace('%', ''));
  assert.ok(after > Number(before.replace('%', '')), `${before} -> ${after}`);
  const sameUsers = await page.locator('#rows-body tr').evaluateAll((rows) => rows.map((r) => [...r.cells].slice(0, 7).map((c) => c.textContent).join(',')));
  assert.deepEqual(sameUsers, firstUsers, 'features must not change when a weight moves');
  const sentence = await page.locator('#explanation').textContent();
  assert.match(sentence, /^Raising the weight of downloads \(7 days\) from 0\.50 to \d\.\d\d moved the conversion rate from 86\.5% to \d+\.\d%: [\d,]+ more of 5,000 users convert\. Why: it moved each user's score in proportion to their downloads \(7 days\) up the S \(the mean score by \d\.\d\d, to \d\.\d\d, where the curve gives \d+\.\d%\)\.$/);
  // The download is exactly the CLI's bytes for the slider's value.
  const weight = await page.getByTestId('weight-downloads_7d').inputValue();
  const csv = await downloadCsv(page);
  assert.ok(csv.bytes.equals(cli(['generate', '--rows', '5000', '--seed', '42', '--weight-downloads-7d', weight])));
  assert.deepEqual(errors, []);
  await context.close();
});

test('keyboard moves a slider too, and the link restores the exact view and data', async () => {
  const { page, context } = await openPage(browser);
  await page.getByTestId('noise-sigma').focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
  await page.getByTestId('baseline-b0').focus();
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowLeft');
  await page.getByTestId('seed').fill('9007199254740993'); // 2^53 + 1: a JS number would round it
  await page.getByTestId('seed').press('Enter');
  await page.locator('#rate-detail').filter({ hasText: 'seed 9007199254740993' }).waitFor();
  await page.waitForFunction(() => location.hash.includes('baseline=-2'));
  const url = page.url();
  assert.match(url, /seed=9007199254740993/);
  const rate = await rateText(page);
  const csv = await downloadCsv(page);
  assert.ok(csv.bytes.equals(cli(['generate', '--rows', '5000', '--seed', '9007199254740993', '--noise-sigma', '1.1', '--baseline', '-2'])),
    'the page after keyboard moves equals the CLI');

  const again = await openPage(browser, new URL(url).hash);
  await again.page.locator('#rate-detail').filter({ hasText: 'seed 9007199254740993' }).waitFor();
  assert.equal(await rateText(again.page), rate);
  assert.equal(await again.page.getByTestId('noise-sigma').inputValue(), '1.1');
  assert.ok((await downloadCsv(again.page)).bytes.equals(csv.bytes), 'the shared link gives the same CSV');
  await again.context.close();
  await context.close();
});

test('the parameters file regenerates the same CSV with the CLI', async () => {
  const { page, context } = await openPage(browser, '#weights.sessions_7d=0.6&tierMix.tier_1=0.5&tierMix.tier_3=0.1&rows=3000&seed=5');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-params').click()]);
  const dir = await mkdtemp(join(tmpdir(), 'conversion-e2e-'));
  const file = join(dir, 'params.json');
  await download.saveAs(file);
  const csv = await downloadCsv(page);
  assert.match(csv.name, /^conversion_seed-5_rows-3000_[0-9a-f]{10}\.csv$/);
  assert.ok(csv.bytes.equals(cli(['generate', '--params', file])));
  assert.ok(!csv.bytes.equals(cli(['generate', '--rows', '3000', '--seed', '5'])), 'the parameters must matter');
  await context.close();
});

test('row presets, hidden groups and reset', async () => {
  const { page, context } = await openPage(browser, '#hide=weights,advanced');
  assert.equal(await page.locator('[data-group="weights"]').isHidden(), true);
  assert.equal(await page.locator('[data-group="advanced"]').isHidden(), true);
  assert.equal(await page.locator('[data-group="score"]').isVisible(), true);
  await page.getByRole('button', { name: '100,000 users' }).click();
  await page.locator('#rate-detail').filter({ hasText: 'of 100,000 users' }).waitFor();
  assert.match(page.url(), /rows=100000/);
  assert.match(page.url(), /hide=weights%2Cadvanced|hide=weights,advanced/);
  await page.getByTestId('reset-defaults').click();
  await page.locator('#rate-detail').filter({ hasText: '4,323 of 5,000 users' }).waitFor();
  assert.equal(await rateText(page), '86.5%');
  await context.close();
});

test('bad parameters are named next to their control and the last good data stay', async () => {
  const { page, context, errors } = await openPage(browser);
  const rate = await rateText(page);
  await page.locator('summary').filter({ hasText: 'Advanced' }).click();
  for (const [testid, value, where, message] of [
    ['sessions-lambda', 'lots', '#f-distributions-sessions_7d-lambda-error', 'must be a number (got "lots")'],
    ['sessions-lambda', '-1', '#f-distributions-sessions_7d-lambda-error', 'must not be negative'],
    ['content-hours-shape', '0', '#f-distributions-content_hours_7d-shape-error', 'must be above 0'],
    ['days-max', '0', '#f-distributions-days_since_signup-max-error', 'must be at least the smallest days since signup, 1'],
    ['tier-mix-tier_1', '1.5', '#f-tierMix-tier_1-error', 'Share of users in tier 1 must be a share from 0 to 1 (got "1.5").'],
  ]) {
    await page.getByTestId(testid).fill(value);
    await page.getByTestId(testid).press('Enter');
    await assert.doesNotReject(page.locator(where).filter({ hasText: message }).waitFor({ timeout: 5000 }), `${testid}=${value}`);
    assert.equal(await rateText(page), rate, 'the last good rate stays on screen');
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a hand-edited link with garbage is explained and never blanks the page', async () => {
  const { page, context, errors } = await openPage(browser, '#seed=abc&rows=-5&weights.downloads_7d=zzz&bogus=1&hide=nothing');
  const banner = await page.locator('#link-problems').textContent();
  for (const part of [
    'Seed must be a whole number from 0 to 18,446,744,073,709,551,615 (got "abc"); using the contract\'s 42.',
    'Users (rows) must not be negative (got -5); using the contract\'s 5,000.',
    'Downloads (7 days) must be a number (got "zzz"); using the contract\'s 0.50.',
    'bogus is not a setting of this page',
    'hide: nothing is not a control group',
  ]) {
    assert.ok(banner.includes(part), `${part} missing from ${banner}`);
  }
  assert.equal(await rateText(page), '86.5%', 'the contract world is shown instead');

  // Values that parse but the generator refuses fall back to the contract too.
  const second = await openPage(browser, '#tierMix.tier_1=0.9');
  assert.match(await second.page.locator('#link-problems').textContent(), /Tier shares must add up to 1, but 0\.9 \+ 0\.4 \+ 0\.25 = 1\.55/);
  assert.equal(await rateText(second.page), '86.5%');

  // Editing the hash of an open page applies it.
  await page.evaluate(() => { location.hash = '#seed=7'; });
  await page.locator('#rate-detail').filter({ hasText: 'seed 7)' }).waitFor();
  assert.deepEqual(errors, []);
  await second.context.close();
  await context.close();
});

test('the page is served with the module and wasm types browsers require', async () => {
  const wasm = await fetch(new URL('pkg/conversion_playground_bg.wasm', BASE_URL));
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  const js = await fetch(new URL('main.js', BASE_URL));
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
});
