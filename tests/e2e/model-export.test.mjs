// The model panel (issue 9), item 7: "Download model" gives, after Fit, the
// same coefficients, bit for bit, as `conversion fit FILE --test-fraction F
// --split-seed S [--optimizer … --learning-rate …] --output` for the
// page's own CSV; "Import model" reads a model file, checked (a bad one is
// named and the model on screen stays), and evaluates it on the world
// through the explicit evaluation of a model on another world.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, openPage, cli } from './support.mjs';
import { settled, text, worldFiles } from './model-support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * Clicks Download model and returns the file as JSON.
 * @param {import('playwright-core').Page} page
 */
async function downloadModel(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-model').click()]);
  return { name: download.suggestedFilename(), json: JSON.parse(await readFile(/** @type {string} */ (await download.path()), 'utf8')) };
}

for (const [hash, flags] of [
  ['#rows=20000&seed=9', ['--test-fraction', '0.2', '--split-seed', '42']],
  ['#rows=20000&seed=9&optimizer=gd&learningRate=3&testFraction=0.3&splitSeed=5', ['--test-fraction', '0.3', '--split-seed', '5', '--optimizer', 'gd', '--learning-rate', '3']],
]) {
  test(`item 7: the downloaded model equals the CLI's artifact for the downloaded CSV (${flags.join(' ')})`, async () => {
    const { page, context, errors } = await openPage(browser, hash);
    await settled(page);
    assert.match(await text(page, 'model-source'), /^A cold fit/);
    const { dir, csv } = await worldFiles(page);
    const { name, json: mine } = await downloadModel(page);
    assert.equal(name, 'conversion_model_seed-9_rows-20000.json');
    const output = join(dir, 'cli-model.json');
    cli(['fit', csv, ...flags, '--output', output]);
    const theirs = JSON.parse(await readFile(output, 'utf8'));
    // The same numbers, bit for bit (JSON numbers print the shortest text that reads back exactly).
    for (const key of ['coefficients', 'intercept', 'standardizedCoefficients', 'scaler', 'thresholds', 'features', 'schemaVersion', 'contractVersion']) {
      assert.deepEqual(mine[key], theirs[key], key);
    }
    for (const key of ['rows', 'fit', 'start', 'iterations', 'stopReason', 'objective', 'trainingLogLoss', 'separation', 'warnings']) {
      assert.deepEqual(mine.training[key], theirs.training[key], `training.${key}`);
    }
    for (const key of ['users', 'inSample', 'logLoss', 'accuracy', 'precision', 'recall', 'auc', 'baselineLogLoss']) {
      assert.deepEqual(mine.training.metrics[key], theirs.training.metrics[key], `training.metrics.${key}`);
    }
    assert.equal(mine.training.seed, '9', 'the page knows the seed');
    assert.equal(theirs.training.seed, null);
    assert.equal(typeof mine.training.metrics.irreducibleLogLoss, 'number', 'the page knows the truth');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('item 7: importing a model file (checked), evaluated explicitly on this world; a bad file keeps the model on screen', async () => {
  const { page, context, errors } = await openPage(browser, '#rows=20000');
  await settled(page);
  const { dir, csv } = await worldFiles(page);
  const file = join(dir, 'other.json');
  // A model of another world: seed 5, downloads weight 1.2.
  const other = join(dir, 'other.csv');
  await writeFile(other, cli(['generate', '--rows', '20000', '--seed', '5', '--weight-downloads-7d', '1.2']));
  cli(['fit', other, '--output', file]);
  const artifact = JSON.parse(await readFile(file, 'utf8'));
  const before = await text(page, 'learned-sessions_7d');

  // A bad file first: named, and nothing changes.
  const bad = join(dir, 'bad.json');
  await writeFile(bad, JSON.stringify({ ...artifact, coefficients: artifact.coefficients.slice(1) }));
  await page.getByTestId('import-model').setInputFiles(bad);
  await page.locator('#model-error').filter({ hasText: 'coefficients must have 7 numbers, one per feature (got 6)' }).waitFor();
  assert.equal(await text(page, 'learned-sessions_7d'), before);
  assert.equal(await page.getByTestId('freeze-model').isChecked(), false);

  await page.getByTestId('import-model').setInputFiles(file);
  await page.getByTestId('model-drift').filter({ hasText: 'Imported model' }).waitFor();
  await settled(page);
  assert.equal(await text(page, 'learned-downloads_7d'), artifact.coefficients[3].toFixed(4));
  assert.match(await text(page, 'model-drift'), /trained on 16,000 users.*explicit evaluation on another world/);
  assert.equal(await text(page, 'learned-ci-downloads_7d'), '–', 'no intervals without the training data');
  // Its held-out log-loss here is its own, not the page fit's.
  const report = cli(['fit', csv]).toString();
  const pageFit = report.match(/log-loss\s+([\d.]+)/)?.[1];
  assert.notEqual(await text(page, 'logloss-test'), pageFit);
  // The download is the imported file.
  const { json } = await downloadModel(page);
  assert.deepEqual(json.coefficients, artifact.coefficients);
  // Back to the page's own fit.
  await page.getByTestId('freeze-model').uncheck();
  await settled(page);
  assert.equal(await text(page, 'model-drift'), '');
  assert.deepEqual(errors, []);
  await context.close();
});
