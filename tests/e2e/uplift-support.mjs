// Helpers of the uplift lab's end-to-end tests: waiting for the lab (and
// the model it follows) to settle, its files for the CLI, and reading
// `conversion experiment`'s report.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './support.mjs';

/** The lab's lesson (the page's preset link). */
export const LESSON = '#rows=20000&baseline=-2&offer.effect=0.8&offer.fatigue=-0.25';

/**
 * Waits until the model panel and the lab have nothing running or pending,
 * the uplift model learned.
 * @param {import('playwright-core').Page} page
 */
export async function labSettled(page, timeout = 90_000) {
  for (let i = 0; i < 2; i++) {
    await page.waitForTimeout(150);
    await page.locator('#model-panel[data-state="settled"]').waitFor({ timeout });
    await page.locator('#uplift-panel[data-state="settled"]').waitFor({ timeout });
  }
}

/**
 * The text of a test id.
 * @param {import('playwright-core').Page} page
 * @param {string} id
 */
export const text = async (page, id) => (await page.getByTestId(id).first().textContent())?.trim() ?? '';

/**
 * Saves what the button with test id `id` downloads into `dir` as `name`.
 * @param {import('playwright-core').Page} page
 * @param {string} id
 * @param {string} dir
 * @param {string} name
 */
export async function saveDownload(page, id, dir, name) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
  const path = join(dir, name);
  await download.saveAs(path);
  return { path, suggested: download.suggestedFilename() };
}

/**
 * The lab's experiment CSV, its parameters and the model on screen, saved
 * in a fresh folder: what `conversion experiment FILE --params P --model M` reads.
 * @param {import('playwright-core').Page} page
 */
export async function labFiles(page) {
  const dir = await mkdtemp(join(tmpdir(), 'conversion-uplift-e2e-'));
  const csv = await saveDownload(page, 'download-experiment-csv', dir, 'experiment.csv');
  const params = await saveDownload(page, 'download-experiment-params', dir, 'params.json');
  const model = await saveDownload(page, 'download-model', dir, 'model.json');
  return { dir, csv: csv.path, params: params.path, model: model.path, csvName: csv.suggested };
}

/**
 * `conversion experiment`'s report, read: its lines, the groups, the
 * policies' rows and the bands' rows.
 * @param {string[]} args
 */
export function experiment(args) {
  const report = cli(['experiment', ...args]).toString();
  /** @type {Record<string, string[]>} */
  const policies = {};
  /** @type {Record<string, string[]>} */
  const bands = {};
  const names = {
    model_probability: "the model's probability",
    oracle: 'oracle: true p1 − p0',
    best_possible: 'best possible: q1 − q0',
    learned: 'learned uplift model',
    random: 'random (on average)',
  };
  for (const line of report.split('\n')) {
    for (const [key, name] of Object.entries(names)) {
      if (line.startsWith(name)) policies[key] = line.slice(name.length).trim().split(/\s+/);
    }
    const band = line.match(/^(high|medium|low)_intent\s+(.*)$/);
    if (band) bands[band[1]] = band[2].trim().split(/\s+/);
  }
  const groups = report.match(/sure things ([\d,]+) .*persuadables ([\d,]+) .*sleeping dogs ([\d,]+) .*lost causes ([\d,]+)/);
  return { report, policies, bands, groups: groups ? groups.slice(1, 5) : null };
}

/** @param {string} path */
export const json = async (path) => JSON.parse(await readFile(path, 'utf8'));
