// Opens bench/index.html in headless Chromium (Debian's, via playwright-core)
// and prints the wasm timings. Run by `cargo xtask bench`, which serves the
// repository root at BASE_URL.
import { chromium } from 'playwright-core';

const base = process.env.BASE_URL || 'http://127.0.0.1:8080/';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(new URL('bench/index.html', base).href);
  await page.waitForFunction(() => window.benchResults, null, { timeout: 600_000, polling: 500 });
  const r = await page.evaluate(() => window.benchResults);
  if (r.error) throw new Error(r.error);
  const version = browser.version();
  console.log(`wasm in headless Chromium ${version}, ${r.rows.toLocaleString('en-US')} rows, median of ${r.runs} runs (single thread):`);
  console.log(`  generate in memory  ${r.generateMs.toFixed(1).padStart(9)} ms  (the CSV's seven columns; the page's new World, with latent draws and aggregates: ${r.worldMs.toFixed(1)} ms)`);
  console.log(`  write CSV           ${r.writeCsvMs.toFixed(1).padStart(9)} ms  (${r.csvBytes.toLocaleString('en-US')} bytes)`);
  console.log('wasm fit to the default tolerance, all rows, median of 5 runs:');
  for (const [rows, f] of Object.entries(r.fits)) {
    console.log(`  ${Number(rows).toLocaleString('en-US').padStart(9)} rows  ${f.ms.toFixed(1).padStart(8)} ms  ${f.iterations} iterations, final log-loss ${f.loss.toFixed(9)}, ${f.stop}`);
  }
} finally {
  await browser.close();
}
