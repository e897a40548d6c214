// The page controller: reads the controls, asks the worker for a world,
// shows the result, and downloads the CSV.
import { WorldClient } from './world-client.js';
import { checkRows, checkSeed, randomSeed } from './validate.js';
import { formatCount, formatPercent } from './format.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const seedInput = /** @type {HTMLInputElement} */ ($('seed'));
const rowsInput = /** @type {HTMLInputElement} */ ($('rows'));
const downloadButton = /** @type {HTMLButtonElement} */ ($('download-csv'));

const client = new WorldClient();
let maxRows = 1_000_000;
/** The parameters of the world on screen. */
let shown = { seed: '42', rows: 5000 };

/**
 * Shows or clears the message under a control.
 * @param {HTMLInputElement} input
 * @param {string | null} message
 */
function setError(input, message) {
  const box = $(`${input.id}-error`);
  box.hidden = !message;
  box.textContent = message ?? '';
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
}

async function generate() {
  const seed = checkSeed(seedInput.value);
  const rows = checkRows(rowsInput.value, maxRows);
  setError(seedInput, seed.ok ? null : seed.message);
  setError(rowsInput, rows.ok ? null : rows.message);
  if (!seed.ok || !rows.ok) return; // the last good world stays on screen
  $('status').textContent = `Generating ${formatCount(rows.value)} users…`;
  try {
    const { summary } = await client.generate({ seed: seed.value, rows: rows.value });
    shown = { seed: seed.value, rows: rows.value };
    $('conversion-rate').textContent = formatPercent(summary.conversionRate);
    $('rate-detail').textContent =
      `${formatCount(summary.conversions)} of ${formatCount(summary.rows)} users converted (seed ${seed.value}).`;
    $('status').textContent = '';
    downloadButton.disabled = false;
  } catch (error) {
    $('status').textContent = `Could not generate: ${error.message}. The last good data stay on screen.`;
  }
}

async function downloadCsv() {
  downloadButton.disabled = true;
  $('status').textContent = 'Preparing the CSV…';
  try {
    const bytes = await client.csv();
    const url = URL.createObjectURL(new Blob([bytes], { type: 'text/csv' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `conversion_seed-${shown.seed}_rows-${shown.rows}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    $('status').textContent = '';
  } catch (error) {
    $('status').textContent = `Could not write the CSV: ${error.message}`;
  } finally {
    downloadButton.disabled = false;
  }
}

$('world-form').addEventListener('submit', (event) => {
  event.preventDefault();
  generate();
});
$('random-seed').addEventListener('click', () => {
  seedInput.value = randomSeed();
  generate();
});
downloadButton.addEventListener('click', downloadCsv);

maxRows = await client.maxRows();
$('max-rows').textContent = formatCount(maxRows);
await generate();
