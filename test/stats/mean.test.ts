// The one mean of src/stats: missing values are left out (never counted as 0), an empty column has
// no mean, and the sum runs left to right (the last bits the report's HTML and the training stats had).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mean, presentValues } from '../../src/stats/index.js';

test('mean leaves missing values out instead of counting them as 0', () => {
  assert.equal(mean([1, null, 3, undefined]), 2);
  assert.equal(mean([4, Number.NaN, Number.POSITIVE_INFINITY, 6]), 5);
});

test('a column with nothing present has no mean', () => {
  assert.equal(mean([]), null);
  assert.equal(mean([null, undefined, Number.NaN]), null);
});

test('mean sums left to right', () => {
  // (0.1 + 0.2) + 0.3 = 0.6000000000000001, while 0.1 + (0.2 + 0.3) = 0.6: the order shows in the last bit.
  assert.equal(mean([0.1, 0.2, 0.3]), 0.6000000000000001 / 3);
  assert.notEqual(mean([0.1, 0.2, 0.3]), 0.6 / 3);
});

test('presentValues keeps the finite numbers in order', () => {
  assert.deepEqual(presentValues([3, null, -0.5, Number.NaN, 1, undefined]), [3, -0.5, 1]);
  assert.deepEqual(presentValues(new Set([2, 1])), [2, 1]);
});
