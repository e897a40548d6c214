// The buffers a worker's answer can hand over rather than copy: the typed
// arrays the wasm layer makes for charts and curves (Float64Array,
// Uint32Array), each a copy out of wasm memory with a buffer of its own.
// Transferred, postMessage moves them to the page without copying again.

/**
 * Every buffer owned by a typed array in `value` (once each), searched
 * through plain objects and arrays. A view that covers only part of its
 * buffer (such as a view of wasm memory) is left alone: it does not own it.
 * @param {unknown} value
 * @returns {ArrayBuffer[]}
 */
export function buffersOf(value) {
  /** @type {Set<ArrayBuffer>} */
  const found = new Set();
  /** @param {unknown} v */
  const walk = (v) => {
    if (v === null || typeof v !== 'object') return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength) found.add(v.buffer);
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (Object.getPrototypeOf(v) === Object.prototype) {
      Object.values(v).forEach(walk);
    }
  };
  walk(value);
  return [...found];
}
