// URL state: every control lives in the hash (`#seed=7&weights.downloads_7d=0.8
// &hide=advanced`), written as the person moves a control and read on load,
// so any view can be shared as a link. Only values that differ from the
// contract are written, which keeps links short.
import { FIELDS, GROUPS, defaults } from './fields.js';
import { checkSeed } from './validate.js';

/**
 * @typedef {object} PageState
 * @property {Record<string, number|string>} values  keyed by field key
 * @property {string[]} hidden groups hidden by the link
 * @property {string[]} problems what in the hash could not be used, in words
 */

/**
 * Reads a hash. Bad entries are reported and replaced by the default; the
 * rest of the link still applies.
 * @param {string} hash
 * @returns {PageState}
 */
export function readHash(hash) {
  const values = defaults();
  const problems = [];
  let hidden = [];
  const entries = new URLSearchParams(hash.replace(/^#/, ''));
  for (const [key, raw] of entries) {
    if (key === 'hide') {
      hidden = raw.split(',').filter(Boolean);
      const unknown = hidden.filter((g) => !GROUPS.includes(g));
      if (unknown.length) problems.push(`hide: unknown control group ${unknown.join(', ')} (known: ${GROUPS.join(', ')})`);
      hidden = hidden.filter((g) => GROUPS.includes(g));
      continue;
    }
    const field = FIELDS.find((f) => f.key === key);
    if (!field) {
      problems.push(`${key}: not a parameter of this page`);
      continue;
    }
    const parsed = parseValue(field, raw);
    if (parsed.ok) values[key] = parsed.value;
    else problems.push(`${key}: ${parsed.message}; using the contract's ${field.default}`);
  }
  return { values, hidden, problems };
}

/**
 * @param {import('./fields.js').Field} field
 * @param {string} raw
 * @returns {{ok: true, value: number|string} | {ok: false, message: string}}
 */
export function parseValue(field, raw) {
  const text = raw.trim();
  if (field.type === 'seed') {
    const seed = checkSeed(text);
    return seed.ok ? seed : { ok: false, message: seed.message };
  }
  if (field.type === 'int') {
    if (!/^-?\d+$/.test(text)) return { ok: false, message: `expected a whole number, found “${raw}”` };
    return { ok: true, value: Number(text) };
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    return { ok: false, message: `expected a number, found “${raw}”` };
  }
  return { ok: true, value: Number(text) };
}

/**
 * Writes the state to a hash string (without touching history).
 * @param {Record<string, number|string>} values
 * @param {string[]} hidden
 */
export function writeHash(values, hidden) {
  const entries = new URLSearchParams();
  for (const field of FIELDS) {
    const value = values[field.key];
    if (String(value) !== String(field.default)) entries.set(field.key, String(value));
  }
  if (hidden.length) entries.set('hide', hidden.join(','));
  const text = entries.toString();
  return text ? `#${text}` : '';
}
