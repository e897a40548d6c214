// The decisions (issue 10), item 2: what a policy is worth. Value per
// conversion and cost per contact give the profit of contacting everyone
// above each threshold, judged by q(x) (never by the model's predictions),
// with the best threshold marked, beside contacting everyone, no one and
// the two oracles; the page's numbers are `conversion fit --params`'s for
// the same CSV, and an amount above the one documented bound is refused by
// name while the figures on screen stay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, cli } from './support.mjs';
import { text, worldFiles } from './model-support.mjs';
import { decided, reportLine } from './decide-support.mjs';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * The threshold, users and profit of a "… contact users with X ≥ t (n users), expected profit P" line.
 * @param {string} line
 */
function best(line) {
  const m = line.match(/≥ ([\d.]+) \(([\d,]+) users\), expected profit (-?[\d,]+\.\d\d)/);
  assert.ok(m, line);
  return { threshold: m[1], users: m[2], profit: m[3] };
}

test('item 2: the profit curve, its best threshold and every policy are conversion fit\'s, judged by q(x)', async () => {
  // A realistic world (about 10% convert): contacting everyone does not pay.
  const { page, context, errors } = await openPage(browser, '#rows=20000&seed=9&baseline=-5&valuePerConversion=120&costPerContact=15');
  await decided(page);
  assert.equal(await page.getByTestId('value-per-conversion').inputValue(), '120');
  assert.equal(await page.getByTestId('cost-per-contact').inputValue(), '15');
  assert.match(await page.getByTestId('assumption').innerText(), /a user converts only through the contact, so contacting a user with probability p is worth p × value − cost/);
  assert.match(await text(page, 'judged-by'), /judged by the truth.*q\(x\).*never the model's own predictions/);
  const { csv, params } = await worldFiles(page);
  const report = cli(['fit', csv, '--params', params, '--value-per-conversion', '120', '--cost-per-contact', '15']).toString();
  assert.match(report, /profits judged by q\(x\)/);
  const model = best(reportLine(report, 'most profitable'));
  assert.equal(await text(page, 'best-threshold'), model.threshold);
  assert.equal(await text(page, 'best-profit'), model.profit);
  assert.equal(await text(page, 'best-contacted'), `${model.users} users`);
  const possible = best(reportLine(report, 'best possible (ranking'));
  assert.equal(await text(page, 'profit-best-possible'), `${possible.threshold} (${possible.users} users): ${possible.profit}`);
  const oracle = best(reportLine(report, 'oracle (ranking'));
  assert.equal(await text(page, 'profit-oracle'), `${oracle.threshold} (${oracle.users} users): ${oracle.profit}`);
  const everyone = reportLine(report, 'contact everyone').match(/: (-?[\d,]+\.\d\d); contact no one: ([\d,.]+)/);
  assert.ok(everyone);
  assert.equal(await text(page, 'profit-everyone'), everyone[1]);
  assert.equal(await text(page, 'profit-nobody'), everyone[2]);
  // The best possible policy is worth at least the model's, and contacting everyone loses here.
  const money = (/** @type {string} */ s) => Number(s.replaceAll(',', ''));
  assert.ok(money(possible.profit) >= money(model.profit));
  assert.ok(money(everyone[1]) < money(model.profit));
  // The band table's worth is the CLI's too.
  for (const [band, name] of [['high', 'high_intent'], ['medium', 'medium_intent'], ['low', 'low_intent']]) {
    const cells = reportLine(report, name).trim().split(/\s+/);
    assert.equal(await text(page, `band-profit-${band}`), cells[cells.length - 1], `${band} band's worth`);
  }

  // A cost above the bound: named beside its control, the figures stay.
  const before = await text(page, 'best-profit');
  await page.getByTestId('cost-per-contact').fill('20000000');
  await page.locator('#cost-per-contact-error').filter({ hasText: 'costPerContact must be an amount from 0 to 10,000,000 (got "20000000")' }).waitFor();
  assert.equal(await page.getByTestId('cost-per-contact').getAttribute('aria-invalid'), 'true');
  assert.equal(await text(page, 'best-profit'), before);
  // Text is refused by name too; a good amount puts the figures back in step.
  await page.getByTestId('value-per-conversion').fill('lots');
  await page.locator('#value-per-conversion-error').filter({ hasText: 'valuePerConversion must be a number' }).waitFor();
  await page.getByTestId('value-per-conversion').fill('10000000');
  await page.getByTestId('cost-per-contact').fill('10000000');
  await decided(page);
  assert.equal(await page.locator('#cost-per-contact-error').isHidden(), true);
  const largest = cli(['fit', csv, '--params', params, '--value-per-conversion', '10000000', '--cost-per-contact', '10000000']).toString();
  assert.equal(await text(page, 'best-profit'), best(reportLine(largest, 'most profitable')).profit);
  await page.waitForFunction(() => /valuePerConversion=10000000&costPerContact=10000000/.test(location.hash));
  assert.deepEqual(errors, []);
  await context.close();
});
