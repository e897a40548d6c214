// Measures the page's responsiveness in headless Chromium and prints figures
// (a measurement, not a test: nothing here asserts a time). Run with the page
// served at BASE_URL, e.g. by `cargo xtask bench` or:
//   BASE_URL=http://127.0.0.1:8080/ node tests/e2e/measure.mjs
//
// For 100,000 and 1,000,000 users it "drags" the baseline b0 slider one step
// per animation frame (60 input events) and records:
// - per update, the worker's work (relabel + aggregates) and the main
//   thread's drawing time (charts, tables, text);
// - how many frames pass between a slider input event and the headline text
//   changing;
// - the longest main-thread task while dragging (PerformanceObserver).
import { launch, BASE_URL } from './support.mjs';

const browser = await launch();

/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function measure(rows) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(new URL(`#rows=${rows}`, BASE_URL).href);
  await page.locator('#rate-detail').filter({ hasText: `of ${rows.toLocaleString('en-US')} users` }).waitFor({ timeout: 120_000 });
  await page.waitForTimeout(500);
  const result = await page.evaluate(async () => {
    const slider = /** @type {HTMLInputElement} */ (document.querySelector('[data-testid="baseline-b0"]'));
    const headline = document.querySelector('[data-testid="conversion-rate"]');
    const frames = [];
    const inputs = [];
    const changes = [];
    const longTasks = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
    observer.observe({ type: 'longtask', buffered: false });
    const mutations = new MutationObserver(() => changes.push(performance.now()));
    mutations.observe(headline, { childList: true, characterData: true, subtree: true });
    performance.clearMeasures('conversion:update');
    const steps = 60;
    await new Promise((resolve) => {
      let i = 0;
      const tick = (t) => {
        frames.push(t);
        if (i < steps) {
          // Sweep b0 from -6 to +2: the rate changes at every step.
          slider.value = String(-6 + (8 * i) / (steps - 1));
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
  });
  await page.close();
  return result;
}

for (const rows of [100_000, 1_000_000]) {
  const r = await measure(rows);
  const work = r.updates.map((u) => u.workMs);
  const draw = r.updates.map((u) => u.drawMs);
  const total = r.updates.map((u) => u.workMs + u.drawMs);
  console.log(`${rows.toLocaleString('en-US')} users, ${r.inputs} slider input events, one per frame, ${r.updates.length} updates drawn:`);
  console.log(`  worker (relabel + aggregates)  median ${quantile(work, 0.5).toFixed(1)} ms, p95 ${quantile(work, 0.95).toFixed(1)} ms`);
  console.log(`  main thread (draw)             median ${quantile(draw, 0.5).toFixed(1)} ms, p95 ${quantile(draw, 0.95).toFixed(1)} ms`);
  console.log(`  work per update (both)         median ${quantile(total, 0.5).toFixed(1)} ms, p95 ${quantile(total, 0.95).toFixed(1)} ms`);
  if (r.latency.length) {
    console.log(`  frames from input to headline  median ${quantile(r.latency, 0.5)}, max ${Math.max(...r.latency)} (over ${r.latency.length} inputs whose update was not superseded)`);
  } else {
    console.log('  frames from input to headline  every input was superseded by a newer one before it was drawn');
  }
  console.log(`  longest main-thread task       ${r.longTasks.length ? `${Math.max(...r.longTasks).toFixed(0)} ms (${r.longTasks.length} tasks over 50 ms)` : 'none over 50 ms'}; longest gap between frames ${r.maxFrameGap.toFixed(0)} ms`);
}
await browser.close();
