// The uplift lab (issue 13), item by item, on the lesson's world of 20,000
// users: the four groups per intent band next to the S-curve, live as τ
// moves; the policies for a budget judged by the truth; the experiment read
// as an analyst would, with re-runs; everything by link. Every number the
// page shows is checked against `conversion experiment` on the page's own
// files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './support.mjs';
import { LESSON, experiment, json, labFiles, labSettled, text } from './uplift-support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const GROUPS = ['sure-things', 'persuadables', 'sleeping-dogs', 'lost-causes'];

test('item 1: the four groups, and per intent band of the model, equal the CLI\'s and move with τ', async () => {
  const { page, context, errors } = await openPage(browser, LESSON);
  await labSettled(page);
  const files = await labFiles(page);
  const cliView = experiment([files.csv, '--params', files.params, '--model', files.model]);
  assert.ok(cliView.groups, cliView.report);
  const shown = await Promise.all(GROUPS.map((g) => text(page, `group-${g}`)));
  assert.deepEqual(shown, cliView.groups);
  // High intent is mostly sure things: the lesson, with the users' own numbers.
  for (const band of ['high', 'medium', 'low']) {
    const row = cliView.bands[band];
    assert.ok(row, cliView.report);
    assert.equal(await text(page, `uplift-band-users-${band}`), row[0]);
    assert.equal(await text(page, `uplift-band-sureThings-${band}`), row[1]);
    assert.equal(await text(page, `uplift-band-persuadables-${band}`), row[2]);
    assert.equal(await text(page, `uplift-band-wasted-${band}`), row[5]);
  }
  const highSure = Number((await text(page, 'uplift-band-sureThings-high')).replace(/,/g, ''));
  const highUsers = Number((await text(page, 'uplift-band-users-high')).replace(/,/g, ''));
  assert.ok(highSure / highUsers > 0.75, `${highSure} of ${highUsers}`);
  assert.match(await text(page, 'uplift-bands-why'), /are sure things: they convert anyway/);
  assert.equal(await page.getByTestId('uplift-curve-chart').count(), 1);
  // τ moves, by keyboard: more persuadables, the same users.
  const before = Number((await text(page, 'group-persuadables')).replace(/,/g, ''));
  await page.getByTestId('offer-effect').focus();
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
  await labSettled(page);
  const after = Number((await text(page, 'group-persuadables')).replace(/,/g, ''));
  assert.ok(after > before, `${before} → ${after}`);
  assert.match(page.url(), /offer\.effect=1\.2(&|$)/);
  const total = (await Promise.all(GROUPS.map((g) => text(page, `group-${g}`)))).reduce((s, x) => s + Number(x.replace(/,/g, '')), 0);
  assert.equal(total, 20_000);
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 2: the policies for a budget, judged by the true effect, equal the CLI\'s', async () => {
  const { page, context, errors } = await openPage(browser, `${LESSON}&budget=0.3&discount=10`);
  await labSettled(page);
  const files = await labFiles(page);
  const cliView = experiment([files.csv, '--params', files.params, '--model', files.model, '--budget', '0.3', '--discount', '10']);
  assert.match(cliView.report, /policies for a budget of 30\.0% \(6,000 offers\)/);
  for (const policy of ['model_probability', 'oracle', 'best_possible', 'learned', 'random']) {
    const row = cliView.policies[policy];
    assert.ok(row, `${policy}\n${cliView.report}`);
    const [qini, qiniNoise, added, , cost, profit, sure, persuadable] = row;
    assert.equal(await text(page, `policy-qini-${policy}`), qini, `${policy} Qini`);
    assert.equal(await text(page, `policy-qini-noise-${policy}`), qiniNoise, `${policy} Qini with noise`);
    assert.equal(await text(page, `policy-added-${policy}`), added, `${policy} added`);
    assert.equal(await text(page, `policy-cost-${policy}`), cost, `${policy} cost`);
    assert.equal(await text(page, `policy-profit-${policy}`), profit, `${policy} profit`);
    assert.equal(await text(page, `policy-sureThings-${policy}`), sure, `${policy} sure things`);
    assert.equal(await text(page, `policy-persuadables-${policy}`), persuadable, `${policy} persuadables`);
  }
  // Targeting "high intent" wastes most offers and does worse than chance.
  assert.ok(parseFloat(await text(page, 'policy-wasted-model_probability')) > 90);
  assert.ok(parseFloat(await text(page, 'policy-qini-model_probability')) < 0);
  assert.ok(parseFloat(await text(page, 'policy-qini-learned')) > 0);
  assert.match(await text(page, 'uplift-policies-why'), /A probability is not a decision\./);
  // The budget slider, by keyboard: 31% offers more.
  await page.getByTestId('uplift-budget').focus();
  await page.keyboard.press('ArrowRight');
  await labSettled(page);
  assert.match(await text(page, 'uplift-policies-why'), /31\.0% of users \(6,200 offers\)/);
  assert.equal(await page.getByTestId('qini-chart').count(), 1);
  assert.equal(await page.getByTestId('profit-chart').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 3: the experiment as an analyst reads it equals the CLI\'s, and re-runs show how often it detects the truth', async () => {
  const { page, context, errors } = await openPage(browser, `${LESSON}&offer.treatedShare=0.4&offer.assignmentSeed=7`);
  await labSettled(page);
  const files = await labFiles(page);
  const params = await json(files.params);
  assert.deepEqual(params.offer, { effect: 0.8, fatigue: -0.25, tierEffects: { tier_1: 0, tier_2: 0, tier_3: 0 }, treatedShare: 0.4, assignmentSeed: '7' });
  const { report } = experiment([files.csv, '--params', files.params, '--minimum-effect', '2']);
  await page.getByTestId('minimum-effect').fill('2');
  await page.getByTestId('minimum-effect').press('Enter');
  await labSettled(page);
  const lift = report.match(/^lift: (\S+) points/m)?.[1];
  assert.equal(await text(page, 'lift-points'), lift);
  assert.equal(await text(page, 'p-value'), report.match(/p-value (\S+):/)?.[1]);
  assert.equal(await text(page, 'users-per-arm'), report.match(/([\d,]+) users per arm \(this/)?.[1]);
  assert.equal(await text(page, 'learned-qini'), report.match(/held-out users: (\S+)/)?.[1]);
  for (const arm of ['treated', 'control']) {
    const rate = report.match(new RegExp(`^${arm}\\s+\\S+\\s+\\S+\\s+(\\S+)`, 'm'))?.[1];
    assert.equal(await text(page, `arm-${arm}-rate`), rate, arm);
  }
  assert.match(await text(page, 'uplift-experiment-why'), /these users' mean of Y1 − Y0/);
  assert.match(await text(page, 'uplift-power'), /post-hoc power/);
  const trueArms = report.match(/to detect the true effect \((\S+) points over (\S+)\): ([\d,]+) users per arm/);
  assert.ok(trueArms, report);
  assert.match(await text(page, 'uplift-power'), new RegExp(`${trueArms[3]} users per arm`));
  // Re-run 20 experiments: new assignment seeds, the same users.
  await page.getByTestId('rerun-experiments').click();
  await page.getByTestId('rerun-summary').filter({ hasText: 'The test detected' }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('rerun-row').count(), 20);
  const summary = await text(page, 'rerun-summary');
  const [, detected, covered] = summary.match(/detected the true effect in (\d+) of 20.*?(\d+) of 20 intervals covered/) ?? [];
  assert.ok(Number(detected) >= 15, summary);
  assert.ok(Number(covered) >= 15, summary);
  assert.equal(await page.getByTestId('rerun-row').first().locator('th').textContent(), '8', 'the seeds after this one');
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 4: the lab travels by link; the lesson is one click from the contract\'s world', async () => {
  const { page, context, errors } = await openPage(browser, '#rows=2000');
  await labSettled(page);
  assert.equal(await text(page, 'group-persuadables'), '0', 'no offer: nobody is persuaded');
  await page.getByTestId('uplift-lesson').click();
  await page.getByTestId('conversion-rate').filter({ hasText: '%' }).waitFor();
  await labSettled(page);
  assert.equal(new URL(page.url()).hash, LESSON);
  assert.equal(await page.getByTestId('rows').inputValue(), '20,000');
  assert.equal(await page.getByTestId('offer-effect').inputValue(), '0.8');
  assert.ok(Number((await text(page, 'group-persuadables')).replace(/,/g, '')) > 1_000);
  // Every control of the lab in the link, read back on load.
  const hash = `${LESSON}&offer.tierEffects.tier_3=0.4&offer.treatedShare=0.3&budget=0.1&valuePerConversion=80&costPerContact=2&discount=5&minimumEffect=1.5`;
  const other = await openPage(browser, hash);
  await labSettled(other.page);
  assert.equal(await other.page.getByTestId('offer-tier-3-effect').inputValue(), '0.4');
  assert.equal(await other.page.getByTestId('treated-share').inputValue(), '0.3');
  assert.equal(await other.page.getByTestId('uplift-budget').inputValue(), '0.1');
  assert.equal(await other.page.getByTestId('uplift-value').inputValue(), '80');
  assert.equal(await other.page.getByTestId('uplift-discount').inputValue(), '5');
  assert.equal(await other.page.getByTestId('minimum-effect').inputValue(), '1.5');
  assert.match(await text(other.page, 'uplift-policies-why'), /10\.0% of users \(2,000 offers\)/);
  assert.equal(await other.page.locator('#link-problems').isHidden(), true, 'the world panel takes no lab key for a mistake');
  assert.deepEqual([...errors, ...other.errors], []);
  await other.context.close();
  await context.close();
});

test('a refused setting is named beside its control and nothing on screen is lost', async () => {
  const { page, context, errors } = await openPage(browser, LESSON);
  await labSettled(page);
  const profit = await text(page, 'policy-profit-learned');
  await page.getByTestId('uplift-discount').fill('1e9');
  await page.getByTestId('uplift-discount').press('Enter');
  await page.locator('#uplift-discount-error').filter({ hasText: 'The discount must be an amount from 0 to 10,000,000 (got "1000000000").' }).waitFor();
  await labSettled(page);
  assert.equal(await text(page, 'policy-profit-learned'), profit);
  assert.doesNotMatch(page.url(), /discount/);
  // The next change works, with the discount in use.
  await page.getByTestId('uplift-cost').fill('2');
  await page.getByTestId('uplift-cost').press('Enter');
  await labSettled(page);
  assert.notEqual(await text(page, 'policy-profit-learned'), profit);
  assert.deepEqual(errors, []);
  await context.close();
});
