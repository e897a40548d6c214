// Times the uplift lab in the wasm build: at 1,000,000 users, recomputing
// the groups and the policy curves after one τ slider step (the users'
// effects with and without the offer, the two true rankings, every
// policy's tallies, the experiment's arms), as the page's worker does per
// step; and what runs less often beside it: the first look at a world, a
// budget step (the tallies read again), learning the uplift model (two
// logistic fits) and re-running 20 experiments.
import { ModelFit, UpliftLab, World } from '../www/pkg/conversion_playground.js';

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The lab's lesson world (the page's preset), at `rows` users. */
export function upliftBench(rows = 1_000_000) {
  const params = { rows, seed: '42', baseline: -2 };
  const world = new World(params);
  const fit = new ModelFit(world, undefined);
  fit.run();
  const model = fit.model();
  const weights = [...model.coefficients, model.intercept];
  fit.free();
  const lab = new UpliftLab();
  const settings = (/** @type {number} */ effect, budget = 0.2) => ({ offer: { effect, fatigue: -0.25 }, budget });
  let t = performance.now();
  lab.update(world, settings(0.8), weights);
  const firstMs = performance.now() - t;
  const steps = [];
  for (let k = 1; k <= 20; k++) {
    t = performance.now();
    lab.update(world, settings(0.8 + 0.05 * k), weights);
    steps.push(performance.now() - t);
  }
  const budgets = [];
  for (let k = 1; k <= 10; k++) {
    t = performance.now();
    lab.update(world, settings(1.8, 0.2 + 0.01 * k), weights);
    budgets.push(performance.now() - t);
  }
  t = performance.now();
  lab.learn(world, settings(1.8, 0.3), weights);
  const learnMs = performance.now() - t;
  t = performance.now();
  lab.rerun(world, settings(1.8, 0.3), 20);
  const rerunMs = performance.now() - t;
  lab.free();
  world.free();
  return { rows, firstMs, stepMs: median(steps), stepMaxMs: Math.max(...steps), budgetMs: median(budgets), learnMs, rerunMs };
}
