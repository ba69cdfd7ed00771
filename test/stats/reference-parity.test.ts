// Every case of the reference statistics fixture: main_table.py's bootstrap bounds (exact), SciPy's
// Wilcoxon statistic, p-value, branch and the comparison script's effect size, NumPy descriptive stats.
import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import { bootstrapMeanCI, describe, scaleScores, wilcoxon } from '../../src/stats/index.js';
import { closeRelative, parityCases } from './data.js';

const cases = parityCases();

suite('stats parity with the reference fixture', () => {
  test('the fixture holds every branch of the Wilcoxon test', () => {
    const methods = new Set(cases.map((c) => c.expected.wilcoxon.method));
    assert.deepEqual([...methods].sort(), ['asymptotic', 'exact', 'permutation']);
  });

  for (const c of cases) {
    test(`${c.id}: main_table.py bootstrap bounds, raw and auto-scaled`, () => {
      for (const [variant, values] of [
        ['raw', { a: c.a, b: c.b }],
        ['main_table_auto', { a: scaleScores(c.a, 'auto'), b: scaleScores(c.b, 'auto') }],
      ] as const) {
        for (const side of ['a', 'b'] as const) {
          const expected = c.expected.bootstrap[variant][side];
          const got = bootstrapMeanCI(values[side], { compat: 'reference' });
          assert.equal(got.lo, expected.lo, `${variant}.${side}.lo`);
          assert.equal(got.hi, expected.hi, `${variant}.${side}.hi`);
          assert.equal((got.hi - got.lo) / 2, expected.margin, `${variant}.${side}.margin`);
          assert.equal(((got.hi - got.lo) / 2).toFixed(1), expected.margin_str);
          assert.equal(got.resamples, 5000);
          assert.equal(got.seed, 0);
        }
      }
    });

    test(`${c.id}: Wilcoxon statistic, p-value, branch and effect size`, () => {
      const expected = c.expected.wilcoxon;
      const got = wilcoxon(c.a, c.b);
      assert.equal(got.statistic, expected.statistic);
      assert.ok(
        closeRelative(got.pvalue, expected.pvalue, 1e-9),
        `p-value ${got.pvalue} vs SciPy ${expected.pvalue}`,
      );
      assert.equal(got.method, expected.method);
      assert.equal(got.nNonZero, expected.count_nonzero);
      assert.equal(got.n - got.nNonZero, expected.n_zero);
      assert.equal(got.hasTies, expected.has_ties);
      assert.equal(got.nNonZero >= 2, expected.compare_script_runs_test);
      if (expected.effect_size_r !== undefined) assert.equal(got.effectSizeR, expected.effect_size_r);
      if (got.nNonZero > 0) {
        // R+ + R− = n'(n'+1)/2, and the reference's value is max(R+, R−)/(R+ + R−) = (1 + |rank-biserial|)/2.
        const total = (got.nNonZero * (got.nNonZero + 1)) / 2;
        assert.equal(got.rPlus + got.rMinus, total);
        assert.ok(Math.abs((1 + Math.abs(got.rankBiserial)) / 2 - got.effectSizeR) < 1e-12);
        assert.equal(Math.sign(got.rankBiserial), Math.sign(got.rPlus - got.rMinus));
      }
    });

    test(`${c.id}: NumPy descriptive statistics`, () => {
      const diff = c.a.map((x, i) => x - c.b[i]);
      for (const [name, xs] of [
        ['a', c.a],
        ['b', c.b],
        ['diff', diff],
      ] as const) {
        const got = describe(xs);
        const expected = c.expected.descriptive[name];
        for (const key of ['mean', 'std', 'median', 'min', 'max'] as const)
          assert.equal(got[key], expected[key], `${name}.${key}`);
      }
    });
  }
});
