// bench/boundary.html's script: runs the boundary benchmark on the package
// `?pkg=` names (the page's build by default) for bench/boundary.mjs.
import { boundaryBench } from './boundary.js';

const query = new URLSearchParams(location.search);
const pkg = new URL(query.get('pkg') || '../www/pkg/conversion_playground.js', location.href).href;
const w = /** @type {any} */ (window);
boundaryBench(pkg, Number(query.get('rows') || 1_000_000)).then((r) => {
  /** @type {HTMLElement} */ (document.getElementById('out')).textContent = JSON.stringify(r, null, 2);
  w.boundaryResults = r;
}, (e) => { w.boundaryResults = { error: String(e && e.stack || e) }; });
