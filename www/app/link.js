// The URL hash: every control lives in it (`#seed=7&weights.downloads_7d=0.8
// &hide=advanced&optimizer=gd`), written as the person moves a control and
// read on load, so any view can be shared as a link. Only values that differ
// from their default are written, which keeps links short. What the values
// may be is for the wasm core to judge: this module only turns text into
// numbers where the text is a number.
//
// Each panel has its own Link over its own keys; they share the one hash.
// A Link reads only its keys (the others' are not problems) and, when it
// writes, keeps the other links' entries as the hash holds them.

/** @typedef {Record<string, string | number>} Values keyed by field key */

/**
 * A value the link carries.
 * @typedef {object} LinkField
 * @property {string} key  the URL key (for generator parameters, their path)
 * @property {'seed' | 'whole' | 'number' | 'text'} kind
 * @property {string | number} default
 */

/** Keys of every Link on the page (and `hide`, once a link owns groups). */
const claimed = new Set();

/**
 * Control groups of the panels whose Link does not own `hide` (the model,
 * the decisions, the uplift lab): the Link that owns it reads and keeps
 * them, and `showGroups` hides them. Each is the `[data-group]` element of
 * that name, or `[data-hideable]` inside the world's controls (where
 * `data-group` marks the world's own sliders, which an import turns off).
 */
const panelGroups = new Set();

/**
 * Lets a link hide these control groups (`[data-group]` elements).
 * @param {string[]} groups
 */
export function hideableGroups(groups) {
  for (const group of groups) panelGroups.add(group);
}

/**
 * Shows or hides the registered panels' control groups as `hash` says.
 * @param {string} hash
 */
export function showGroups(hash) {
  const hidden = (new URLSearchParams(hash.replace(/^#/, '')).get('hide') ?? '').split(',');
  for (const group of panelGroups) {
    for (const box of document.querySelectorAll(`[data-group="${group}"], [data-hideable="${group}"]`)) {
      /** @type {HTMLElement} */ (box).hidden = hidden.includes(group);
    }
  }
}

/**
 * What a hash holds.
 * @typedef {object} LinkState
 * @property {Values} values  every field, the link's value or the default
 * @property {string[]} hidden control groups hidden by the link
 * @property {string[]} problems what in the hash could not be used, in words
 */

/**
 * Text typed or linked for a field of `kind`, as the value to send: a number
 * when the text is one (thousands separators allowed in whole numbers), the
 * trimmed text otherwise (seeds and text always stay text: seeds can exceed
 * 2^53). The core refuses what is not a valid value, naming the field.
 * @param {'seed' | 'whole' | 'number' | 'text'} kind
 * @param {string} raw
 * @returns {string | number}
 */
export function fromText(kind, raw) {
  const text = raw.trim();
  if (kind === 'seed' || kind === 'text') return text;
  if (kind === 'whole') {
    const digits = text.replace(/(?<=\d)[,\s_](?=\d{3}(\D|$))/g, '');
    return /^-?\d+$/.test(digits) ? Number(digits) : text;
  }
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : text;
}

export class Link {
  /**
   * @param {LinkField[]} fields
   * @param {string[]} groups control groups a link may hide
   */
  constructor(fields, groups) {
    this.fields = fields;
    this.groups = groups;
    for (const field of fields) claimed.add(field.key);
    if (groups.length) claimed.add('hide');
  }

  /**
   * True when `key` belongs to another Link.
   * @param {string} key
   */
  others(key) {
    return claimed.has(key) && !this.fields.some((f) => f.key === key) && !(key === 'hide' && this.groups.length);
  }

  /** @returns {Values} every field at its default */
  defaults() {
    return Object.fromEntries(this.fields.map((f) => [f.key, f.default]));
  }

  /**
   * Reads a hash. Unknown keys are reported and skipped; the rest apply.
   * @param {string} hash
   * @returns {LinkState}
   */
  read(hash) {
    const values = this.defaults();
    /** @type {string[]} */
    const problems = [];
    /** @type {string[]} */
    let hidden = [];
    for (const [key, raw] of new URLSearchParams(hash.replace(/^#/, ''))) {
      if (this.others(key)) continue;
      if (key === 'hide') {
        const asked = raw.split(',').filter(Boolean);
        const known = [...this.groups, ...panelGroups];
        const unknown = asked.filter((g) => !known.includes(g));
        if (unknown.length) problems.push(`hide: ${unknown.join(', ')} is not a control group (the groups: ${known.join(', ')})`);
        hidden = asked.filter((g) => known.includes(g));
        continue;
      }
      const field = this.fields.find((f) => f.key === key);
      if (!field) {
        problems.push(`${key} is not a setting of this page`);
        continue;
      }
      values[key] = fromText(field.kind, raw);
    }
    return { values, hidden, problems };
  }

  /**
   * The hash for `values` and `hidden` groups, keeping the other links'
   * entries of `current` ('' when all are defaults).
   * @param {Values} values
   * @param {string[]} hidden
   * @param {string} [current] the hash now (default: the page's)
   */
  write(values, hidden, current = location.hash) {
    const entries = new URLSearchParams();
    for (const [key, raw] of new URLSearchParams(current.replace(/^#/, ''))) {
      if (this.others(key)) entries.set(key, raw);
    }
    for (const field of this.fields) {
      const value = values[field.key];
      if (String(value) !== String(field.default)) entries.set(field.key, String(value));
    }
    if (hidden.length) entries.set('hide', hidden.join(','));
    const text = entries.toString();
    return text ? `#${text}` : '';
  }
}
