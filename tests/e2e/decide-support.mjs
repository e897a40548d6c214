// Helpers of the decisions' end-to-end tests: waiting for the decisions to
// settle, the files the page saves (model, scored users), a CSV parsed, and
// numbers formatted as the page formats them (Intl, as people read them).
import { readFile } from 'node:fs/promises';
import { settled } from './model-support.mjs';

/**
 * Waits until the model panel and then the decisions have nothing pending.
 * @param {import('playwright-core').Page} page
 */
export async function decided(page, timeout = 120_000) {
  await settled(page, timeout);
  await page.waitForTimeout(50);
  await page.locator('#decide-panel[data-state="settled"]').waitFor({ timeout });
}

/**
 * Clicks a download button and returns the file's name and bytes.
 * @param {import('playwright-core').Page} page
 * @param {string} testid
 */
export async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: file.suggestedFilename(), bytes: await readFile(/** @type {string} */ (await file.path())) };
}

/**
 * A CSV's header and rows (no quoting: the page and the CLI never need it).
 * @param {Buffer | string} bytes
 */
export function parseCsv(bytes) {
  const [header, ...lines] = String(bytes).trimEnd().split('\n');
  return { header: header.split(','), rows: lines.map((l) => l.split(',')) };
}

const percent = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A share as the page writes it: 0.8612 → "86.1%". @param {number} x */
export const asPercent = (x) => percent.format(x);

/** A lift as the page writes it: "1.23×". @param {number} x */
export const asLift = (x) => `${x.toFixed(2)}×`;

/**
 * The scored users' held-out rows: probability, converted, in file order.
 * @param {Buffer} bytes the scored users CSV
 */
export function heldOut(bytes) {
  const { header, rows } = parseCsv(bytes);
  const at = (/** @type {string} */ name) => header.indexOf(name);
  return rows
    .map((r, index) => ({ index, p: Number(r[at('probability')]), converted: r[at('converted')] === '1', segment: r[at('segment')], held: r[at('held_out')] === '1' }))
    .filter((r) => r.held);
}

/**
 * Each band's figures counted from users, as the page should show them.
 * @param {{p: number, converted: boolean}[]} users
 * @param {number} high
 * @param {number} medium
 */
export function bandsByHand(users, high, medium) {
  const total = users.filter((u) => u.converted).length;
  const overall = total / users.length;
  return /** @type {const} */ ([['high', (p) => p >= high], ['medium', (p) => p >= medium && p < high], ['low', (p) => p < medium]]).map(([band, inBand]) => {
    const members = users.filter((u) => inBand(u.p));
    const conversions = members.filter((u) => u.converted).length;
    const rate = members.length ? conversions / members.length : null;
    return {
      band,
      users: members.length.toLocaleString('en-US'),
      rate: rate === null ? '–' : asPercent(rate),
      lift: rate === null ? '–' : asLift(rate / overall),
      capture: asPercent(total ? conversions / total : 0),
    };
  });
}

/**
 * The text of the lines of `conversion fit`'s report that start with `label`.
 * @param {string} report
 * @param {string} label
 */
export function reportLine(report, label) {
  return report.split('\n').find((l) => l.trim().startsWith(label)) ?? '';
}
