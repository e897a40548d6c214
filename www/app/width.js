// Charts that follow their box's width without asking for it. Reading an
// element's width after the page has changed makes the browser lay out the
// whole document there and then; a chart that checked its width on every
// update did that several times per slider step (most of the 20 ms the
// uplift lab's page took to show a τ step at a million users). A
// ResizeObserver says instead when a box's width has changed, after the
// browser's own layout: a hidden panel shown, the window resized, a phone
// turned.

/** @type {WeakMap<Element, {width: number, resized: () => void}>} */
const followed = new WeakMap();

const observer = new ResizeObserver((entries) => {
  for (const entry of entries) {
    const box = /** @type {HTMLElement} */ (entry.target);
    const f = followed.get(box);
    // (The page was just laid out: reading the width is cheap here.)
    if (f && box.clientWidth !== f.width) {
      f.width = box.clientWidth;
      f.resized();
    }
  }
});

/**
 * Calls `resized` whenever `box` is laid out at a new width (its chart
 * drawn at the width it has now).
 * @param {HTMLElement} box
 * @param {() => void} resized
 */
export function followWidth(box, resized) {
  followed.set(box, { width: box.clientWidth, resized });
  observer.observe(box);
}

/**
 * The width to draw `box`'s chart at, in CSS pixels: the width the box was
 * last laid out at when it is followed (no layout forced), else its width
 * now; at least `narrowest`, and 320 for a box not laid out (hidden).
 * @param {HTMLElement} box
 * @param {number} narrowest
 */
export const chartWidth = (box, narrowest) =>
  Math.max(narrowest, Math.floor((followed.get(box)?.width ?? box.clientWidth) || 320));
