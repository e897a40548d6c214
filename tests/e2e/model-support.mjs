// Helpers of the model panel's end-to-end tests: waiting for the panel to
// settle, reading its numbers, and reading `conversion fit`'s report.
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadCsv } from './support.mjs';

/**
 * Waits until the model panel has nothing running or pending.
 * @param {import('playwright-core').Page} page
 */
export async function settled(page, timeout = 60_000) {
  await page.waitForTimeout(50);
  await page.locator('#model-panel[data-state="settled"]').waitFor({ timeout });
}

/**
 * The text of a test id.
 * @param {import('playwright-core').Page} page
 * @param {string} id
 */
export const text = async (page, id) => (await page.getByTestId(id).textContent())?.trim() ?? '';

/**
 * The CSV and the parameters file of the world on screen, saved in a
 * fresh folder: what `conversion fit FILE --params PARAMS` reads.
 * @param {import('playwright-core').Page} page
 */
export async function worldFiles(page) {
  const dir = await mkdtemp(join(tmpdir(), 'conversion-model-e2e-'));
  const csv = join(dir, 'users.csv');
  await writeFile(csv, (await downloadCsv(page)).bytes);
  const params = join(dir, 'params.json');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-params').click()]);
  await download.saveAs(params);
  return { dir, csv, params };
}

/**
 * The numbers of `conversion fit`'s report, by row name: the weights table
 * (weight, interval, odds, per SD), the truth table (generating, best,
 * learned) and the metric lines.
 * @param {string} report
 */
export function parseReport(report) {
  /** @type {Record<string, {weight: string, interval: string, perSd: string}>} */
  const weights = {};
  /** @type {Record<string, {generating: string, best: string, learned: string}>} */
  const truth = {};
  /** @type {Record<string, string>} */
  const metrics = {};
  let section = 'weights';
  for (const line of report.split('\n')) {
    if (line.startsWith('the truth (')) section = 'truth';
    if (line.startsWith('metrics ')) section = 'metrics';
    const cells = line.trim().split(/\s+/);
    if (section === 'weights' && cells.length >= 8 && cells[3] === '–') {
      weights[cells[0]] = { weight: cells[1], interval: `${cells[2]} – ${cells[4]}`, perSd: cells[cells.length - 1] };
    } else if (section === 'weights' && cells[0] === 'intercept' && cells[3] === '–') {
      weights.intercept = { weight: cells[1], interval: `${cells[2]} – ${cells[4]}`, perSd: cells[5] };
    } else if (section === 'truth' && cells.length === 4 && /^-?\d/.test(cells[1])) {
      truth[cells[0]] = { generating: cells[1], best: cells[2], learned: cells[3] };
    } else if (section === 'metrics') {
      const m = line.match(/^\s+(log-loss|know-nothing|irreducible|ROC AUC|best achievable|oracle|accuracy at [\d.]+|average precision)\s+([\d.]+%?)/);
      if (m) metrics[m[1]] = m[2];
    }
  }
  return { weights, truth, metrics };
}
