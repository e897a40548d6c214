// Measures the page's responsiveness in headless Chromium and prints figures
// (a measurement, not a test: nothing here asserts a time). Run with the page
// served at BASE_URL, e.g. by `cargo xtask bench` or:
//   BASE_URL=http://127.0.0.1:8080/ node tests/e2e/measure.mjs
//
// For 100,000 and 1,000,000 users it "drags" a slider one step per
// animation frame (60 input events), twice: a signal weight (downloads, in
// steps of 0.01, as a person drags it) and the baseline b0 (from −6 to +2,
// so the rate sweeps from 0.5% to 97% and many users flip at each step). It
// records:
// - per update, the worker's work (relabel, counts and score view, and
//   handing the view to JavaScript) and the main thread's drawing time;
// - how many frames pass between a slider input event and the headline text
//   changing;
// - the longest main-thread task while dragging (PerformanceObserver).
// The issue's budget: a weight step ≤ 16 ms of worker time at 1,000,000
// users, ≤ 4 ms at 100,000.
import { launch, BASE_URL } from './support.mjs';

const browser = await launch();

/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** The drags: which slider, and its value at step i of 60. */
const DRAGS = [
  { name: 'weight of downloads', testid: 'weight-downloads_7d', value: (/** @type {number} */ i) => 0.5 + 0.01 * (i + 1) },
  { name: 'baseline b0', testid: 'baseline-b0', value: (/** @type {number} */ i) => -6 + (8 * i) / 59 },
];

/**
 * @param {number} rows
 * @param {typeof DRAGS[number]} drag
 */
async function measure(rows, drag) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(new URL(`#rows=${rows}`, BASE_URL).href);
  await page.locator('#rate-detail').filter({ hasText: `of ${rows.toLocaleString('en-US')} users` }).waitFor({ timeout: 120_000 });
  await page.waitForTimeout(500);
  const values = Array.from({ length: 60 }, (_, i) => drag.value(i));
  const result = await page.evaluate(async ({ testid, values }) => {
    const slider = /** @type {HTMLInputElement} */ (document.querySelector(`[data-testid="${testid}"]`));
    const headline = document.querySelector('[data-testid="conversion-rate"]');
    /** @type {number[]} */
    const frames = [];
    /** @type {number[]} */
    const inputs = [];
    /** @type {number[]} */
    const changes = [];
    /** @type {number[]} */
    const longTasks = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
    observer.observe({ type: 'longtask', buffered: false });
    const mutations = new MutationObserver(() => changes.push(performance.now()));
    mutations.observe(/** @type {Node} */ (headline), { childList: true, characterData: true, subtree: true });
    performance.clearMeasures('conversion:update');
    const steps = values.length;
    await new Promise((resolve) => {
      let i = 0;
      const tick = (/** @type {number} */ t) => {
        frames.push(t);
        if (i < steps) {
          slider.value = String(values[i]);
          inputs.push(performance.now());
          slider.dispatchEvent(new Event('input', { bubbles: true }));
          i++;
          requestAnimationFrame(tick);
        } else if (frames.length < steps + 90) {
          requestAnimationFrame(tick);
        } else {
          resolve(null);
        }
      };
      requestAnimationFrame(tick);
    });
    observer.disconnect();
    mutations.disconnect();
    const updates = performance.getEntriesByName('conversion:update').map((m) => ({
      workMs: /** @type {any} */ (m).detail.workMs,
      drawMs: m.duration,
    }));
    // Frames from each input to the first headline change after it (latest wins:
    // an input superseded before its update is skipped, as a person sees it).
    const latency = [];
    for (let k = 0; k < inputs.length; k++) {
      const next = k + 1 < inputs.length ? inputs[k + 1] : Infinity;
      const change = changes.find((c) => c >= inputs[k]);
      if (change === undefined || change > next + 1000) continue;
      if (change < next) latency.push(frames.filter((f) => f > inputs[k] && f <= change).length);
    }
    const gaps = frames.slice(1).map((f, k) => f - frames[k]);
    return { updates, latency, longTasks, maxFrameGap: Math.max(...gaps), inputs: inputs.length };
  }, { testid: drag.testid, values });
  await page.close();
  return result;
}

for (const rows of [100_000, 1_000_000]) {
  for (const drag of DRAGS) {
    const r = await measure(rows, drag);
    const work = r.updates.map((u) => u.workMs);
    const draw = r.updates.map((u) => u.drawMs);
    const total = r.updates.map((u) => u.workMs + u.drawMs);
    console.log(`${rows.toLocaleString('en-US')} users, dragging the ${drag.name}: ${r.inputs} slider input events, one per frame, ${r.updates.length} updates drawn:`);
    console.log(`  worker (relabel + counts + view)  median ${quantile(work, 0.5).toFixed(1)} ms, p95 ${quantile(work, 0.95).toFixed(1)} ms`);
    console.log(`  main thread (draw)                median ${quantile(draw, 0.5).toFixed(1)} ms, p95 ${quantile(draw, 0.95).toFixed(1)} ms`);
    console.log(`  work per update (both)            median ${quantile(total, 0.5).toFixed(1)} ms, p95 ${quantile(total, 0.95).toFixed(1)} ms`);
    if (r.latency.length) {
      console.log(`  frames from input to headline     median ${quantile(r.latency, 0.5)}, max ${Math.max(...r.latency)} (over ${r.latency.length} inputs whose update was not superseded)`);
    } else {
      console.log('  frames from input to headline     every input was superseded by a newer one before it was drawn');
    }
    console.log(`  longest main-thread task          ${r.longTasks.length ? `${Math.max(...r.longTasks).toFixed(0)} ms (${r.longTasks.length} tasks over 50 ms)` : 'none over 50 ms'}; longest gap between frames ${r.maxFrameGap.toFixed(0)} ms`);
  }
}
await browser.close();
