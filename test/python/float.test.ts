import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { floatRepr } from '../../src/python/float-repr.js';
import { pyRound, pyRoundTo } from '../../src/python/round.js';
import { testData } from '../helpers/paths.js';

const parity = JSON.parse(readFileSync(join(testData, 'python', 'parity.json'), 'utf8')) as {
  floats: string[];
  rounds: Array<{ x: string; round0: number | null; nd: Record<string, string> }>;
};

test(`floatRepr matches repr(float) on ${parity.floats.length} values`, () => {
  for (const text of parity.floats) assert.equal(floatRepr(Number(text)), text);
});

test('floatRepr special values and layout boundaries', () => {
  assert.equal(floatRepr(1), '1.0');
  assert.equal(floatRepr(-0), '-0.0');
  assert.equal(floatRepr(1e16), '1e+16');
  assert.equal(floatRepr(1e-5), '1e-05');
  assert.equal(floatRepr(0.0001), '0.0001');
  assert.equal(floatRepr(Number.NaN), 'nan');
  assert.equal(floatRepr(Number.NEGATIVE_INFINITY), '-inf');
});

test(`round(x) and round(x, n) match CPython on ${parity.rounds.length} values`, () => {
  for (const { x, round0, nd } of parity.rounds) {
    const value = Number(x);
    if (round0 !== null) assert.equal(pyRound(value), round0, `round(${x})`);
    for (const [digits, expected] of Object.entries(nd)) {
      assert.equal(floatRepr(pyRoundTo(value, Number(digits))), expected, `round(${x}, ${digits})`);
    }
  }
});

test('half-even ties on the exact binary value (the budget_coverage case)', () => {
  assert.equal(pyRoundTo(25 / 40, 2), 0.62);
  assert.equal(pyRoundTo(0.375, 2), 0.38);
  assert.equal(pyRoundTo(2.675, 2), 2.67); // 2.675 is slightly below the tie in binary
  assert.equal(pyRound(2.5), 2);
  assert.equal(pyRound(3.5), 4);
  assert.equal(pyRound(-2.5), -2);
});
