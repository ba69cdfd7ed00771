// `alr stats`: output shape, reference-mode parity with the fixture, input errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { exactMean } from '../../src/stats/index.js';
import { cliPath } from '../helpers/paths.js';
import { parityCases } from './data.js';

const dir = mkdtempSync(join(tmpdir(), 'alr-stats-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync(process.execPath, [cliPath, 'stats', ...args], { encoding: 'utf8' });
}

function writeInput(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

test('alr stats --compat reference reproduces the fixture intervals and test', () => {
  for (const c of parityCases().filter((x) => ['n13-ties', 'n100-knapsack', 'n5-all-equal'].includes(x.id))) {
    const result = run([writeInput(`${c.id}.json`, { a: c.a, b: c.b }), '--compat', 'reference']);
    assert.equal(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(out), ['a', 'b', 'wilcoxon', 'difference']);
    assert.deepEqual(Object.keys(out.wilcoxon), ['statistic', 'pvalue', 'effect_size_r', 'method']);
    for (const side of ['a', 'b'] as const) {
      assert.equal(out[side].ci.lo, c.expected.bootstrap.raw[side].lo);
      assert.equal(out[side].ci.hi, c.expected.bootstrap.raw[side].hi);
      // The exact mean, correctly rounded; NumPy's pairwise sum may differ in the last bit.
      assert.equal(out[side].mean, exactMean(c[side]));
      assert.ok(
        Math.abs(out[side].mean - c.expected.descriptive[side].mean) <= 1e-12 * Math.abs(out[side].mean),
      );
    }
    assert.equal(out.wilcoxon.statistic, c.expected.wilcoxon.statistic);
    assert.ok(
      Math.abs(out.wilcoxon.pvalue - c.expected.wilcoxon.pvalue) <= 1e-9 * c.expected.wilcoxon.pvalue,
    );
    assert.equal(out.wilcoxon.method, c.expected.wilcoxon.method);
    // No effect size without non-zero differences: NaN is printed as null.
    assert.equal(out.wilcoxon.effect_size_r, c.expected.wilcoxon.effect_size_r ?? null);
    assert.ok(out.difference.ci.lo <= out.difference.mean && out.difference.mean <= out.difference.ci.hi);
  }
});

test('alr stats --scale auto applies the percent scaling of the table script', () => {
  const c = parityCases().find((x) => x.id === 'n5-fraction');
  assert.ok(c);
  const result = run([
    writeInput('fraction.json', { a: c.a, b: c.b }),
    '--compat',
    'reference',
    '--scale',
    'auto',
  ]);
  assert.equal(result.status, 0, result.stderr);
  const out = JSON.parse(result.stdout);
  assert.equal(out.a.ci.lo, c.expected.bootstrap.main_table_auto.a.lo);
  assert.equal(out.b.ci.hi, c.expected.bootstrap.main_table_auto.b.hi);
});

test('alr stats rejects bad input naming the file and the field', () => {
  const cases: [unknown, RegExp][] = [
    ['{not json', /not valid JSON/],
    [[1, 2], /expected a JSON object/],
    [{ a: [1, 2] }, /field 'b': is missing/],
    [{ a: [1, 2], b: 'x' }, /field 'b': must be an array/],
    [{ a: [1, 2], b: [1, null] }, /field 'b\[1\]': must be a finite number/],
    [{ a: [1, 2, 3], b: [1, 2] }, /equal lengths/],
    [{ a: [], b: [] }, /field 'a': must not be empty/],
  ];
  for (const [i, [content, pattern]] of cases.entries()) {
    const path = writeInput(`bad-${i}.json`, content);
    const result = run([path]);
    assert.equal(result.status, 1, `case ${i}`);
    assert.match(result.stderr, /^alr: /);
    assert.ok(result.stderr.includes(path), `case ${i} names the file: ${result.stderr}`);
    assert.match(result.stderr, pattern);
  }
  const missing = run([join(dir, 'absent.json')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /absent\.json: cannot read/);
  const badFlag = run([writeInput('ok.json', { a: [1, 2], b: [2, 1] }), '--compat', 'scipy']);
  assert.equal(badFlag.status, 1);
  assert.match(badFlag.stderr, /--compat/);
});
