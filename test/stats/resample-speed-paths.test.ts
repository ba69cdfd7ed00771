// The shortcuts of the bootstrap (shared draw tables, mean without bigints when the sum fits in 53
// bits) must give exactly what the exact route gives, bit for bit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PyRandom } from '../../src/python/random.js';
import { LimbTable, pairedBootstrap, roundRational } from '../../src/stats/index.js';
import { resampleDraws } from '../../src/stats/resample-draws.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('resampleDraws is the generator’s own sequence, row after row, and is reused', () => {
  for (const [n, resamples, seed] of [
    [7, 50, 0],
    [100, 20, 3],
    [1, 5, 9],
  ] as const) {
    const rng = new PyRandom(seed);
    const draws = resampleDraws(n, resamples, seed);
    assert.equal(draws.length, n * resamples);
    for (let i = 0; i < draws.length; i++) assert.equal(draws[i], rng.randrange(n), `draw ${i}`);
    assert.equal(resampleDraws(n, resamples, seed), draws, 'the second request gets the kept table');
  }
  assert.notDeepEqual([...resampleDraws(7, 50, 1)], [...resampleDraws(7, 50, 0)]);
});

test('LimbTable.mean equals roundRational of the exact total, on every kind of value', () => {
  const next = lcg(11);
  const kinds: Array<() => number> = [
    () => Math.floor(next() * 40), // step counts
    () => Math.floor(next() * 2e6) - 1e6, // token differences
    () => Math.round(next() * 1e4) / 4, // quarters
    () => next() * 100, // scores in percent: wide integers, the exact route
    () => (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20),
    () => (next() < 0.5 ? 2 ** 52 : -(2 ** 52)) + Math.floor(next() * 8), // near 2^53
    () => (next() - 0.5) * 1e-300, // tiny: subnormal means
    () => (next() - 0.5) * 1e300, // huge
  ];
  for (const [k, kind] of kinds.entries()) {
    for (let trial = 0; trial < 40; trial++) {
      const n = 1 + Math.floor(next() * 60);
      const a = Array.from({ length: n }, kind);
      const b = Array.from({ length: n }, kind);
      for (const table of [LimbTable.fromValues(a), LimbTable.fromDifferences(a, b)]) {
        const acc = table.accumulator();
        const picks = Int32Array.from({ length: n }, () => Math.floor(next() * n));
        for (const count of [n, Math.max(1, n >> 1)]) {
          table.sumInto(acc, picks, count);
          const expected = roundRational(table.total(acc), BigInt(count), table.scale);
          assert.equal(Object.is(table.mean(acc, count), expected), true, `kind ${k}, trial ${trial}`);
        }
      }
    }
  }
});

test('LimbTable.mean rounds exact ties to even and sums past 53 bits correctly, either sign', () => {
  /** The mean of all of xs's first `count` values, and the bigint route's answer for it. */
  const meanOf = (xs: number[], count = xs.length) => {
    const table = LimbTable.fromValues(xs);
    const acc = table.accumulator();
    table.sumInto(
      acc,
      Int32Array.from(xs, (_, i) => i),
      count,
    );
    return {
      mean: table.mean(acc, count),
      exact: roundRational(table.total(acc), BigInt(count), table.scale),
    };
  };
  const mean = (xs: number[]) => meanOf(xs).mean;
  // (2^53 + (2^53 + 2)) / 2 = 2^53 + 1 lies halfway between 2^53 and 2^53 + 2: the even one wins.
  assert.equal(mean([2 ** 53, 2 ** 53 + 2]), 2 ** 53);
  assert.equal(mean([2 ** 53 + 2, 2 ** 53 + 4]), 2 ** 53 + 4);
  assert.equal(mean([-(2 ** 53), -(2 ** 53 + 2)]), -(2 ** 53));
  // 2^52 + 1/2 is a tie again; 2^-40 more is just above it and must not be lost to the rounding.
  assert.equal(mean([2 ** 53, 2 ** 53 + 2, 0, 0]), 2 ** 52);
  assert.equal(mean([2 ** 53, 2 ** 53 + 2, 2 ** -40, 0]), 2 ** 52 + 1);
  // A sum of 300 scores in percent, wider than 53 bits, against the bigint route.
  const next = lcg(3);
  const { mean: got, exact } = meanOf(
    Array.from({ length: 300 }, (_, i) => (i % 3 ? next() * 100 : -next() * 1e-3)),
  );
  assert.equal(got, exact);
});

test('pairedBootstrap of counts is the same before and after its draw table is kept', () => {
  const next = lcg(5);
  const a = Array.from({ length: 100 }, () => Math.floor(next() * 30));
  const b = Array.from({ length: 100 }, () => Math.floor(next() * 30));
  const first = pairedBootstrap(a, b, { resamples: 2000, seed: 17 });
  const again = pairedBootstrap(a, b, { resamples: 2000, seed: 17 });
  assert.deepEqual(again, first);
  // The interval from a plain loop over the generator, with exact rational means.
  const rng = new PyRandom(17);
  const order = a.map((_, i) => i).sort((i, j) => a[i] - a[j] || b[i] - b[j]);
  const d = order.map((i) => a[i] - b[i]);
  const boot = Float64Array.from({ length: 2000 }, () => {
    let sum = 0n;
    for (let i = 0; i < 100; i++) sum += BigInt(d[rng.randrange(100)] as number);
    return roundRational(sum, 100n);
  }).sort();
  assert.equal(first.lo, boot[50]);
  assert.equal(first.hi, boot[1949]);
});
