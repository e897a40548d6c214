// The guided lessons, as data. Each is a view (the link state it opens,
// with the control groups that do not matter hidden), a few sentences, one
// question, the live quantity the answer is checked against (see
// quantities.js: measured on the learner's world, never stored) with its
// tolerance, a hint for a wrong answer and why the answer is what it is.
// A teacher adds a lesson here, or makes one from a view on the page.
import { DECIDE_GROUPS } from '../decide/options.js';
import { MODEL_GROUPS } from '../model/options.js';
import { LAB_GROUPS, LESSON_HASH } from '../uplift/options.js';
import { GROUPS } from '../world/controls.js';

/** Every panel's control groups, for hiding all but a few. */
export const ALL_GROUPS = [...GROUPS, ...MODEL_GROUPS, ...DECIDE_GROUPS, ...LAB_GROUPS];

/**
 * The answer a lesson asks for: a number typed (within `tolerance` of the
 * live quantity), or one of a few choices (the live quantity names the
 * right one).
 * @typedef {{kind: 'number', tolerance: number} | {kind: 'choice', choices: {value: string, label: string}[]}} Answer
 */

/**
 * @typedef {object} Lesson
 * @property {string} id kept in the learner's progress
 * @property {string} title
 * @property {string} view the link state it opens (the URL hash without `#`)
 * @property {string[]} show the control groups left visible (the others are hidden)
 * @property {string} text two or three sentences
 * @property {string} question
 * @property {string} quantity a key of QUANTITIES
 * @property {Answer} answer
 * @property {Record<string, number>} [from] the parameter the learner moves and its starting value
 * @property {string} hint shown with a wrong answer
 * @property {string} why shown after an answer, before the live figures
 */

/** @type {Lesson[]} */
export const LESSONS = [
  {
    id: 'scurve',
    title: 'From signals to a probability',
    view: 'rows=20000',
    show: ['score'],
    text: 'Each user\'s behaviour adds up to a score (in log-odds). The S-curve p = 1 / (1 + e^−score) turns any score into a probability between 0 and 1. Look at "From score to probability".',
    question: 'At what score does the S-curve give a 50% chance of converting?',
    quantity: 'halfScore',
    answer: { kind: 'number', tolerance: 0.1 },
    hint: 'Find where the curve crosses the middle line, halfway between 0% and 100%.',
    why: 'A score of 0 means even odds: e^0 = 1, so p = 1 / (1 + 1) = ½. Positive scores lean towards converting, negative away.',
  },
  {
    id: 'flips',
    title: 'Same users, another world',
    view: 'rows=20000',
    show: ['weights'],
    from: { 'weights.downloads_7d': 0.5 },
    text: 'Every user keeps their signals, their noise z and their own random draw u when a weight moves (common random numbers): they convert when u < p. So moving a weight changes only the users whose p crosses their u.',
    question: 'Raise the downloads weight (to 1.2, say). Which users flipped from not converting to converting?',
    quantity: 'whoFlipped',
    answer: {
      kind: 'choice',
      choices: [
        { value: 'withDownloads', label: 'Only users with at least one download' },
        { value: 'everyone', label: 'Users with and without downloads alike' },
        { value: 'nobody', label: 'Nobody: the same seed gives the same labels' },
      ],
    },
    hint: 'Whose score does the downloads weight change? Weight × 0 downloads is 0.',
    why: 'The weight multiplies the downloads count: a user without downloads keeps their score, their p and their label. The engine labelled the same users under both weights:',
  },
  {
    id: 'noise',
    title: 'Noise flattens what a model can learn',
    view: 'rows=20000&noiseSigma=2',
    show: ['score'],
    text: 'The noise σ is a push on each user\'s score that no signal explains. A model sees only the signals, so the best it can learn is the logistic fit to q(x), each user\'s probability with the noise averaged out. Try σ = 0, 0.8 and 2 and watch "Learned, true and best possible".',
    question: 'As σ grows, the learned and best-possible weights move…',
    quantity: 'shrink',
    answer: {
      kind: 'choice',
      choices: [
        { value: 'towards0', label: 'Towards 0: flatter than the generating weights' },
        { value: 'away', label: 'Away from 0: steeper than the generating weights' },
        { value: 'same', label: 'Nowhere: they match the generating weights' },
      ],
    },
    hint: 'Compare the "best possible" column with the "generating" one at σ = 2.',
    why: 'Averaging the S-curve over the noise flattens it: q(x) climbs more slowly than p, so the logistic curve that fits it has smaller weights. At σ = 0 they match.',
  },
  {
    id: 'sample-size',
    title: 'How many users do you need?',
    view: 'rows=1000',
    show: ['world'],
    text: 'The model\'s weights come with 95% intervals: how far another sample of users could move them. More users, narrower intervals, but not in proportion.',
    question: 'Let the model fit at 1,000 users, then choose 100,000 users (Quick sizes). How many times narrower are the intervals?',
    quantity: 'narrowing',
    answer: { kind: 'number', tolerance: 1.5 },
    hint: '100 times more users does not make intervals 100 times narrower: think of a square root.',
    why: 'An interval\'s width shrinks as 1 / √n: 100 times the users, √100 = 10 times narrower.',
  },
  {
    id: 'rare',
    title: 'Accuracy lies in a rare world',
    view: 'rows=20000&baseline=-7.1',
    show: ['score'],
    text: 'The link set b0 so that about 2% of users convert. A model that says "nobody converts" is then right about almost everyone, and useless.',
    question: 'What accuracy does "nobody converts" get on the held-out users? (a share, like 0.9, or a percentage)',
    quantity: 'majorityAccuracy',
    answer: { kind: 'number', tolerance: 0.005 },
    hint: 'It is right for every user who did not convert: one minus the held-out conversion rate.',
    why: 'Accuracy counts right answers, and in a rare world "no" is nearly always right. AUC does not reward that:',
  },
  {
    id: 'threshold',
    title: 'A threshold is a policy',
    view: 'rows=20000&baseline=-6.1&valuePerConversion=100&costPerContact=5',
    show: ['money'],
    text: 'In this rare world (about 5% convert) a conversion is worth 100 and a contact costs 5. Under the case study\'s assumption that a user converts only through the contact, contacting a user with probability p is worth p × 100 − 5.',
    question: 'Contact everyone with p at or above which threshold for the most expected profit?',
    quantity: 'bestThreshold',
    answer: { kind: 'number', tolerance: 0.02 },
    hint: 'When is p × 100 − 5 above zero?',
    why: 'A contact pays when p × value ≥ cost, so for a calibrated model the best threshold is cost / value = 5 / 100 = 0.05. The page\'s curve:',
  },
  {
    id: 'decay',
    title: 'Models decay',
    view: 'rows=20000&autoRefit=0',
    show: ['weights', 'refit'],
    text: 'A model is fitted once and then used while the world moves on. The link turned auto-refit off: the model stays as fitted on this world.',
    question: 'Raise the paywall views weight (to 1.2, say). The frozen model\'s predictions are now…',
    quantity: 'calibration',
    answer: {
      kind: 'choice',
      choices: [
        { value: 'under', label: 'Too low: users convert more often than it predicts' },
        { value: 'over', label: 'Too high: users convert less often than it predicts' },
        { value: 'calibrated', label: 'Still right on average' },
      ],
    },
    hint: 'A bigger paywall weight raises every viewer\'s true p. Did the model\'s weights change?',
    why: 'The world\'s probabilities moved and the model\'s did not, so its calibration curve leaves the diagonal: retrain, or watch calibration in production.',
  },
  {
    id: 'uplift',
    title: 'Who to nudge',
    view: LESSON_HASH.slice(1),
    show: ['offer', 'budget'],
    text: 'An offer helps some users (persuadables), is wasted on others (sure things, lost causes) and puts a few off (sleeping dogs). The uplift lab knows every user\'s both outcomes. Look at its table of the model\'s intent bands.',
    question: 'Which intent band gives the most incremental conversions per offer?',
    quantity: 'upliftBand',
    answer: {
      kind: 'choice',
      choices: [
        { value: 'high_intent', label: 'High intent' },
        { value: 'medium_intent', label: 'Medium intent' },
        { value: 'low_intent', label: 'Low intent' },
      ],
    },
    hint: 'Likely converters would convert anyway: the offer adds nothing for them.',
    why: 'Who will convert is not whose conversion the offer changes: high intent is full of sure things who convert anyway, and in this world the offer tires users who have seen the paywall often. In the lab:',
  },
];

/**
 * The link of a lesson's view: its state, every group but those it shows
 * hidden, and the lesson's number (from 1).
 * @param {number} index
 */
export function lessonHash(index) {
  const lesson = LESSONS[index];
  const hide = ALL_GROUPS.filter((g) => !lesson.show.includes(g)).join(',');
  return `#${lesson.view}&hide=${hide}&lesson=${index + 1}`;
}
