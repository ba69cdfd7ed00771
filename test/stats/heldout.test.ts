// Held-out vectors (test/data/stats/heldout.json, from scripts/gen-stats-heldout.py) computed with
// CPython, NumPy and SciPy on inputs that the reference fixture does not contain.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bootstrapMeanCI,
  describe,
  erfc,
  exactMean,
  mcnemarExact,
  normalCdf,
  wilcoxon,
} from '../../src/stats/index.js';
import { closeRelative, heldout } from './data.js';

const data = heldout();

test('held-out Wilcoxon cases cover every branch and match SciPy', () => {
  const methods = new Set(data.wilcoxon.map((c) => c.method));
  assert.deepEqual([...methods].sort(), ['asymptotic', 'exact', 'permutation']);
  for (const [i, c] of data.wilcoxon.entries()) {
    const got = wilcoxon(c.a, c.b);
    const label = `case ${i} (${c.kind}, n=${c.a.length})`;
    assert.equal(got.method, c.method, label);
    assert.equal(got.statistic, c.statistic, label);
    assert.ok(closeRelative(got.pvalue, c.pvalue, 1e-9), `${label}: p ${got.pvalue} vs ${c.pvalue}`);
  }
});

test('held-out bootstrap settings (seeds, resamples, levels) match the reference procedure exactly', () => {
  for (const c of data.bootstrap) {
    const got = bootstrapMeanCI(c.xs, {
      compat: 'reference',
      resamples: c.resamples,
      alpha: c.alpha,
      seed: c.seed,
    });
    assert.equal(got.lo, c.lo, `n=${c.xs.length} seed=${c.seed}`);
    assert.equal(got.hi, c.hi, `n=${c.xs.length} seed=${c.seed}`);
  }
});

test('exact means equal statistics.mean bit for bit', () => {
  for (const c of data.means)
    assert.ok(Object.is(exactMean(c.xs), c.mean), `${JSON.stringify(c.xs)} → ${c.mean}`);
});

test('erfc matches math.erfc to 1e-14 and the normal CDF matches special.ndtr to 1e-13', () => {
  for (const c of data.normal) {
    assert.ok(closeRelative(erfc(c.x), c.erfc, 1e-14), `erfc(${c.x}) = ${erfc(c.x)} vs ${c.erfc}`);
    assert.ok(closeRelative(normalCdf(c.x), c.ndtr, 1e-13), `ndtr(${c.x}) = ${normalCdf(c.x)} vs ${c.ndtr}`);
  }
});

test('descriptive statistics equal NumPy bit for bit, beyond the pairwise-summation block', () => {
  for (const c of data.descriptive) {
    const got = describe(c.xs);
    for (const key of ['mean', 'std', 'median', 'min', 'max'] as const)
      assert.equal(got[key], c[key], `n=${c.xs.length} ${key}`);
  }
});

test('exact McNemar p-values equal SciPy binomtest(k, n, 0.5)', () => {
  for (const c of data.binomial) {
    const a = [...Array(c.n)].map((_, i) => i < c.k);
    const b = a.map((x) => !x);
    const got = mcnemarExact(a, b);
    assert.equal(got.b10, c.k);
    assert.equal(got.b01, c.n - c.k);
    assert.ok(closeRelative(got.pvalue, c.pvalue, 1e-12), `k=${c.k} n=${c.n}: ${got.pvalue} vs ${c.pvalue}`);
  }
});
