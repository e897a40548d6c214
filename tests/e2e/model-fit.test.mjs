// The model panel (issue 9), items 1 and 2: watch the fit (Fit, Pause, Step,
// Reset, the iteration, the losses per iteration, the stop reason) and feel
// the optimiser (plain descent's learning rate: too high diverges and says
// so, too low crawls and says so, never a NaN; the whitened default in
// about 24 steps), every option in the URL hash with the CLI's defaults.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './support.mjs';
import { settled, text } from './model-support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const WORLD = '#rows=20000';

test('item 1: the fit runs in the worker, a step per frame, and stops for a reason', async () => {
  const { page, context, errors } = await openPage(browser, WORLD);
  // The page fits on load: the iteration climbs frame by frame to about 24.
  const seen = new Set();
  for (let k = 0; k < 40 && !(await text(page, 'fit-stop')).startsWith('converged'); k++) {
    seen.add(await text(page, 'fit-iteration'));
    await page.waitForTimeout(15);
  }
  await settled(page);
  assert.ok(seen.size > 3, `the iteration was seen climbing: ${[...seen]}`);
  assert.match(await text(page, 'fit-stop'), /^converged/);
  const iterations = Number(await text(page, 'fit-iteration'));
  assert.ok(iterations >= 15 && iterations <= 40, `${iterations} iterations`);
  // The loss chart has both series, one point per iteration.
  const points = await page.evaluate(() => document.querySelectorAll('#loss-chart canvas').length);
  assert.equal(points, 1);

  // Reset: back to weights 0 and the base rate, iteration 0; Step: one at a time.
  await page.getByTestId('fit-reset').click();
  await page.getByTestId('fit-iteration').filter({ hasText: /^0$/ }).waitFor();
  assert.equal(await text(page, 'learned-downloads_7d'), '0.0000');
  await page.getByTestId('fit-step').click();
  await page.getByTestId('fit-iteration').filter({ hasText: /^1$/ }).waitFor();
  await page.getByTestId('fit-step').click();
  await page.getByTestId('fit-iteration').filter({ hasText: /^2$/ }).waitFor();
  assert.notEqual(await text(page, 'learned-downloads_7d'), '0.0000');

  // Fit always starts from zero: the same iterations as the first fit.
  await page.getByTestId('fit-start').click();
  await page.getByTestId('fit-stop').filter({ hasText: 'converged' }).waitFor();
  await settled(page);
  assert.equal(Number(await text(page, 'fit-iteration')), iterations);

  // Pause stops a slow fit mid-way; it stays paused.
  await page.getByTestId('optimizer').selectOption('gd');
  await page.getByTestId('fit-iteration').filter({ hasText: /^[1-9]\d+$/ }).waitFor();
  await page.getByTestId('fit-pause').click();
  await settled(page);
  const paused = await text(page, 'fit-iteration');
  await page.waitForTimeout(300);
  assert.equal(await text(page, 'fit-iteration'), paused);
  assert.match(await text(page, 'fit-stop'), /fitting/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 2: plain descent, Nesterov and whitened descent, the learning rate said plainly, options in the hash', async () => {
  const { page, context, errors } = await openPage(browser, WORLD);
  await settled(page);
  const whitened = Number(await text(page, 'fit-iteration'));
  // The CLI's defaults on the controls.
  for (const [id, expected] of [['learning-rate-default', 'default 1'], ['l2-default', 'default off'], ['test-fraction-default', 'default 0.2'], ['split-seed-default', 'default 42'], ['threshold-default', 'default 0.5']]) {
    assert.equal(await page.locator(`#${id}`).textContent(), expected);
  }
  assert.equal(await page.getByTestId('learning-rate').isDisabled(), true, 'whitened descent has its own step');

  await page.getByTestId('optimizer').selectOption('gd');
  await page.getByTestId('fit-stop').filter({ hasText: 'converged' }).waitFor({ timeout: 60_000 });
  await settled(page);
  const gd = Number(await text(page, 'fit-iteration'));
  assert.ok(gd > 5 * whitened, `plain descent ${gd} vs whitened ${whitened} iterations`);
  await page.getByTestId('optimizer').selectOption('nesterov');
  await page.getByTestId('fit-stop').filter({ hasText: 'converged' }).waitFor({ timeout: 60_000 });
  await settled(page);
  const nesterov = Number(await text(page, 'fit-iteration'));
  assert.ok(nesterov < gd && nesterov > whitened, `Nesterov ${nesterov}`);

  // Too high: diverges, says so, shows no NaN.
  await page.getByTestId('optimizer').selectOption('gd');
  await page.getByTestId('learning-rate').fill('2.5');
  await page.getByTestId('fit-stop').filter({ hasText: 'diverged' }).waitFor({ timeout: 60_000 });
  await settled(page);
  assert.match(await text(page, 'fit-pace'), /Overshooting.*too high/);
  const panel = await page.locator('#model-panel').textContent();
  assert.ok(!/NaN|Infinity/.test(panel ?? ''), 'no NaN on screen');
  // Too low: crawls, says so, with an estimate.
  await page.getByTestId('learning-rate').fill('-3');
  await page.getByTestId('fit-pace').filter({ hasText: 'Crawling' }).waitFor({ timeout: 60_000 });
  assert.match(await text(page, 'fit-pace'), /about [\d,]+ more iterations.*too low/);
  await page.getByTestId('fit-pause').click();

  // L2, the held-out share and the split seed: in the hash, in its style.
  await page.getByTestId('l2').fill('-2');
  await page.getByTestId('test-fraction').fill('0.3');
  await page.getByTestId('split-seed').fill('7');
  await page.getByTestId('split-seed').press('Enter');
  await page.waitForFunction(() => location.hash.includes('splitSeed=7'));
  const hash = new URLSearchParams(new URL(page.url()).hash.slice(1));
  assert.equal(hash.get('optimizer'), 'gd');
  assert.equal(hash.get('learningRate'), '0.001');
  assert.equal(hash.get('l2'), '0.01');
  assert.equal(hash.get('testFraction'), '0.3');
  assert.equal(hash.get('rows'), '20000', 'the world\'s keys stay');
  // The link restores the model's settings.
  const again = await openPage(browser, new URL(page.url()).hash);
  assert.equal(await again.page.getByTestId('optimizer').inputValue(), 'gd');
  assert.equal(await again.page.getByTestId('split-seed').inputValue(), '7');
  assert.equal(await again.page.locator('#l2-value').textContent(), '0.01');
  assert.deepEqual(await again.page.locator('#link-problems').isHidden(), true, 'the world panel takes no model key for a mistake');
  // A bad value in the link is named and the default used.
  const bad = await openPage(browser, `${WORLD}&optimizer=adam`);
  await bad.page.locator('#model-error').filter({ hasText: 'optimizer must be one of gd, nesterov, whitened' }).waitFor();
  await settled(bad.page);
  assert.match(await text(bad.page, 'fit-stop'), /^converged/);
  assert.deepEqual(errors, []);
  await bad.context.close();
  await again.context.close();
  await context.close();
});

test('the panel is busy while a cold fit is being started, even as that start stops the fit animating', async () => {
  // The page's own fit runner, driven by a worker stand-in that holds back
  // the second cold fit's answer: the first fit's animation stops at once
  // (what the panel marks its state on), and the runner must still say it
  // is busy, or the panel would call itself settled before the new fit.
  const { page, context, errors } = await openPage(browser, WORLD);
  await settled(page);
  const seen = await page.evaluate(async () => {
    const { FitRunner } = await import(new URL('model/runner.js', document.baseURI).href);
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const snapshot = (/** @type {boolean} */ done) => ({ progress: { done, iterations: 1 } });
    let fits = 0;
    let release = () => {};
    const client = {
      call(/** @type {string} */ type) {
        if (type === 'model.fit' && ++fits === 2) {
          return new Promise((resolve) => { release = () => resolve(snapshot(true)); });
        }
        return Promise.resolve(snapshot(false));
      },
    };
    /** @type {boolean[]} */
    const busyWhenStopped = [];
    const runner = new FitRunner(/** @type {any} */ (client), {
      onStarted() {},
      onSnapshot() {},
      onStopped: () => busyWhenStopped.push(runner.busy),
      onError() {},
      live: () => true,
    });
    await runner.start({ optimizer: 'whitened' }, true);
    await frame();
    await frame();
    const second = runner.start({ optimizer: 'whitened' }, true);
    for (let k = 0; k < 4; k++) await frame();
    const whileStarting = runner.busy;
    release();
    await second;
    return { busyWhenStopped, whileStarting, after: runner.busy };
  });
  assert.deepEqual(seen, { busyWhenStopped: [true], whileStarting: true, after: false });
  assert.deepEqual(errors, []);
  await context.close();
});
