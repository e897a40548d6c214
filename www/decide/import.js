// A person's own users: a contract CSV chosen with the file picker or
// dropped anywhere on the page, read in chunks (a million rows show their
// progress and never freeze the page) and checked in the worker by the same
// rules as `conversion validate`. A file that does not meet the contract is
// refused with its problems listed (`line L, column C (name): …`, the first
// 20 and a count) and everything on screen stays as it was; a good one
// becomes the world.
import { announce } from '../app/announce.js';
import { counted, formatCount } from '../app/format.js';

/** @typedef {import('../app/worker-client.js').WorkerClient} WorkerClient */
/** @typedef {import('../pkg/conversion_playground.js').View} View */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** Bytes of the file sent to the worker at a time. */
const CHUNK = 1 << 21;

/**
 * What the worker says at the end of a file.
 * @typedef {{ok: true, view: View, workMs: number} | {ok: false, problems: string[], total: number, message: string}} Finished
 */

/**
 * @typedef {object} ImportHooks
 * @property {(view: View, name: string) => void} onImported a good file is the world now
 * @property {() => void} onLeave the person asked for a generated world again
 */

export class CsvImporter {
  /**
   * @param {WorkerClient} client
   * @param {ImportHooks} hooks
   */
  constructor(client, hooks) {
    this.client = client;
    this.hooks = hooks;
    /** Each import's number: a newer one makes an older one's answers moot. */
    this.current = 0;
    /** @type {string | null} the file on screen */
    this.name = null;
    const input = /** @type {HTMLInputElement} */ ($('import-csv'));
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) this.read(file);
      input.value = '';
    });
    $('import-leave').addEventListener('click', () => hooks.onLeave());
    // A file dropped anywhere on the page is imported; the browser must not open it instead.
    const carriesFiles = (/** @type {DragEvent} */ e) => Boolean(e.dataTransfer?.types.includes('Files'));
    document.addEventListener('dragover', (e) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      $('import-group').classList.add('dropping');
    });
    document.addEventListener('dragleave', (e) => {
      if (e.relatedTarget === null) $('import-group').classList.remove('dropping');
    });
    document.addEventListener('drop', (e) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      $('import-group').classList.remove('dropping');
      const file = e.dataTransfer?.files[0];
      if (file) this.read(file);
    });
  }

  /**
   * Reads `file` into the worker a chunk at a time, then asks it to check
   * the whole and, if it meets the contract, make it the world.
   * @param {File} file
   */
  async read(file) {
    const id = ++this.current;
    const started = performance.now();
    const progress = /** @type {HTMLProgressElement} */ ($('import-progress'));
    progress.hidden = false;
    progress.value = 0;
    $('import-problems').hidden = true;
    this.status(`Reading ${file.name}…`);
    try {
      await this.client.call('import.begin');
      for (let at = 0; at < file.size; at += CHUNK) {
        const bytes = new Uint8Array(await file.slice(at, at + CHUNK).arrayBuffer());
        const { more, rows } = /** @type {{more: boolean, rows: number}} */ (await this.client.call('import.chunk', { bytes }));
        if (id !== this.current) return;
        progress.value = Math.min(1, (at + bytes.length) / Math.max(1, file.size));
        this.status(`Reading ${file.name}: ${counted(rows, 'row')} so far…`);
        if (!more) break;
      }
      const finished = /** @type {Finished} */ (await this.client.call('import.finish'));
      if (id !== this.current) return;
      if (!finished.ok) {
        this.refused(file.name, finished);
        return;
      }
      this.name = file.name;
      this.hooks.onImported(finished.view, file.name);
      const rows = finished.view.summary.rows;
      // For bench/decide-page.mjs: from choosing the file to the world's charts drawn.
      performance.measure('conversion:import', { start: started, detail: { rows, bytes: file.size, finishMs: finished.workMs } });
      this.status('');
      announce(`Imported ${counted(rows, 'user')} from ${file.name}.`);
    } catch (error) {
      if (id !== this.current) return;
      await this.client.call('import.cancel').catch(() => undefined);
      const message = `Could not read ${file.name}: ${/** @type {Error} */ (error).message}. The world on screen is unchanged.`;
      this.status(message);
      announce(message);
    } finally {
      if (id === this.current) progress.hidden = true;
    }
  }

  /** @param {string} text */
  status(text) {
    $('import-status').textContent = text;
  }

  /**
   * A file that does not meet the contract: its problems, and the world as it was.
   * @param {string} name
   * @param {{problems: string[], total: number}} refusal
   */
  refused(name, { problems, total }) {
    const box = $('import-problems');
    const heading = document.createElement('p');
    heading.textContent = `${name} does not meet the data contract (${counted(total, 'problem')}); nothing was imported and the world on screen is unchanged:`;
    const list = document.createElement('ul');
    list.append(...problems.map((p) => {
      const item = document.createElement('li');
      item.textContent = p;
      return item;
    }));
    if (total > problems.length) {
      const more = document.createElement('li');
      more.textContent = `… and ${formatCount(total - problems.length)} more`;
      list.append(more);
    }
    box.replaceChildren(heading, list);
    box.hidden = false;
    this.status('');
    announce(`${name} was not imported: ${counted(total, 'problem')}, the first: ${problems[0] ?? ''}`);
  }

  /**
   * Says whether imported users are on screen, and so what is off.
   * @param {View} view
   */
  show(view) {
    if (!view.imported) this.name = null;
    const note = $('import-note');
    note.hidden = !view.imported;
    note.textContent = view.imported
      ? `The users on screen come from ${this.name ?? 'a file'} (${counted(view.summary.rows, 'user')}). The world's sliders and the target rate shape generated worlds, so they are off; what needs the truth says "unknown for imported data". The link says the data are imported: a file cannot travel in a URL.`
      : '';
    $('import-leave').hidden = !view.imported;
  }
}
