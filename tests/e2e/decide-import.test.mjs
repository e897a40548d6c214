// The decisions (issue 10), item 6: a person's own data. A CSV written by an
// independent tool (Python's csv module: CRLF line ends, the pipeline's
// Tier_1 spelling) or by hand is imported by the file picker or dropped on
// the page, read and checked in the worker by `conversion validate`'s
// rules, and becomes the world: rows, rate, charts, a cold fit equal to
// `conversion fit FILE`'s, decisions judged by the labels; what needs the
// truth says "unknown for imported data", the sliders and the target rate
// are off, the link says the data are imported. A malformed file lists its
// problems (the first 20, then a count) and leaves the world, the model and
// the decisions as they were.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPage, cli, CONVERSION_BIN } from './support.mjs';
import { text } from './model-support.mjs';
import { asPercent, decided, reportLine } from './decide-support.mjs';
import { seriousViolations } from './axe.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const HEADER = 'days_since_signup,sessions_7d,content_hours_7d,downloads_7d,paywall_views_7d,country_tier,converted';

/** Users written by Python's csv module: CRLF line ends, hours with one decimal, Tier_ spelled as the pipeline did. */
const PYTHON = `
import csv, random, sys
random.seed(7)
with open(sys.argv[1], 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(${JSON.stringify(HEADER.split(','))})
    for i in range(3000):
        s, d = random.randint(0, 9), random.randint(0, 4)
        p = 1 / (1 + 2.718281828 ** -(-3 + 0.4 * s + 0.6 * d))
        w.writerow([random.randint(1, 90), s, round(random.random() * 10, 1), d, random.randint(0, 3),
                    random.choice(['Tier_1', 'Tier_2', 'Tier_3']), int(random.random() < p)])
`;

/**
 * A CSV written by Python's csv module, or, without Python, the same kind
 * of file written here by hand (CRLF, Tier_1).
 * @param {string} dir
 */
async function independentCsv(dir) {
  const path = join(dir, 'own.csv');
  try {
    execFileSync('python3', ['-c', PYTHON, path]);
  } catch {
    const rows = Array.from({ length: 3000 }, (_, i) => `${1 + (i % 90)},${i % 10},${(i % 97) / 10},${i % 5},${i % 4},Tier_${1 + (i % 3)},${(i * 7) % 11 < 5 ? 1 : 0}`);
    await writeFile(path, `${HEADER}\r\n${rows.join('\r\n')}\r\n`);
  }
  const bytes = await readFile(path);
  assert.ok(bytes.includes('\r\n') && bytes.includes('Tier_1'), 'CRLF and Tier_1, as the pipeline wrote');
  return path;
}

test('item 6: a CSV from another tool becomes the world; the model, the decisions and the link follow', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conversion-import-'));
  const path = await independentCsv(dir);
  const { page, context, errors } = await openPage(browser, '#rows=20000&seed=9&valuePerConversion=50&costPerContact=20');
  await decided(page);
  await page.getByTestId('import-csv').setInputFiles(path);
  await page.locator('#rate-detail').filter({ hasText: 'imported from own.csv' }).waitFor();
  await decided(page);
  // The file's users: rows and rate counted here.
  const lines = String(await readFile(path)).trimEnd().split('\r\n').slice(1);
  const converted = lines.filter((l) => l.endsWith(',1')).length;
  assert.equal((await page.locator('#rate-detail').textContent())?.trim(), `${converted.toLocaleString('en-US')} of 3,000 users converted (imported from own.csv).`);
  assert.equal(await text(page, 'conversion-rate'), asPercent(converted / 3000));
  // What needs the truth says so; the sliders and the target rate are off, with a note.
  assert.equal(await text(page, 'true-sessions_7d'), 'unknown for imported data');
  assert.equal(await text(page, 'best-sessions_7d'), 'unknown for imported data');
  assert.equal(await text(page, 'auc-oracle'), 'unknown for imported data');
  assert.equal(await text(page, 'profit-best-possible'), 'unknown for imported data');
  assert.equal(await text(page, 'profit-oracle'), 'unknown for imported data');
  assert.equal(await text(page, 'whatif-true-probability'), 'unknown for imported data');
  assert.match(await text(page, 'curve-why'), /^Unknown for imported data/);
  assert.equal(await page.getByTestId('rows-unknown').isVisible(), true);
  assert.equal(await page.getByTestId('baseline-b0').isDisabled(), true);
  assert.equal(await page.getByTestId('weight-sessions_7d').isDisabled(), true);
  assert.equal(await page.getByTestId('target-rate').isDisabled(), true);
  assert.match(await text(page, 'import-note'), /come from own\.csv \(3,000 users\).*sliders and the target rate shape generated worlds, so they are off.*a file cannot travel in a URL/);
  await page.waitForFunction(() => location.hash.includes('data=imported'));
  assert.match(await text(page, 'judged-by'), /The truth is unknown for imported data: every policy is judged by who actually converted/);
  // The model on screen is a cold fit, as conversion fit FILE makes it.
  const [saved] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-model').click()]);
  const mine = JSON.parse(await readFile(/** @type {string} */ (await saved.path()), 'utf8'));
  cli(['fit', path, '--output', join(dir, 'cli.json')]);
  const theirs = JSON.parse(await readFile(join(dir, 'cli.json'), 'utf8'));
  assert.deepEqual(mine.coefficients, theirs.coefficients);
  assert.equal(mine.intercept, theirs.intercept);
  // The decisions are conversion fit's, judged by the labels.
  const report = cli(['fit', path, '--value-per-conversion', '50', '--cost-per-contact', '20']).toString();
  assert.match(report, /profits judged by who converted/);
  const best = reportLine(report, 'most profitable').match(/≥ ([\d.]+) \(([\d,]+) users\), expected profit (-?[\d,]+\.\d\d)/);
  assert.ok(best);
  assert.equal(await text(page, 'best-threshold'), best[1]);
  assert.equal(await text(page, 'best-profit'), best[3]);
  const high = reportLine(report, 'high_intent').trim().split(/\s+/);
  assert.equal(await text(page, 'band-users-high'), high[1]);
  assert.deepEqual(await seriousViolations(page), []);

  // Back to a generated world: the sliders return, the link forgets the file.
  await page.getByTestId('import-leave').click();
  await page.locator('#rate-detail').filter({ hasText: '(seed 9)' }).waitFor();
  await decided(page);
  assert.equal(await page.getByTestId('baseline-b0').isDisabled(), false);
  assert.equal(await page.getByTestId('target-rate').isDisabled(), false);
  await page.waitForFunction(() => !location.hash.includes('data=imported'));
  assert.notEqual(await text(page, 'true-sessions_7d'), 'unknown for imported data');
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 6: a file dropped on the page is imported; a link made from imported data says it cannot carry them', async () => {
  const { page, context, errors } = await openPage(browser, '#rows=20000&data=imported');
  await decided(page);
  assert.match(await text(page, 'import-note'), /This link was made from imported data, which cannot travel in a URL/);
  await page.waitForFunction(() => !location.hash.includes('data=imported'), null, { timeout: 5_000 });
  // A hand-written file, dropped anywhere on the page.
  const rows = Array.from({ length: 400 }, (_, i) => `${1 + (i % 30)},${i % 7},${(i % 13) / 4},${i % 3},${i % 2},${['Tier_1', 'tier_2', 'Tier_3'][i % 3]},${i % 5 < 2 ? 1 : 0}`);
  const csv = `\ufeff${HEADER}\r\n${rows.join('\r\n')}\r\n`;
  await page.evaluate((content) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([content], 'dropped.csv', { type: 'text/csv' }));
    document.querySelector('main')?.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, csv);
  await page.locator('#rate-detail').filter({ hasText: '160 of 400 users converted (imported from dropped.csv).' }).waitFor();
  await decided(page);
  await page.waitForFunction(() => location.hash.includes('data=imported'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 6: a malformed file lists its problems, the first 20 and a count, and changes nothing', async () => {
  const { page, context, errors } = await openPage(browser, '#rows=20000&seed=9');
  await decided(page);
  const before = {
    rate: (await page.locator('#rate-detail').textContent())?.trim(),
    learned: await text(page, 'learned-downloads_7d'),
    profit: await text(page, 'best-profit'),
    band: await text(page, 'band-users-high'),
    hash: await page.evaluate(() => location.hash),
  };
  const good = '3,1,1.5,0,1,tier_1,1';
  const bad = Array.from({ length: 24 }, (_, i) => (i === 0 ? '3,1,1.5,0,1,tier_9,1' : `${i % 2 ? 0 : 5},1,1.555,0,1,tier_1,1`));
  const dir = await mkdtemp(join(tmpdir(), 'conversion-import-'));
  const path = join(dir, 'broken.csv');
  await writeFile(path, [HEADER, good, ...bad, good].join('\n'));
  await page.getByTestId('import-csv').setInputFiles(path);
  const problems = page.getByTestId('import-problems');
  await problems.filter({ hasText: 'does not meet the data contract' }).waitFor();
  const items = await problems.locator('li').allTextContents();
  // validate lists the same problems.
  let validate = '';
  try {
    execFileSync(CONVERSION_BIN, ['validate', path], { stdio: 'pipe' });
  } catch (error) {
    validate = String(/** @type {{stderr: Buffer}} */ (error).stderr);
  }
  const total = Number(validate.match(/\((\d+) problems\)/)?.[1]);
  assert.ok(total > 20, `${total} problems`);
  assert.equal(items.length, 21, 'the first 20, then a count');
  assert.equal(items[0], 'line 3, column 6 (country_tier): must be tier_1, tier_2 or tier_3 (or Tier_1, Tier_2, Tier_3) (got "tier_9")');
  assert.equal(items[20], `… and ${total - 20} more`);
  for (const item of items.slice(0, 20)) assert.ok(validate.includes(`  ${item}\n`), `validate says ${item}`);
  assert.match(await problems.locator('p').textContent() ?? '', new RegExp(`broken\\.csv does not meet the data contract \\(${total} problems\\); nothing was imported`));
  // Nothing moved.
  await decided(page);
  assert.equal((await page.locator('#rate-detail').textContent())?.trim(), before.rate);
  assert.equal(await text(page, 'learned-downloads_7d'), before.learned);
  assert.equal(await text(page, 'best-profit'), before.profit);
  assert.equal(await text(page, 'band-users-high'), before.band);
  assert.equal(await page.evaluate(() => location.hash), before.hash);
  assert.equal(await page.getByTestId('baseline-b0').isDisabled(), false);
  assert.deepEqual(errors, []);
  await context.close();
});
