// The decisions (issue 10), item 4: a what-if user. The six inputs give the
// model's probability, q(x) for such a user, the segment and each signal's
// push, checked here by hand against the model file the page exports (and
// against `conversion score`), the smallest change of one signal to the
// next band found here by stepping each signal one unit at a time, "none
// within the contract's ranges" when no value reaches it, and the warning
// for a value beyond the training data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, openPage, CONVERSION_BIN } from './support.mjs';
import { text, worldFiles } from './model-support.mjs';
import { asPercent, decided } from './decide-support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const SIGNALS = ['days_since_signup', 'sessions_7d', 'content_hours_7d', 'downloads_7d', 'paywall_views_7d'];

/**
 * @typedef {{coefficients: number[], intercept: number, scaler: {stdDev: number[]}, thresholds: {high: number, medium: number}}} Model
 * @typedef {{days_since_signup: number, sessions_7d: number, content_hours_7d: number, downloads_7d: number, paywall_views_7d: number, country_tier: string}} User
 */

/**
 * The model's log-odds and probability for `user`, by hand.
 * @param {Model} m
 * @param {User} u
 */
function byHand(m, u) {
  const x = [...SIGNALS.map((s) => /** @type {number} */ (u[/** @type {keyof User} */ (s)])), u.country_tier === 'tier_2' ? 1 : 0, u.country_tier === 'tier_3' ? 1 : 0];
  const pushes = x.map((v, j) => m.coefficients[j] * v);
  const score = pushes.reduce((a, b) => a + b, m.intercept);
  return { score, pushes, p: 1 / (1 + Math.exp(-score)) };
}

/**
 * q(x) for `user` in the contract's default world: sigmoid(s(x) + 0.8 z)
 * averaged over z ~ Normal(0, 1), by Simpson's rule.
 * @param {User} u
 */
function qByHand(u) {
  const tier = /** @type {Record<string, number>} */ ({ tier_1: 0.8, tier_2: 0.3, tier_3: -0.2 })[u.country_tier];
  const s = 0.3 * u.sessions_7d + 0.5 * u.downloads_7d + 0.4 * u.paywall_views_7d + 0.25 * u.content_hours_7d - 0.02 * u.days_since_signup + tier;
  const n = 4000;
  const h = 24 / n;
  const f = (/** @type {number} */ z) => Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) / (1 + Math.exp(-(s + 0.8 * z)));
  let sum = f(-12) + f(12);
  for (let k = 1; k < n; k++) sum += (k % 2 ? 4 : 2) * f(-12 + k * h);
  return (sum * h) / 3;
}

/**
 * The nearest value of signal `j` that puts `user` at p ≥ `threshold`,
 * found by stepping one unit (a hundredth for hours) at a time in the
 * direction its weight pushes, within the contract's ranges.
 * @param {Model} m
 * @param {User} u
 * @param {number} j
 * @param {number} threshold
 */
function stepTo(m, u, j, threshold) {
  const w = m.coefficients[j];
  if (w === 0) return null;
  const name = /** @type {keyof User} */ (SIGNALS[j]);
  // Hours step by hundredths: counted in cents.
  const cents = name === 'content_hours_7d';
  let v = cents ? Math.round(Number(u[name]) * 100) : Number(u[name]);
  for (let k = 0; k < 200_000; k++) {
    v += w > 0 ? 1 : -1;
    const value = cents ? v / 100 : v;
    if (value < (name === 'days_since_signup' ? 1 : 0)) return null;
    if (byHand(m, { ...u, [name]: value }).p >= threshold) return value;
  }
  return null;
}

/**
 * Types a user into the what-if inputs.
 * @param {import('playwright-core').Page} page
 * @param {User} u
 */
async function enter(page, u) {
  for (const s of SIGNALS) await page.getByTestId(`whatif-${s}`).fill(String(u[/** @type {keyof User} */ (s)]));
  await page.getByTestId('whatif-country_tier').selectOption(u.country_tier);
  await decided(page);
}

test('item 4: the what-if numbers are the exported model\'s, by hand, and conversion score\'s', async () => {
  const { page, context, errors } = await openPage(browser, '#rows=20000&seed=9');
  await decided(page);
  const { dir } = await worldFiles(page);
  const [saved] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-model').click()]);
  const modelPath = join(dir, 'model.json');
  await saved.saveAs(modelPath);
  /** @type {Model} */
  const model = JSON.parse(await readFile(modelPath, 'utf8'));

  // A user the model puts in the low band.
  /** @type {User} */
  const user = { days_since_signup: 59, sessions_7d: 0, content_hours_7d: 0.5, downloads_7d: 0, paywall_views_7d: 0, country_tier: 'tier_3' };
  await enter(page, user);
  const hand = byHand(model, user);
  const shown = Number(await page.getByTestId('whatif-probability').getAttribute('data-value'));
  assert.ok(Math.abs(shown - hand.p) < 1e-14, `${shown} vs ${hand.p} by hand`);
  assert.equal(await text(page, 'whatif-probability'), asPercent(hand.p));
  assert.ok(Math.abs(Number(await page.getByTestId('whatif-score').getAttribute('data-value')) - hand.score) < 1e-12);
  assert.ok(hand.p < model.thresholds.medium, `a low-intent user: ${hand.p}`);
  assert.equal(await text(page, 'whatif-segment'), 'low_intent');
  // Each push is weight × value.
  for (const [j, feature] of [...SIGNALS, 'tier_2', 'tier_3'].entries()) {
    const push = Number((await text(page, `whatif-push-${feature}`)).replace('−', '-').replace('+', ''));
    assert.ok(Math.abs(push - hand.pushes[j]) < 5e-5, `${feature}: ${push} vs ${hand.pushes[j]}`);
  }
  assert.ok(Math.abs(Number((await text(page, 'whatif-push-intercept')).replace('−', '-')) - model.intercept) < 5e-5);
  // conversion score gives the same numbers for the same model and user.
  const scored = JSON.parse(execFileSync(CONVERSION_BIN, ['score', '--model', modelPath], { input: JSON.stringify(user) }).toString());
  assert.equal(scored.probability, shown, 'the same bits as conversion score');
  assert.equal(scored.segment, 'low_intent');
  // q(x) for such a user, the noise averaged out.
  const q = Number(await page.getByTestId('whatif-true-probability').getAttribute('data-value'));
  assert.ok(Math.abs(q - qByHand(user)) < 1e-9, `q(x) ${q} vs ${qByHand(user)} by Simpson's rule`);
  assert.equal(await text(page, 'whatif-true-probability'), asPercent(q));

  // The smallest change to the next band, in units and standard deviations.
  const changes = SIGNALS.map((s, j) => {
    const to = stepTo(model, user, j, model.thresholds.medium);
    const from = Number(user[/** @type {keyof User} */ (s)]);
    return { signal: s, to, sd: to === null ? Infinity : Math.abs(to - from) / model.scaler.stdDev[j] };
  });
  for (const c of changes) {
    const cell = await text(page, `whatif-change-${c.signal}`);
    if (c.to === null) assert.equal(cell, "none within the contract's ranges", c.signal);
    else assert.match(cell, new RegExp(`\\(to ${c.signal === 'content_hours_7d' ? c.to.toFixed(2) : c.to}\\)$`), `${c.signal}: ${cell}`);
  }
  const smallest = changes.reduce((a, b) => (b.sd < a.sd ? b : a));
  const next = await text(page, 'whatif-next');
  assert.match(next, /^To reach medium intent \(p ≥ 0\.40\), the smallest change of one signal is /);
  const label = { days_since_signup: 'Days since signup', sessions_7d: 'Sessions (7 days)', content_hours_7d: 'Hours watched (7 days)', downloads_7d: 'Downloads (7 days)', paywall_views_7d: 'Paywall views (7 days)' }[smallest.signal];
  assert.ok(next.includes(`${label} +`), `${next} names ${smallest.signal}`);
  assert.ok(next.includes(`${smallest.sd.toFixed(2)} standard deviations`), `${next}: ${smallest.sd}`);

  // Beyond the training data: a warning.
  assert.equal(await page.getByTestId('whatif-extrapolation').isHidden(), true);
  await enter(page, { ...user, paywall_views_7d: 40 });
  assert.match(await text(page, 'whatif-extrapolation'), /^Beyond the training data: Paywall views \(7 days\) 40 \(the training users had 0 to \d+\)/);
  assert.equal(await text(page, 'whatif-segment'), 'high_intent');
  assert.equal(await text(page, 'whatif-next'), 'Already in the top band: there is no band above.');

  // No value reaches p ≥ 1: none within the contract's ranges.
  await enter(page, { ...user, sessions_7d: 3, downloads_7d: 1 });
  await page.getByTestId('band-high').focus();
  await page.keyboard.press('End');
  await decided(page);
  assert.match(await text(page, 'whatif-next'), /p ≥ 1\.00\): none within the contract's ranges/);
  // A bad input is named; the last good answer stays.
  const before = await text(page, 'whatif-probability');
  await page.getByTestId('whatif-sessions_7d').fill('2.5');
  await page.locator('#whatif-error').filter({ hasText: 'sessions_7d must be a whole number' }).waitFor();
  assert.equal(await page.getByTestId('whatif-sessions_7d').getAttribute('aria-invalid'), 'true');
  assert.equal(await text(page, 'whatif-probability'), before);
  assert.deepEqual(errors, []);
  await context.close();
});
