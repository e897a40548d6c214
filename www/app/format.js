// Numbers formatted for people.

const whole = new Intl.NumberFormat('en-US');
const percent = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** @param {number} n e.g. 1234567 → "1,234,567" */
export const formatCount = (n) => whole.format(n);

/** @param {number} share e.g. 0.8612 → "86.1%" */
export const formatPercent = (share) => percent.format(share);
