// The world panel teaches why (issue 11): the score → probability view and
// the sentences that explain a move, charts that do not mislead, the phone
// layout, links and messages, inputs that say what is in use, accessibility
// checked by axe, pinning and undo, and the small things.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPage, downloadCsv, cli } from './support.mjs';
import { seriousViolations } from './axe.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** @typedef {import('playwright-core').Page} Page */

const rateOf = async (/** @type {Page} */ page) => Number((await page.getByTestId('conversion-rate').textContent())?.replace('%', ''));

/**
 * Presses a key on a control `times` times, each press one update, and
 * waits for the world to catch up.
 * @param {Page} page
 * @param {string} testid
 * @param {string} key
 * @param {number} times
 */
async function press(page, testid, key, times) {
  const control = page.getByTestId(testid);
  await control.focus();
  for (let i = 0; i < times; i++) await control.press(key);
  await settle(page);
}

/** Waits until no update is pending and the quiet-time work (tables, live summary) is done. */
async function settle(/** @type {Page} */ page) {
  await page.waitForFunction(() => document.getElementById('results')?.getAttribute('aria-busy') !== 'true');
  await page.waitForTimeout(1000);
}

/** The cells of the data table behind a chart, row by row. */
const tableOf = (/** @type {Page} */ page, /** @type {string} */ testid) => page.getByTestId(`${testid}-table`).locator('tbody tr')
  .evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent ?? '')));

test('the S-curve shows the scores under it, and the sentences say why noise moves the rate either way', async () => {
  const { page, context, errors } = await openPage(browser);
  await page.setViewportSize({ width: 1440, height: 900 });
  await settle(page);
  // Log-odds is defined where the word first appears on the page.
  const first = await page.evaluate(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.textContent?.includes('log-odds')) return node.parentElement?.tagName;
    }
    return null;
  });
  assert.equal(first, 'DFN');
  // The picture: the curve, both histograms, the mean score and the rate.
  const rows = await tableOf(page, 'chart-score');
  const mean = rows.find((r) => r[0] === 'mean score');
  assert.ok(mean && Number(mean[2]) > 2 && mean[3].endsWith('%'), `mean score row: ${mean}`);
  assert.deepEqual(rows.find((r) => r[0] === 'share who convert')?.[3], '86.5%');
  const counted = rows.filter((r) => /to under/.test(r[0]) || /below|above/.test(r[0]))
    .reduce((sum, r) => sum + Number(r[2].replaceAll(',', '')), 0);
  assert.equal(counted, 5000, 'every user is under the curve, on the axis or beside it');
  assert.match(await page.getByTestId('curve-why').textContent() ?? '', /^Most users sit on the flat top of the S: the curve at their mean score, 2\.\d\d, gives 9\d\.\d%, yet 86\.5% convert\./);

  // σ 0.80 → 3.00 at b0 = 0: the rate falls, because the users sit on the top.
  await press(page, 'noise-sigma', 'ArrowRight', 44);
  const top = await page.getByTestId('explanation').textContent() ?? '';
  assert.match(top, /^Raising noise σ from 0\.80 to 3\.00 moved the conversion rate from 86\.5% to 7\d\.\d%: [\d,]+ fewer of 5,000 users convert\. Why: the spread of their scores went from 1\.37 to 3\.\d\d\. Most users sit on the flat top of the S/);
  assert.match(await page.getByTestId('chart-score').locator('.legend').textContent() ?? '', /spread 3\.\d\d vs 1\.12/, 'the picture moved with the slider');

  // The same move at b0 = −4.5: the rate rises, because they sit on the bottom.
  const low = await openPage(browser, '#baseline=-4.5');
  await settle(low.page);
  const rateBefore = await rateOf(low.page);
  await press(low.page, 'noise-sigma', 'ArrowRight', 44);
  assert.ok(await rateOf(low.page) > rateBefore);
  assert.match(await low.page.getByTestId('explanation').textContent() ?? '', /moved the conversion rate from \d+\.\d% to \d+\.\d%: [\d,]+ more of 5,000 users convert\. Why: .* Most users sit on the flat bottom of the S .* lifts some of them up the steep side/);

  // The first users' table explains its columns and fits at 1440 px: true p visible without scrolling.
  assert.match(await page.locator('#rows-help').innerText(), /true p is what the S-curve makes of that score/);
  const fit = await page.locator('#rows-heading ~ .scroll').evaluate((box) => ({ scroll: box.scrollWidth, client: box.clientWidth }));
  assert.ok(fit.scroll <= fit.client, `the users' table scrolls at 1440 px: ${fit.scroll} > ${fit.client}`);
  const p = await page.locator('table.users th', { hasText: 'true p' }).boundingBox();
  assert.ok(p && p.x + p.width <= 1440);
  assert.deepEqual(errors, []);
  await low.context.close();
  await context.close();
});

test('charts count from 0, bin whole values whole, and show how sure each rate is', async () => {
  const { page, context } = await openPage(browser);
  await settle(page);
  for (const column of ['days_since_signup', 'sessions_7d', 'content_hours_7d', 'downloads_7d', 'paywall_views_7d']) {
    const caption = await page.getByTestId(`chart-${column}-table`).locator('caption').textContent() ?? '';
    assert.match(caption, /Across: .+\. Up: users, from 0 to [\d,]+\. Up: share who convert, from 0% to 100%\./, column);
  }
  const days = await tableOf(page, 'chart-days_since_signup');
  assert.equal(days.length, 59, 'days 1..=59: a bar a day, no half-empty last bin');
  assert.deepEqual([days[0][0], days[58][0]], ['1', '59']);
  // Every rate carries its 95% interval; a bin of a few users has a wide one.
  const sessions = await tableOf(page, 'chart-sessions_7d');
  for (const [, users, , rate, interval] of sessions) {
    if (rate === '–') continue;
    assert.match(interval, /^\d+\.\d% to \d+\.\d%$/);
    const [lo, hi] = interval.split(' to ').map((x) => Number(x.replace('%', '')));
    const n = Number(users.replaceAll(',', ''));
    if (n < 30) assert.ok(hi - lo > 10, `${n} users: ${interval} should be wide`);
  }
  assert.match(await page.getByTestId('chart-sessions_7d').locator('.legend').textContent() ?? '', /95% interval.*fewer than 30 users/);
  const tiers = await tableOf(page, 'chart-tiers');
  assert.equal(tiers.length, 3);
  assert.match(tiers[0][4], /^\d+\.\d% to \d+\.\d%$/);
  await context.close();
});

test('on a phone the rate stays in view while a slider moves, and nothing is cut off', async () => {
  const { page, context } = await openPage(browser);
  await page.setViewportSize({ width: 390, height: 844 });
  const slider = page.getByTestId('weight-paywall_views_7d');
  await slider.scrollIntoViewIfNeeded();
  const before = await page.getByTestId('sticky-summary').innerText();
  await slider.focus();
  for (let i = 0; i < 30; i++) await slider.press('ArrowRight');
  await settle(page);
  const sticky = await page.getByTestId('sticky-summary').boundingBox();
  const thumb = await slider.boundingBox();
  assert.ok(sticky && sticky.y >= 0 && sticky.y + sticky.height <= 844, `summary out of view: ${JSON.stringify(sticky)}`);
  assert.ok(thumb && thumb.y >= sticky.y + sticky.height && thumb.y + thumb.height <= 844, 'the slider is in view below it');
  const after = await page.getByTestId('sticky-summary').innerText();
  assert.notEqual(after, before);
  assert.ok(after?.startsWith(await page.getByTestId('conversion-rate').textContent() ?? '?'), `${after}`);
  // Nothing wider than the screen; the tables say they scroll.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390);
  for (const box of await page.locator('figure.chart, .panel, .banner').all()) {
    const b = await box.boundingBox();
    if (b) assert.ok(b.x >= 0 && b.x + b.width <= 390.5, `cut off: ${JSON.stringify(b)}`);
  }
  const hint = page.locator('.scroll-hint').first();
  await hint.scrollIntoViewIfNeeded();
  assert.ok(await hint.isVisible());
  await context.close();
});

test('a link keeps each valid value, names each refused one, and widens a slider for a value beyond it', async () => {
  const partial = await openPage(browser, '#seed=7&rows=1000&noiseSigma=-1');
  await partial.page.locator('#rate-detail').filter({ hasText: 'of 1,000 users converted (seed 7).' }).waitFor();
  assert.match(await partial.page.locator('#link-problems').textContent() ?? '', /Noise σ must be from 0 to 100 \(got "-1"\); using the contract's 0\.80\./);
  assert.equal(await partial.page.getByTestId('noise-sigma').getAttribute('aria-valuetext'), '0.80');
  await partial.context.close();

  const { page, context } = await openPage(browser, '#weights.sessions_7d=50');
  const slider = page.getByTestId('weight-sessions_7d');
  assert.equal(await page.locator('#f-weights-sessions_7d-value').textContent(), '50.00');
  assert.ok(Number(await slider.getAttribute('max')) >= 50, 'the range widened to the linked value');
  assert.equal(await slider.inputValue(), '50');
  await press(page, 'weight-sessions_7d', 'ArrowLeft', 1);
  assert.equal(await slider.inputValue(), '49.99');
  assert.equal(await page.locator('#f-weights-sessions_7d-value').textContent(), '49.99');
  assert.equal(await slider.getAttribute('aria-valuetext'), '49.99');
  const csv = await downloadCsv(page);
  assert.ok(csv.bytes.equals(cli(['generate', '--rows', '5000', '--seed', '42', '--weight-sessions-7d', '49.99'])));
  // The parameters file round-trips through the CLI too.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-params').click()]);
  const file = join(await mkdtemp(join(tmpdir(), 'conversion-e2e-')), 'params.json');
  await download.saveAs(file);
  assert.ok(csv.bytes.equals(cli(['generate', '--params', file])));
  // …and so does the page's own link.
  await page.waitForFunction(() => location.hash.includes('weights.sessions_7d=49.99'));
  const again = await openPage(browser, new URL(page.url()).hash);
  assert.equal(await again.page.locator('#f-weights-sessions_7d-value').textContent(), '49.99');
  assert.ok((await downloadCsv(again.page)).bytes.equals(csv.bytes));
  await again.context.close();
  await context.close();
});

test('tier shares follow each other, and messages use labels, not internal names', async () => {
  const { page, context, errors } = await openPage(browser);
  await page.locator('summary').filter({ hasText: 'Advanced' }).click();
  const share = (/** @type {number} */ n) => page.getByTestId(`tier-mix-tier_${n}`);
  await share(1).fill('0.5');
  await share(1).press('Enter');
  await page.locator('#rate-detail').filter({ hasNotText: '4,323 of 5,000' }).waitFor();
  assert.deepEqual([await share(2).inputValue(), await share(3).inputValue()], ['0.4', '0.1']);
  assert.equal(await page.locator('#tierMix-error').isHidden(), true);
  assert.equal(await page.locator('[aria-invalid="true"]').count(), 0, 'no error state on the way');
  const csv = await downloadCsv(page);
  assert.ok(csv.bytes.equals(cli(['generate', '--rows', '5000', '--seed', '42', '--tier-1-share', '0.5', '--tier-2-share', '0.4', '--tier-3-share', '0.1'])));
  await share(1).fill('0.7');
  await share(1).press('Enter');
  await page.waitForFunction(() => location.hash.includes('tierMix.tier_1=0.7'));
  assert.deepEqual([await share(2).inputValue(), await share(3).inputValue()], ['0.3', '0']);

  /** @type {string[]} */
  const messages = [];
  for (const [testid, value, where] of [
    ['tier-mix-tier_2', 'abc', '#f-tierMix-tier_2-error'],
    ['days-max', '0', '#f-distributions-days_since_signup-max-error'],
    ['sessions-lambda', 'hello', '#f-distributions-sessions_7d-lambda-error'],
    ['rows', 'lots', '#f-rows-error'],
  ]) {
    await page.getByTestId(testid).fill(value);
    await page.getByTestId(testid).press('Enter');
    await page.locator(where).filter({ hasText: /\S/ }).waitFor();
    messages.push(await page.locator(where).textContent() ?? '');
  }
  assert.equal(messages[0], 'Share of users in tier 2 must be a number (got "abc").');
  for (const m of messages) {
    assert.doesNotMatch(m, /tierMix|distributions\.|weights\.|invalid type|expected f64|\.\.$|\)\.\./, m);
    assert.match(m, /[^.]\.$/, `one full stop: ${m}`);
  }
  await page.getByTestId('rows').fill('1');
  await page.getByTestId('rows').press('Enter');
  await page.locator('#rate-detail').filter({ hasText: /^[01] of 1 user converted/ }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('inputs show what is in use: a refused seed gives way, separators are read, progress while drawing', async () => {
  const { page, context } = await openPage(browser);
  await page.getByTestId('seed').fill('xyz');
  await page.getByTestId('seed').press('Enter');
  await page.locator('#f-seed-error').filter({ hasText: 'Seed must be a whole number' }).waitFor();
  await press(page, 'baseline-b0', 'ArrowLeft', 1);
  assert.equal(await page.getByTestId('seed').inputValue(), '42', 'the field shows the seed the data use');
  assert.equal(await page.locator('#f-seed-error').isHidden(), true);
  assert.match(await page.locator('#rate-detail').textContent() ?? '', /\(seed 42\)/);

  // Every slider says its value to a screen reader as its readout shows it.
  for (const slider of await page.locator('input[type="range"]').all()) {
    const id = await slider.getAttribute('id');
    assert.equal(await slider.getAttribute('aria-valuetext'), await page.locator(`#${id}-value`).textContent());
  }
  // One polite live region, not one per message.
  assert.equal(await page.locator('[aria-live], [role="status"], [role="alert"], [role="log"]').count(), 1);
  assert.match(await page.getByTestId('live-summary').textContent() ?? '', /^\d+\.\d% of 5,000 users convert\./);

  // 1,000,000 as the preset buttons write it; the page says it is busy meanwhile.
  await page.getByTestId('rows').fill('1,000,000');
  const busy = page.waitForFunction(() => document.getElementById('results')?.getAttribute('aria-busy') === 'true'
    && !document.getElementById('progress')?.hidden, null, { polling: 5 });
  await page.getByTestId('rows').press('Enter');
  await busy;
  await page.locator('#rate-detail').filter({ hasText: 'of 1,000,000 users converted' }).waitFor({ timeout: 60_000 });
  await settle(page);
  assert.equal(await page.getByTestId('rows').inputValue(), '1,000,000');
  assert.equal(await page.getByTestId('progress').isHidden(), true);
  await context.close();
});

test('axe finds no serious or critical violation: default, advanced open, and at 390 px', async () => {
  const { page, context } = await openPage(browser);
  await settle(page);
  assert.deepEqual(await seriousViolations(page), [], 'default state');
  await page.locator('summary').filter({ hasText: 'Advanced' }).click();
  assert.deepEqual(await seriousViolations(page), [], 'advanced group open');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  assert.deepEqual(await seriousViolations(page), [], 'at 390 px');
  // axe cannot see inside a canvas: every chart has its numbers in a table
  // (the world's 7 and the uplift lab's 3, once the lab has drawn).
  await page.locator('#uplift-panel[data-state="settled"]').waitFor();
  const charts = await page.locator('figure.chart').all();
  assert.equal(charts.length, 10);
  for (const chart of charts) {
    assert.equal(await chart.locator('.chart-box').getAttribute('aria-hidden'), 'true');
    assert.ok(await chart.locator('table tbody tr').count() >= 3);
  }
  await context.close();
});

test('pin a world to compare, undo and redo control changes, save a chart as PNG', async () => {
  const { page, context } = await openPage(browser);
  await page.getByTestId('pin-world').click();
  assert.equal(await page.getByTestId('pin-world').getAttribute('aria-pressed'), 'true');
  const rates = [await page.getByTestId('conversion-rate').textContent()];
  const sigma = page.getByTestId('noise-sigma');
  for (let i = 0; i < 3; i++) {
    await press(page, 'noise-sigma', 'ArrowRight', 1);
    rates.push(await page.getByTestId('conversion-rate').textContent());
  }
  assert.equal(await sigma.inputValue(), '0.95');
  const row = await page.getByTestId('pinned').locator('tr', { hasText: 'conversion rate' }).locator('td').allTextContents();
  assert.deepEqual(row.slice(0, 2), ['86.5%', rates[3]]);
  assert.match(row[2], /^[−+]?\d+\.\d pts$/);

  await page.getByTestId('undo').click();
  await settle(page);
  assert.equal(await sigma.inputValue(), '0.9');
  assert.equal(await page.getByTestId('conversion-rate').textContent(), rates[2]);
  await page.locator('body').press('Control+z');
  await settle(page);
  assert.equal(await sigma.inputValue(), '0.85');
  await page.locator('body').press('Control+Shift+z');
  await settle(page);
  assert.equal(await sigma.inputValue(), '0.9');
  assert.equal(await page.getByTestId('conversion-rate').textContent(), rates[2]);
  await page.getByTestId('redo').click();
  await settle(page);
  assert.equal(await sigma.inputValue(), '0.95');
  assert.equal(await page.getByTestId('redo').isDisabled(), true);

  // A drag is one step, however many values it passed through.
  const b0 = page.getByTestId('baseline-b0');
  await b0.scrollIntoViewIfNeeded();
  const box = /** @type {{x: number, y: number, width: number, height: number}} */ (await b0.boundingBox());
  const y = box.y + box.height / 2;
  const at = (/** @type {number} */ f) => box.x + 8 + f * (box.width - 16);
  await page.mouse.move(at(8 / 12), y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) {
    await page.mouse.move(at(8 / 12 - i * 0.04), y);
    await page.waitForTimeout(30);
  }
  await page.mouse.up();
  await settle(page);
  assert.ok(Number(await b0.inputValue()) < -1);
  await page.getByTestId('undo').click();
  await settle(page);
  assert.equal(await b0.inputValue(), '0');
  assert.equal(await sigma.inputValue(), '0.95');

  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-score-png').click()]);
  assert.match(png.suggestedFilename(), /^conversion_seed-42_rows-5000_[0-9a-f]{10}_score\.png$/);
  const bytes = await (await import('node:fs/promises')).readFile(await png.path());
  assert.deepEqual([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG');
  assert.ok(bytes.readUInt32BE(16) >= 480, 'a picture wide enough for a slide');
  await context.close();
});

test('two worlds never share a file name, and a drag does not refetch the favicon', async () => {
  const { page, context } = await openPage(browser);
  const first = (await downloadCsv(page)).name;
  await press(page, 'weight-downloads_7d', 'ArrowRight', 1);
  const second = (await downloadCsv(page)).name;
  assert.notEqual(first, second);
  assert.match(second, /^conversion_seed-42_rows-5000_[0-9a-f]{10}\.csv$/);
  let favicons = 0;
  page.on('request', (r) => { if (r.url().endsWith('favicon.svg')) favicons++; });
  const slider = page.getByTestId('tier-effect-tier_2');
  await slider.focus();
  for (let i = 0; i < 12; i++) await slider.press('ArrowRight');
  await settle(page);
  assert.ok(favicons <= 1, `${favicons} favicon fetches for 12 quick steps`);
  await page.waitForFunction(() => location.hash.includes('tierEffects.tier_2=0.9'));
  await context.close();
});
