// The model panel (issue 9), items 3, 4 and 8: learned, generating and
// best-possible weights with 95% intervals, odds ratios and weights per SD;
// signals left out; honest held-out metrics beside their baselines and
// ceilings; the threshold with its confusion matrix and curves; and every
// one of these numbers equal to what `conversion fit FILE --params PARAMS`
// prints for the page's own CSV and parameters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, cli } from './support.mjs';
import { parseReport, settled, text, worldFiles } from './model-support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const FEATURES = ['days_since_signup', 'sessions_7d', 'content_hours_7d', 'downloads_7d', 'paywall_views_7d', 'tier_2', 'tier_3', 'intercept'];

test('items 3, 4 and 8: every weight and metric on the page is what the CLI prints for the same data', async () => {
  const { page, context, errors } = await openPage(browser, '#rows=20000&seed=3');
  await settled(page);
  const { csv, params } = await worldFiles(page);
  const report = cli(['fit', csv, '--params', params]).toString();
  const { weights, truth, metrics } = parseReport(report);
  for (const f of FEATURES) {
    assert.equal(await text(page, `learned-${f}`), weights[f].weight, `learned ${f}`);
    assert.equal(await text(page, `learned-ci-${f}`), weights[f].interval, `interval ${f}`);
    assert.equal(await text(page, `per-sd-${f}`), weights[f].perSd, `per SD ${f}`);
    assert.equal(await text(page, `true-${f}`), truth[f].generating, `generating ${f}`);
    assert.equal(await text(page, `best-${f}`), truth[f].best, `best ${f}`);
  }
  assert.equal(await text(page, 'logloss-test'), metrics['log-loss']);
  assert.equal(await text(page, 'logloss-baseline'), metrics['know-nothing']);
  assert.equal(await text(page, 'logloss-irreducible'), metrics.irreducible);
  assert.equal(await text(page, 'auc'), metrics['ROC AUC']);
  assert.equal(await text(page, 'auc-best'), metrics['best achievable']);
  assert.equal(await text(page, 'auc-oracle'), metrics.oracle);
  assert.equal(await text(page, 'accuracy'), metrics['accuracy at 0.5']);
  assert.equal(await text(page, 'average-precision'), metrics['average precision']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 3: learned below generating, near the best possible, each inside its interval; leaving a signal out moves the rest', async () => {
  const { page, context, errors } = await openPage(browser, '#rows=20000');
  await settled(page);
  const number = async (/** @type {string} */ id) => Number(await text(page, id));
  for (const f of ['sessions_7d', 'content_hours_7d', 'downloads_7d', 'paywall_views_7d', 'tier_2', 'tier_3']) {
    const [generating, best, learned] = [await number(`true-${f}`), await number(`best-${f}`), await number(`learned-${f}`)];
    const shrink = best / generating;
    assert.ok(shrink > 0.9 && shrink < 0.94, `${f}: best possible ${best} is ${shrink} × generating ${generating}`);
    const [low, high] = (await text(page, `learned-ci-${f}`)).split(' – ').map(Number);
    assert.ok(low < learned && learned < high, `${f}: ${low} < ${learned} < ${high}`);
    assert.match(await text(page, `odds-${f}`), /^\d+\.\d{4} \(\d+\.\d{4} – \d+\.\d{4}\)$/);
  }
  const explanation = await text(page, 'weights-explain');
  assert.match(explanation, /best possible is 0\.9\d(–0\.9\d)? × the generating weights/);
  assert.match(explanation, /1\/√\(1 \+ πσ²\/8\) = 0\.894.*only near 50% conversion/);

  // Leave sessions out: its row says so, the best possible follows the
  // same model, and the others move (not collapsible).
  const downloadsBefore = await text(page, 'best-downloads_7d');
  await page.getByTestId('use-sessions_7d').uncheck();
  await page.getByTestId('best-sessions_7d').filter({ hasText: 'left out' }).waitFor();
  await settled(page);
  assert.equal(await text(page, 'learned-sessions_7d'), 'left out');
  assert.notEqual(await text(page, 'best-downloads_7d'), downloadsBefore);
  assert.match(await text(page, 'weights-explain'), /not collapsible/);
  assert.match(page.url(), /leaveOut=sessions_7d/);

  // With L2 the intervals are labelled approximate, and the penalised
  // objective and the plain log-loss are both named.
  await page.getByTestId('use-sessions_7d').check();
  await page.getByTestId('l2').fill('-1');
  await page.locator('#weights-note').filter({ hasText: 'approximate' }).waitFor();
  await settled(page);
  const objective = Number(await text(page, 'objective'));
  const plain = Number(await text(page, 'logloss-train'));
  assert.ok(objective > plain, `penalised ${objective} above plain ${plain}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 4: metrics with intervals beside baselines and ceilings, the threshold moving the confusion matrix, accuracy in a rare world', async () => {
  const { page, context, errors } = await openPage(browser, '#rows=20000');
  await settled(page);
  const number = async (/** @type {string} */ id) => Number((await text(page, id)).replace('%', ''));
  assert.ok((await number('logloss-test')) < (await number('logloss-baseline')), 'better than knowing nothing');
  const oracle = await number('auc-oracle');
  const best = await number('auc-best');
  assert.ok(best < oracle - 0.03, `the reachable ceiling ${best} is well below the oracle ${oracle}`);
  assert.ok((await number('auc')) <= best + 0.02);
  const metricsText = await page.locator('#metrics-body').textContent();
  assert.match(metricsText ?? '', /unreachable/);
  assert.match(metricsText ?? '', /always predicting the majority class/);

  // The threshold: accuracy and the confusion matrix follow; its point sits on both curves.
  const predictedBefore = await text(page, 'confusion-predicted-converted');
  await page.getByTestId('threshold').fill('0.9');
  await page.locator('#threshold-value').filter({ hasText: '0.90' }).waitFor();
  await settled(page);
  assert.notEqual(await text(page, 'confusion-predicted-converted'), predictedBefore);
  assert.match(await page.locator('#metrics-body').textContent() ?? '', /Accuracy at 0\.90/);
  assert.match(page.url(), /threshold=0\.9/);
  for (const chart of ['#roc-chart', '#pr-chart', '#calibration-chart']) {
    assert.equal(await page.locator(`${chart} canvas`).count(), 1, chart);
  }

  // A rare world (about 2% convert): accuracy is no better than always saying no.
  await page.getByTestId('threshold').fill('0.5');
  await page.getByTestId('baseline-b0').fill('-6.5');
  await page.getByTestId('baseline-b0').dispatchEvent('input');
  await page.getByTestId('conversion-rate').filter({ hasText: /^[1-4]\.\d%$/ }).waitFor();
  await settled(page);
  const accuracy = await number('accuracy');
  const majority = await number('accuracy-majority');
  assert.ok(majority > 95 && Math.abs(accuracy - majority) < 1, `accuracy ${accuracy}% beside majority ${majority}%`);
  assert.deepEqual(errors, []);
  await context.close();
});
