// The default (order-independent) bootstrap, the paired bootstrap and input checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapMeanCI, exactMean, pairedBootstrap } from '../../src/stats/index.js';

const scores = [100, 77.1, 59.4, 100, 100, 61.2, 0, 100, 68.7, 75.1, 93.8, 55.5, 100, 0, 88.9, 64.3];

test('default mode does not depend on the order of the values, reference mode does', () => {
  const reversed = [...scores].reverse();
  const a = bootstrapMeanCI(scores);
  const b = bootstrapMeanCI(reversed);
  assert.deepEqual([a.lo, a.hi], [b.lo, b.hi]);
  const ra = bootstrapMeanCI(scores, { compat: 'reference' });
  const rb = bootstrapMeanCI(reversed, { compat: 'reference' });
  assert.notDeepEqual([ra.lo, ra.hi], [rb.lo, rb.hi]);
  // Sorting first and then using the reference procedure is exactly the default mode.
  const sorted = bootstrapMeanCI(
    [...scores].sort((x, y) => x - y),
    { compat: 'reference' },
  );
  assert.deepEqual([sorted.lo, sorted.hi], [a.lo, a.hi]);
});

test('the interval is seeded, reported, and brackets the mean', () => {
  const first = bootstrapMeanCI(scores, { seed: 5, resamples: 800 });
  const again = bootstrapMeanCI(scores, { seed: 5, resamples: 800 });
  const other = bootstrapMeanCI(scores, { seed: 6, resamples: 800 });
  assert.deepEqual(first, again);
  assert.notDeepEqual([first.lo, first.hi], [other.lo, other.hi]);
  assert.equal(first.mean, exactMean(scores));
  assert.ok(first.lo < first.mean && first.mean < first.hi);
  assert.deepEqual(
    { n: first.n, resamples: first.resamples, seed: first.seed, alpha: first.alpha, method: first.method },
    { n: scores.length, resamples: 800, seed: 5, alpha: 0.05, method: 'percentile-bootstrap' },
  );
  const wide = bootstrapMeanCI(scores, { seed: 5, resamples: 800, alpha: 0.01 });
  assert.ok(wide.lo <= first.lo && wide.hi >= first.hi);
});

test('a constant sample has a degenerate interval; an empty one has none', () => {
  const constant = bootstrapMeanCI([42.5, 42.5, 42.5]);
  assert.deepEqual([constant.lo, constant.mean, constant.hi], [42.5, 42.5, 42.5]);
  const empty = bootstrapMeanCI([]);
  assert.ok(Number.isNaN(empty.lo) && Number.isNaN(empty.hi) && Number.isNaN(empty.mean));
});

test('bad options and values are refused', () => {
  assert.throws(() => bootstrapMeanCI([1, 2], { resamples: 0 }), /resamples/);
  assert.throws(() => bootstrapMeanCI([1, 2], { alpha: 1 }), /alpha/);
  assert.throws(() => bootstrapMeanCI([1, Number.NaN]), /values\[1\]/);
});

test('paired bootstrap of the difference: deterministic, brackets the mean difference', () => {
  const b = scores.map((x, i) => Math.max(0, x - (i % 3) * 4 + (i % 5)));
  const result = pairedBootstrap(scores, b, { resamples: 1000, seed: 1 });
  assert.deepEqual(result, pairedBootstrap(scores, b, { resamples: 1000, seed: 1 }));
  assert.equal(result.estimate, exactMean(scores.map((x, i) => x - b[i])));
  assert.ok(result.lo <= result.estimate && result.estimate <= result.hi);
  assert.equal(result.nonFinite, 0);
  // Swapping the conditions mirrors the interval.
  const swapped = pairedBootstrap(b, scores, { resamples: 1000, seed: 1, compat: 'reference' });
  const same = pairedBootstrap(scores, b, { resamples: 1000, seed: 1, compat: 'reference' });
  assert.equal(swapped.lo, -same.hi);
  assert.equal(swapped.hi, -same.lo);
});

test('paired bootstrap resamples pairs: identical columns give a zero-width difference', () => {
  const result = pairedBootstrap(scores, scores, { resamples: 300 });
  assert.deepEqual([result.lo, result.estimate, result.hi], [0, 0, 0]);
});

test('paired bootstrap of the ratio of means', () => {
  const b = scores.map((x) => x / 2 + 10);
  const result = pairedBootstrap(scores, b, { statistic: 'ratio', resamples: 1000 });
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(result.estimate - sum(scores) / sum(b)) < 1e-12);
  assert.ok(result.lo < result.estimate && result.estimate < result.hi);
  const doubled = pairedBootstrap(
    scores.map((x) => 2 * x),
    scores,
    { statistic: 'ratio', resamples: 200 },
  );
  assert.deepEqual([doubled.lo, doubled.estimate, doubled.hi], [2, 2, 2]);
  const zeros = pairedBootstrap([1, 2, 3], [0, 0, 0], { statistic: 'ratio', resamples: 50 });
  assert.equal(zeros.nonFinite, 50);
});
