// The page's number formatting (www/app/format.js), in plain Node: the
// same Intl formatting as Chromium's, with a real minus sign, and none on a
// number that rounds to zero (the CLI's `decimal` never writes "-0.0000").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCount, formatNumber } from '../../www/app/format.js';

test('a number has its decimals, thousands separators and a real minus sign', () => {
  assert.equal(formatNumber(2.449), '2.45');
  assert.equal(formatNumber(-2.449), '−2.45');
  assert.equal(formatNumber(-1234.5, 1), '−1,234.5');
  assert.equal(formatNumber(1e21, 0), '1,000,000,000,000,000,000,000');
  assert.equal(formatCount(1234567), '1,234,567');
});

test('a number that rounds to zero has no minus sign', () => {
  for (const [x, digits, text] of [[-1e-13, 1, '0.0'], [-0, 2, '0.00'], [-0.00004, 4, '0.0000'], [-0.4, 0, '0']]) {
    assert.equal(formatNumber(x, digits), text, `${x} to ${digits}`);
  }
  // Rounding away from zero keeps the sign.
  assert.equal(formatNumber(-0.00005, 4), '−0.0001');
  assert.equal(formatNumber(-0.5, 0), '−1');
});
