// Exact dyadic arithmetic checked against IEEE operations that are themselves correctly rounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactMean, exactSum, powerOfTwo, roundRational, toDyadic } from '../../src/stats/index.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('toDyadic is exact and round-trips through roundRational', () => {
  const next = lcg(3);
  const samples = [1, -1, 0.1, 1e-310, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, 2 ** -1022, 123456.789];
  for (let i = 0; i < 500; i++) samples.push((next() - 0.5) * 10 ** Math.floor(next() * 600 - 300));
  for (const x of samples) {
    const { mantissa, exponent } = toDyadic(x);
    assert.equal(mantissa % 2n === 0n && mantissa !== 0n, false, `mantissa of ${x} is reduced`);
    assert.equal(roundRational(mantissa, 1n, exponent), x);
  }
});

test('powerOfTwo covers normal and subnormal exponents', () => {
  for (let e = -1074; e <= 1023; e++) assert.equal(powerOfTwo(e), 2 ** e, `2^${e}`);
  assert.equal(powerOfTwo(1024), Number.POSITIVE_INFINITY);
  assert.equal(powerOfTwo(-1075), 0);
});

test('roundRational of safe integers equals IEEE division (correctly rounded)', () => {
  const next = lcg(11);
  for (let i = 0; i < 5000; i++) {
    const p = Math.floor(next() * 2 ** 53) * (next() < 0.5 ? -1 : 1);
    const q = Math.max(1, Math.floor(next() * 2 ** Math.floor(next() * 53)));
    assert.equal(roundRational(BigInt(p), BigInt(q)), p / q, `${p}/${q}`);
  }
});

test('roundRational breaks exact halfway cases to even', () => {
  // 2^53 + 1 is halfway between 2^53 and 2^53 + 2: rounds to the even mantissa 2^53.
  assert.equal(roundRational(2n ** 53n + 1n, 1n), 2 ** 53);
  assert.equal(roundRational(2n ** 53n + 3n, 1n), 2 ** 53 + 4);
  // Halfway below the smallest subnormal rounds to zero; just above it rounds up.
  assert.equal(roundRational(1n, 2n, -1074), 0);
  assert.equal(roundRational(3n, 4n, -1073), 2 ** -1074 * 2);
});

test('exact sums and means do not lose small terms', () => {
  assert.equal(exactMean([1e16, 1, -1e16]), 1 / 3);
  assert.equal(exactMean([0.1, 0.2, 0.3]), 0.2);
  assert.equal(exactMean([1e308, 1e308, -1e308]), 1e308 / 3);
  const { total, scale } = exactSum([0.5, 0.25, -0.125]);
  assert.equal(roundRational(total, 1n, scale), 0.625);
  assert.throws(() => exactMean([]), /at least one/);
});
