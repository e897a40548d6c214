// The page's one live region: what changed, said politely once, whichever
// panel changed it (several live regions would talk over each other).

/**
 * Says `text` to a screen reader, through `#live-summary`.
 * @param {string} text
 */
export function announce(text) {
  const region = document.getElementById('live-summary');
  if (region) region.textContent = text.trim();
}
