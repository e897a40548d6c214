// What the page's update paths cost at the wasm–JS boundary, at 1,000,000
// users: for each path the worker's call (the core's work and handing its
// result to JavaScript), the result handed over alone where a call re-reads
// what is computed (the world's view, the fit's progress), and the
// structured clone that postMessage makes of the result to send it to the
// page (typed arrays' buffers transferred, as the worker does). It counts
// the numbers the result carries in plain arrays and in typed arrays.
// Shape-agnostic on purpose: `bench/boundary.mjs` runs it against two builds
// of the package (before and after a change) and prints them side by side.

/**
 * Every typed array's buffer in `value`, once each, and how many numbers it
 * holds in plain arrays (directly or in objects inside them: a ROC curve's
 * points) and in typed arrays.
 * @param {unknown} value
 */
export function census(value) {
  /** @type {Set<ArrayBuffer>} */
  const buffers = new Set();
  let plain = 0;
  let typed = 0;
  /** @param {unknown} v @param {boolean} inArray */
  const walk = (v, inArray) => {
    if (typeof v === 'number') {
      if (inArray) plain += 1;
    } else if (v !== null && typeof v === 'object') {
      if (ArrayBuffer.isView(v)) {
        buffers.add(/** @type {ArrayBuffer} */ (v.buffer));
        typed += /** @type {Float64Array} */ (v).length;
      } else if (Array.isArray(v)) {
        for (const x of v) walk(x, true);
      } else {
        for (const x of Object.values(v)) walk(x, inArray);
      }
    }
  };
  walk(value, false);
  return { transfer: [...buffers], plain, typed };
}

/**
 * Times `call` `runs` times (the mean: the browser's clock ticks in 0.1 ms),
 * then postMessage's clone of each result, transferring typed arrays'
 * buffers as the worker does.
 * @param {(k: number) => unknown} call
 * @param {number} runs
 */
function timed(call, runs) {
  const results = [];
  let t = performance.now();
  for (let k = 1; k <= runs; k++) results.push(call(k));
  const callMs = (performance.now() - t) / runs;
  const counts = results.map(census);
  t = performance.now();
  results.forEach((r, k) => structuredClone(r, { transfer: counts[k].transfer }));
  const cloneMs = (performance.now() - t) / runs;
  const { plain, typed } = counts[counts.length - 1];
  return { callMs, cloneMs, plain, typed };
}

/**
 * @param {string} pkg the package's module URL
 * @param {number} rows
 */
export async function boundaryBench(pkg, rows = 1_000_000) {
  const wasm = await import(pkg);
  await wasm.default();
  const { World, ModelFit, Decisions, UpliftLab } = wasm;
  const params = (/** @type {number} */ k) => ({ rows, seed: '42', weights: { downloads_7d: 0.5 + 0.01 * k } });
  const world = new World(params(0));
  const out = {};
  out.weightStep = timed((k) => world.update(params(k)), 20);
  out.worldView = timed(() => world.view(), 200);
  const fit = new ModelFit(world, undefined);
  out.fitStep = timed(() => fit.step(1), 20);
  out.fitProgress = timed(() => fit.progress(), 200);
  fit.run();
  out.evaluate = timed(() => fit.evaluate(world, { economics: { valuePerConversion: 50, costPerContact: 2 } }), 5);
  const decisions = Decisions.ofFit(fit, world);
  const economics = { valuePerConversion: 50, costPerContact: 2 };
  out.threshold = timed((k) => decisions.view({ high: 0.95 - 0.01 * (k % 40), medium: 0.4 }, economics), 200);
  decisions.free();
  const model = fit.model();
  const weights = [...model.coefficients, model.intercept];
  fit.free();
  world.free();
  const lesson = new World({ rows, seed: '42', baseline: -2 });
  const lab = new UpliftLab();
  const settings = (/** @type {number} */ effect) => ({ offer: { effect, fatigue: -0.25 }, budget: 0.2 });
  lab.update(lesson, settings(0.8), weights);
  out.tauStep = timed((k) => lab.update(lesson, settings(0.8 + 0.05 * k), weights), 20);
  lab.free();
  lesson.free();
  return out;
}
