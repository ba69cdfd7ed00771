// McNemar and Holm against hand-computed values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holm, mcnemarExact } from '../../src/stats/index.js';

test('exact McNemar counts discordant pairs and uses the binomial tail', () => {
  // b10 = 1 (T,F), b01 = 4 (F,T): p = 2·(C(5,0) + C(5,1))/2^5 = 12/32.
  const a = [true, true, false, false, false, false, true, false];
  const b = [false, true, true, true, true, true, true, false];
  const result = mcnemarExact(a, b);
  assert.deepEqual(
    { b10: result.b10, b01: result.b01, discordant: result.discordant, n: result.n },
    { b10: 1, b01: 4, discordant: 5, n: 8 },
  );
  assert.equal(result.pvalue, 12 / 32);
  // 0 vs 6 discordant: p = 2/64.
  assert.equal(mcnemarExact(Array(6).fill(true), Array(6).fill(false)).pvalue, 2 / 64);
  // Balanced or no discordant pairs: p = 1.
  assert.equal(mcnemarExact([true, false], [false, true]).pvalue, 1);
  assert.equal(mcnemarExact([true, false], [true, false]).pvalue, 1);
  assert.throws(() => mcnemarExact([true], []), /differ in length/);
});

test('Holm adjustment: step-down multipliers, monotone, capped at 1, input order kept', () => {
  // Sorted: 0.01 (×4 = 0.04), 0.02 (×3 = 0.06), 0.03 (×2 = 0.06), 0.04 (×1 → max(0.06, 0.04) = 0.06).
  const adjusted = holm([0.03, 0.01, 0.04, 0.02]);
  const expected = [0.06, 0.04, 0.06, 0.06];
  for (const [i, p] of adjusted.entries()) assert.ok(Math.abs(p - expected[i]) < 1e-15, `${i}: ${p}`);
  assert.deepEqual(holm([0.5, 0.9]), [1, 1]);
  assert.deepEqual(holm([0.001]), [0.001]);
  assert.deepEqual(holm([]), []);
  // A later, larger p-value never gets a smaller adjusted value.
  assert.deepEqual(holm([0.01, 0.011]), [0.02, 0.02]);
  assert.throws(() => holm([0.1, Number.NaN]), /index 1/);
});
