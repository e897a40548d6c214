// The Lessons panel: the list of lessons with the learner's progress, the
// lesson on screen (its view set through the URL hash, its question, Check
// and Why) and a teacher's "make a lesson from this view". Every text of a
// lesson is set with textContent: a teacher's link cannot inject markup.
import { Link, fromText } from '../app/link.js';
import { Progress, judge, tolerance } from './check.js';
import { QUANTITIES, TEACHABLE } from './quantities.js';
import { LESSONS, lessonHash } from './table.js';
import { announce } from '../app/announce.js';
import { formatNumber } from '../app/format.js';

/** @typedef {import('./table.js').Lesson} Lesson */
/** @typedef {import('./quantities.js').Live} Live */
/** @typedef {import('../pkg/conversion_playground.js').View} View */
/** @typedef {import('../world/panel.js').WorldPanel} WorldPanel */
/** @typedef {import('../world/panel.js').WorldShown} WorldShown */
/** @typedef {import('../model/panel.js').ModelPanel} ModelPanel */
/** @typedef {import('../decide/panel.js').DecidePanel} DecidePanel */
/** @typedef {import('../uplift/panel.js').UpliftPanel} UpliftPanel */
/** @typedef {import('../app/worker-client.js').WorkerClient} WorkerClient */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** A teacher's question, at most this long. */
const MAX_QUESTION = 500;

/** The panels whose `data-state` says when their numbers are the world's on screen. */
const STATEFUL = ['model-panel', 'decide-panel', 'uplift-panel'];

/**
 * The lesson a teacher's link describes, or why it cannot be used.
 * @param {Record<string, string | number>} values the lesson link's values
 * @returns {Lesson | string}
 */
export function teacherLesson(values) {
  const question = String(values.lessonQuestion).trim();
  const quantity = String(values.lessonQuantity);
  const tol = fromText('number', String(values.lessonTolerance));
  if (!question) return 'The lesson link has no question (lessonQuestion).';
  if (question.length > MAX_QUESTION) return `The lesson's question must be at most ${MAX_QUESTION} characters.`;
  if (!TEACHABLE.includes(quantity)) return `The lesson's quantity must be one of: ${TEACHABLE.join(', ')}.`;
  if (typeof tol !== 'number' || !(tol >= 0)) return 'The lesson\'s tolerance must be a number from 0 up.';
  return {
    id: 'teacher',
    title: 'A lesson from your teacher',
    view: '',
    show: [],
    text: 'Your teacher set up this view and wrote the question below. Use the controls, then check: your answer is compared with what the page measures now.',
    question,
    quantity,
    answer: { kind: 'number', tolerance: tol },
    hint: `Look again at ${QUANTITIES[quantity].label} on the page.`,
    why: `Checked against ${QUANTITIES[quantity].label}, as the page measures it on your world:`,
  };
}

export class LessonsPanel {
  /**
   * Claims the lesson keys of the URL hash; a bare `#lesson=N` link gets
   * the lesson's whole view before the other panels read the hash.
   * @param {WorkerClient} client
   */
  constructor(client) {
    this.client = client;
    this.link = new Link([
      { key: 'lesson', kind: 'text', default: '' },
      { key: 'lessonQuestion', kind: 'text', default: '' },
      { key: 'lessonQuantity', kind: 'text', default: '' },
      { key: 'lessonTolerance', kind: 'text', default: '' },
    ], []);
    const keys = [...new URLSearchParams(location.hash.replace(/^#/, '')).keys()];
    const n = Number(this.link.read(location.hash).values.lesson);
    if (keys.length === 1 && Number.isInteger(n) && n >= 1 && n <= LESSONS.length) {
      history.replaceState(null, '', lessonHash(n - 1));
    }
    this.progress = new Progress();
    /** @type {View | null} */
    this.view = null;
    /** @type {Map<number, number[]>} */
    this.widths = new Map();
    /** @type {Lesson | null} */
    this.lesson = null;
    this.index = -1;
    this.checking = 0;
    /** Move the focus to the next lesson shown (the learner asked for it). */
    this.focusTitle = false;
  }

  /**
   * Starts following the panels (the lessons read their live numbers).
   * @param {WorldPanel} world
   * @param {ModelPanel} model
   * @param {DecidePanel} decide
   * @param {UpliftPanel} uplift
   */
  attach(world, model, decide, uplift) {
    /** @type {Live} */
    this.live = {
      world: () => this.view,
      model,
      decide,
      uplift,
      call: (type, payload) => this.client.call(type, payload),
      widths: this.widths,
    };
    world.events.addEventListener('view', (event) => {
      this.view = /** @type {CustomEvent<WorldShown>} */ (event).detail.view;
    });
    model.events.addEventListener('settled', () => this.recordWidths(model));
    $('lessons-toggle').addEventListener('click', () => this.toggle(!this.open()));
    $('lessons-close').addEventListener('click', () => this.close());
    $('lessons-reset').addEventListener('click', () => {
      this.progress.reset();
      this.renderList();
    });
    $('lesson-check').addEventListener('click', () => this.check());
    $('lesson-answer').addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.check();
    });
    $('lesson-setup').addEventListener('click', () => this.go(this.index));
    $('lesson-prev').addEventListener('click', () => this.go(this.index - 1));
    $('lesson-next').addEventListener('click', () => this.go(this.index + 1));
    $('teacher-make').addEventListener('click', () => this.makeLink());
    const quantity = /** @type {HTMLSelectElement} */ ($('teacher-quantity'));
    for (const key of TEACHABLE) quantity.append(new Option(QUANTITIES[key].label, key));
    window.addEventListener('hashchange', () => this.followLink());
    this.renderList();
    this.followLink();
  }

  /**
   * Keeps the 95% interval widths of the five signals the model panel shows
   * for this size of world (lesson 4 compares two sizes).
   * @param {ModelPanel} model
   */
  recordWidths(model) {
    if (model.mode !== 'live' || !model.model?.intervals || !this.view || this.view.imported) return;
    const widths = model.rows.slice(0, 5).map((r) => (r.high ?? NaN) - (r.low ?? NaN));
    if (widths.every((w) => Number.isFinite(w) && w > 0)) this.widths.set(this.view.summary.rows, widths);
  }

  open() {
    return !$('lessons').hidden;
  }

  /** @param {boolean} on */
  toggle(on) {
    $('lessons').hidden = !on;
    document.body.classList.toggle('lessons-open', on);
    $('lessons-toggle').setAttribute('aria-expanded', String(on));
  }

  /** Closes the panel and leaves the lesson: every control shows again, the world stays. */
  close() {
    const entries = new URLSearchParams(location.hash.replace(/^#/, ''));
    for (const key of ['hide', 'lesson', 'lessonQuestion', 'lessonQuantity', 'lessonTolerance']) entries.delete(key);
    const rest = entries.toString();
    this.lesson = null;
    this.index = -1;
    $('lesson').hidden = true;
    this.toggle(false);
    location.hash = rest ? `#${rest}` : '';
    $('lessons-toggle').focus();
    this.renderList();
  }

  /**
   * Opens lesson `index`: its view goes into the URL hash, which every panel follows.
   * @param {number} index
   */
  go(index) {
    if (index < 0 || index >= LESSONS.length) return;
    this.focusTitle = true;
    const hash = lessonHash(index);
    if (location.hash === hash) this.show(index, null);
    else location.hash = hash;
  }

  /** Shows the lesson the hash names, if any. */
  followLink() {
    const { values } = this.link.read(location.hash);
    const raw = String(values.lesson);
    if (!raw) return;
    this.toggle(true);
    if (raw === 'custom') {
      const lesson = teacherLesson(values);
      if (typeof lesson === 'string') {
        this.lesson = null;
        $('lesson').hidden = true;
        $('lessons-error').textContent = lesson;
        $('lessons-error').hidden = false;
        return;
      }
      this.show(-1, lesson);
      return;
    }
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > LESSONS.length) {
      $('lessons-error').textContent = `There is no lesson ${raw}: the lessons are 1 to ${LESSONS.length}.`;
      $('lessons-error').hidden = false;
      return;
    }
    if (n - 1 !== this.index || !this.lesson) this.show(n - 1, null);
  }

  /**
   * @param {number} index the lesson's place, or −1 for a teacher's
   * @param {Lesson | null} custom a teacher's lesson
   */
  show(index, custom) {
    const lesson = custom ?? LESSONS[index];
    this.index = index;
    this.lesson = lesson;
    this.widths.clear();
    $('lessons-error').hidden = true;
    $('lesson').hidden = false;
    $('lesson-title').textContent = index >= 0 ? `${index + 1}. ${lesson.title}` : lesson.title;
    $('lesson-text').textContent = lesson.text;
    $('lesson-question').textContent = lesson.question;
    const choices = $('lesson-choices');
    choices.replaceChildren();
    const answer = lesson.answer;
    if (answer.kind === 'choice') {
      for (const choice of answer.choices) {
        const label = document.createElement('label');
        const input = document.createElement('input');
        input.type = 'radio';
        input.name = 'lesson-choice';
        input.value = choice.value;
        input.dataset.testid = `lesson-choice-${choice.value}`;
        label.append(input, ` ${choice.label}`);
        choices.append(label);
      }
    }
    choices.hidden = answer.kind !== 'choice';
    $('lesson-number').hidden = answer.kind !== 'number';
    /** @type {HTMLInputElement} */ ($('lesson-answer')).value = '';
    $('lesson-tolerance').textContent = answer.kind === 'number'
      ? `Checked within ${formatNumber(answer.tolerance, tolerance(answer.tolerance))} of what the page measures on your world now.`
      : '';
    this.verdict('', '');
    $('lesson-hint').hidden = true;
    $('lesson-why').hidden = true;
    /** @type {HTMLButtonElement} */ ($('lesson-prev')).disabled = index <= 0;
    /** @type {HTMLButtonElement} */ ($('lesson-next')).disabled = index < 0 || index >= LESSONS.length - 1;
    /** @type {HTMLButtonElement} */ ($('lesson-setup')).hidden = index < 0;
    this.renderList();
    // Opened from the list or Previous / Next: the reader goes to the lesson.
    if (this.focusTitle) $('lesson-title').focus();
    this.focusTitle = false;
  }

  /**
   * @param {'right' | 'wrong' | 'open' | ''} verdict
   * @param {string} message
   */
  verdict(verdict, message) {
    const result = $('lesson-result');
    result.dataset.verdict = verdict;
    result.textContent = message;
    if (message) announce(message);
  }

  /** The panels' numbers are the world's on screen. */
  async settled() {
    const started = performance.now();
    while (STATEFUL.some((id) => document.getElementById(id)?.dataset.state === 'busy') && performance.now() - started < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Checks the answer against the quantity measured now. */
  async check() {
    const lesson = this.lesson;
    if (!lesson || !this.live) return;
    const run = ++this.checking;
    this.verdict('', 'Checking against the world on screen…');
    await this.settled();
    const quantity = QUANTITIES[lesson.quantity];
    let measured;
    try {
      measured = await quantity.read(this.live, { from: lesson.from });
    } catch (error) {
      const e = /** @type {{field?: string, problem?: string, message?: string}} */ (error);
      measured = { value: null, hint: e.field === 'before' ? 'These are other users than the lesson started with: set up the view again.' : String(e.message ?? error) };
    }
    if (run !== this.checking || lesson !== this.lesson) return;
    const picked = /** @type {HTMLInputElement | null} */ (document.querySelector('input[name="lesson-choice"]:checked'));
    const given = lesson.answer.kind === 'choice' ? picked?.value ?? '' : /** @type {HTMLInputElement} */ ($('lesson-answer')).value;
    const { verdict, message } = judge(given, lesson.answer, measured, Boolean(quantity.share));
    this.verdict(verdict, message);
    $('lesson-hint').textContent = verdict === 'wrong' ? `Hint: ${lesson.hint}` : '';
    $('lesson-hint').hidden = verdict !== 'wrong';
    const answered = verdict === 'right' || verdict === 'wrong';
    $('lesson-why').hidden = !answered;
    if (answered && measured.value !== null) {
      $('lesson-why-text').textContent = lesson.why;
      $('lesson-live').textContent = measured.words;
    }
    if (verdict === 'right' && this.index >= 0) {
      this.progress.mark(lesson.id);
      this.renderList();
    }
  }

  renderList() {
    const list = $('lesson-list');
    list.replaceChildren(...LESSONS.map((lesson, i) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.testid = `lesson-open-${i + 1}`;
      button.textContent = lesson.title;
      if (i === this.index) button.setAttribute('aria-current', 'step');
      button.addEventListener('click', () => this.go(i));
      item.append(button);
      if (this.progress.done.has(lesson.id)) {
        const done = document.createElement('span');
        done.className = 'done';
        done.textContent = ' ✓ done';
        item.append(done);
      }
      return item;
    }));
    const done = LESSONS.filter((l) => this.progress.done.has(l.id)).length;
    $('lessons-progress').textContent = `${done} of ${LESSONS.length} lessons answered right.`;
  }

  /** The current view as a teacher's lesson link. */
  makeLink() {
    const question = /** @type {HTMLTextAreaElement} */ ($('teacher-question')).value.trim();
    const quantity = /** @type {HTMLSelectElement} */ ($('teacher-quantity')).value;
    const tolerance = /** @type {HTMLInputElement} */ ($('teacher-tolerance')).value.trim();
    const lesson = teacherLesson({ lessonQuestion: question, lessonQuantity: quantity, lessonTolerance: tolerance });
    const error = $('teacher-error');
    const anchor = /** @type {HTMLAnchorElement} */ ($('teacher-link'));
    if (typeof lesson === 'string') {
      error.textContent = lesson;
      error.hidden = false;
      anchor.hidden = true;
      return;
    }
    error.hidden = true;
    const hash = this.link.write(
      { lesson: 'custom', lessonQuestion: question, lessonQuantity: quantity, lessonTolerance: tolerance },
      [],
    );
    anchor.href = hash;
    anchor.textContent = new URL(hash, location.href).href;
    anchor.hidden = false;
  }
}
