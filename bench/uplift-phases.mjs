// Times each phase of the uplift lab's τ step in two halves, both labs in
// one thread (Node, the page's wasm): the page's worker's own phases (its
// half of the effects' pass, the join, its half of the true rankings' pass,
// the finish) and the helper's, one after the other. Their sum for the
// worker is its share of a helped step without the waits and messages
// between the two workers (bench/uplift-worker.mjs measures those in
// Chromium). A measurement, not a test. After `cargo xtask build`:
//   node bench/uplift-phases.mjs [package dir, default www/pkg]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = resolve(process.argv[2] || 'www/pkg');
const pkg = await import(pathToFileURL(`${dir}/conversion_playground.js`).href);
pkg.initSync({ module: readFileSync(`${dir}/conversion_playground_bg.wasm`) });
const rows = Number(process.env.ROWS || 1_000_000);

// The lab's lesson world, with the model fitted to it.
const world = new pkg.World({ rows, seed: '42', baseline: -2 });
const fit = new pkg.ModelFit(world, undefined);
fit.run();
const model = fit.model();
const weights = [...model.coefficients, model.intercept];
const lab = new pkg.UpliftLab();
const helper = new pkg.UpliftLab();
/** @param {number} effect */
const settings = (effect) => ({ offer: { effect, fatigue: -0.25 }, budget: 0.2 });
lab.update(world, settings(0.8), weights);

const phases = ['beginStep', 'stepFirst', 'followFirst (helper)', 'stepJoinFirst', 'followTruth (helper)', 'stepTruth', 'stepFinish'];
/** @type {number[][]} */
const times = phases.map(() => []);
for (let run = 0; run < 3; run++) {
  for (let k = 1; k <= 20; k++) {
    const s = settings(0.8 + 0.05 * k + 0.01 * run);
    let at = performance.now();
    /** @param {number} i */
    const mark = (i) => {
      const now = performance.now();
      times[i].push(now - at);
      at = now;
    };
    lab.beginStep(world, s, weights);
    mark(0);
    helper.followStep(world, s, weights);
    at = performance.now();
    const counts = lab.stepFirst(world);
    mark(1);
    const later = helper.followFirst(world);
    mark(2);
    lab.stepJoinFirst(world, later);
    mark(3);
    const truth = helper.followTruth(world, counts);
    mark(4);
    lab.stepTruth(world);
    mark(5);
    lab.stepFinish(world, s, truth);
    mark(6);
  }
}
/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`a τ step in two halves, ${rows.toLocaleString('en-US')} users, wasm in Node, one thread (median of ${times[0].length} steps):`);
phases.forEach((name, i) => console.log(`  ${name.padEnd(22)} ${median(times[i]).toFixed(2)} ms`));
const own = [0, 1, 3, 5, 6].reduce((sum, i) => sum + median(times[i]), 0);
console.log(`  the worker's own phases, summed: ${own.toFixed(2)} ms (issue 13's target for the whole step: 16 ms)`);
