// The decisions (issue 10), items 1, 3 and 7: bands to move (the
// histogram's thresholds dragged by pointer and by keyboard, the band table
// following), gains and lift, and the scored users out: every figure
// against counts made here from the held-out rows of the page's own scored
// users, which are byte for byte what `conversion score --format csv`
// writes for the page's model and CSV.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { launch, openPage, cli, CONVERSION_BIN } from './support.mjs';
import { text, worldFiles } from './model-support.mjs';
import { asLift, asPercent, bandsByHand, decided, download, heldOut, reportLine } from './decide-support.mjs';
import { seriousViolations } from './axe.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * Asserts the band table shows `want`.
 * @param {import('playwright-core').Page} page
 * @param {ReturnType<typeof bandsByHand>} want
 */
async function sameBands(page, want) {
  for (const b of want) {
    assert.equal(await text(page, `band-users-${b.band}`), b.users, `${b.band} users`);
    assert.equal(await text(page, `band-rate-${b.band}`), b.rate, `${b.band} rate`);
    assert.equal(await text(page, `band-lift-${b.band}`), b.lift, `${b.band} lift`);
    assert.equal(await text(page, `band-capture-${b.band}`), b.capture, `${b.band} capture`);
  }
}

test('item 1: the band table is the held-out rows of the scored users, counted, as thresholds move by keyboard and by pointer', async () => {
  // A world near 50% conversion, so every band holds users.
  const { page, context, errors } = await openPage(browser, '#rows=20000&seed=9&baseline=-2.4');
  await decided(page);
  assert.equal(await page.getByTestId('band-high').inputValue(), '0.7');
  assert.equal(await page.getByTestId('band-medium').inputValue(), '0.4');
  const users = heldOut((await download(page, 'download-scored')).bytes);
  assert.equal(users.length, 4_000, 'the 20% held out');
  assert.match(await text(page, 'decide-scope'), /4,000 held-out users/);
  await sameBands(page, bandsByHand(users, 0.7, 0.4));
  assert.equal(await text(page, 'band-share-high'), asPercent(users.filter((u) => u.p >= 0.7).length / users.length));

  // The keyboard: five steps of 0.01 up the high threshold.
  await page.getByTestId('band-high').focus();
  for (let k = 0; k < 5; k++) await page.keyboard.press('ArrowRight');
  await decided(page);
  assert.equal(await page.getByTestId('band-high').inputValue(), '0.75');
  await sameBands(page, bandsByHand(users, 0.75, 0.4));

  // The pointer: the medium line dragged from 0.40 to about 0.55 on the chart.
  const box = /** @type {{x: number, y: number, width: number, height: number}} */ (await page.locator('#band-chart .u-over').boundingBox());
  const x = (/** @type {number} */ t) => box.x + t * box.width;
  await page.mouse.move(x(0.4), box.y + box.height / 2);
  await page.mouse.down();
  for (const t of [0.45, 0.5, 0.55]) await page.mouse.move(x(t), box.y + box.height / 2);
  await page.mouse.up();
  await decided(page);
  const medium = Number(await page.getByTestId('band-medium').inputValue());
  assert.ok(Math.abs(medium - 0.55) <= 0.011, `dragged to ${medium}`);
  await sameBands(page, bandsByHand(users, 0.75, medium));
  // Dragging medium past high pushes high along: the bands stay ordered.
  await page.getByTestId('band-medium').focus();
  await page.keyboard.press('End');
  await decided(page);
  assert.equal(await page.getByTestId('band-high').inputValue(), '1');
  assert.equal(await text(page, 'band-users-medium'), '0');
  // The link keeps the thresholds, once the keys pause.
  await page.waitForFunction(() => /bandHigh=1&bandMedium=1/.test(location.hash));
  assert.deepEqual(await seriousViolations(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 3: gains and lift at the top 10/20/30% are the held-out rows counted, and the CLI\'s', async () => {
  const { page, context, errors } = await openPage(browser, '#rows=20000&seed=9&baseline=-2.4');
  await decided(page);
  const { csv, params } = await worldFiles(page);
  const users = heldOut((await download(page, 'download-scored')).bytes);
  // Highest probability first; among equal ones, the later user first (the core's ranking).
  const ranked = [...users].sort((a, b) => b.p - a.p || b.index - a.index);
  const total = users.filter((u) => u.converted).length;
  const report = cli(['fit', csv, '--params', params]).toString();
  for (const share of [10, 20, 30]) {
    const k = Math.round((share / 100) * users.length);
    const caught = ranked.slice(0, k).filter((u) => u.converted).length;
    const lift = caught / k / (total / users.length);
    assert.equal(await text(page, `gains-${share}`), asPercent(caught / total), `top ${share}% caught`);
    assert.equal(await text(page, `lift-${share}`), asLift(lift), `top ${share}% lift`);
    // `conversion fit` prints the same gains for the same users.
    const line = reportLine(report, `${share}%`).trim().split(/\s+/);
    assert.equal(`${line[2]}×`, asLift(lift), `the CLI's lift at ${share}%`);
  }
  // The chart has the model, the oracle (generated world) and random.
  const legend = await page.locator('#gains-chart .u-legend').textContent();
  assert.match(legend ?? '', /the model.*oracle.*at random/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 7: "Download scored users" is byte for byte what conversion score --format csv writes', async () => {
  const { page, context, errors } = await openPage(browser, '#rows=20000&seed=9&bandHigh=0.8');
  await decided(page);
  const { dir, csv } = await worldFiles(page);
  const [model] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-model').click()]);
  const modelPath = join(dir, 'model.json');
  await model.saveAs(modelPath);
  const scored = await download(page, 'download-scored');
  assert.equal(scored.name, 'conversion_scored_seed-9_rows-20000.csv');
  const header = String(scored.bytes).split('\n', 1)[0];
  assert.equal(header, 'days_since_signup,sessions_7d,content_hours_7d,downloads_7d,paywall_views_7d,country_tier,converted,probability,segment,held_out');
  // The model file carries the bands on screen, so its own thresholds give the same segments.
  const plain = execFileSync(CONVERSION_BIN, ['score', '--model', modelPath, '--format', 'csv', csv], { maxBuffer: 1 << 30 });
  assert.ok(plain.equals(scored.bytes), 'the same bytes as conversion score --model M --format csv');
  // The command the page names gives them too.
  const command = await text(page, 'scored-command');
  assert.equal(command, 'conversion score --model MODEL.json --format csv --high 0.8 --medium 0.4 --test-fraction 0.2 --split-seed 42 < USERS.csv');
  const flags = command.split(' ').slice(1, -2).map((w) => (w === 'MODEL.json' ? modelPath : w));
  const named = execFileSync(CONVERSION_BIN, [...flags, csv], { maxBuffer: 1 << 30 });
  assert.ok(named.equals(scored.bytes));
  // And the rows are the world's CSV, each with its three columns.
  const world = String(await (await import('node:fs/promises')).readFile(csv)).trimEnd().split('\n');
  const lines = String(scored.bytes).trimEnd().split('\n');
  assert.equal(lines.length, world.length);
  assert.ok(lines[1].startsWith(`${world[1]},`));
  await writeFile(join(dir, 'scored.csv'), scored.bytes);
  assert.deepEqual(errors, []);
  await context.close();
});
