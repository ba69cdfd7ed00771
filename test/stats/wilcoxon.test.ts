// Independent checks of the signed-rank machinery: brute-force enumeration of sign patterns,
// the normal-approximation formula written out, and the effect sizes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  averageRanks,
  exactSignedRankPValue,
  normalSf,
  rankBiserial,
  referenceEffectSize,
  signedRankCounts,
  wilcoxon,
} from '../../src/stats/index.js';

/** Two-sided p by listing all 2^k sign patterns of the given ranks (no shortcuts). */
function bruteForceP(ranks: number[], observed: number): number {
  const k = ranks.length;
  let atMost = 0;
  let atLeast = 0;
  for (let mask = 0; mask < 2 ** k; mask++) {
    let sum = 0;
    for (let i = 0; i < k; i++) if (mask & (1 << i)) sum += ranks[i];
    if (sum <= observed + 1e-9) atMost++;
    if (sum >= observed - 1e-9) atLeast++;
  }
  return Math.min(1, (2 * Math.min(atMost, atLeast)) / 2 ** k);
}

/** A small deterministic generator for test inputs. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('signed-rank counts sum to 2^n and are symmetric', () => {
  for (const n of [0, 1, 5, 12, 30, 50]) {
    const counts = signedRankCounts(n);
    assert.equal(
      counts.reduce((s, c) => s + c, 0),
      2 ** n,
    );
    for (let k = 0; k < counts.length; k++) assert.equal(counts[k], counts[counts.length - 1 - k]);
  }
});

test('the exact p-value equals brute-force enumeration for distinct ranks', () => {
  for (let n = 1; n <= 12; n++) {
    const ranks = [...Array(n)].map((_, i) => i + 1);
    const max = (n * (n + 1)) / 2;
    for (let r = 0; r <= max; r++)
      assert.equal(exactSignedRankPValue(r, n), bruteForceP(ranks, r), `n=${n} r=${r}`);
  }
});

test('small samples with ties or zeros use the exhaustive permutation p-value', () => {
  const next = lcg(7);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(next() * 13);
    const a = [...Array(n)].map(() => Math.floor(next() * 5));
    const b = [...Array(n)].map(() => Math.floor(next() * 5));
    const d = a.map((x, i) => x - b[i]);
    const nonZero = d.filter((x) => x !== 0);
    const tied = new Set(nonZero.map(Math.abs)).size < nonZero.length;
    const got = wilcoxon(a, b);
    if (!tied && nonZero.length === n) {
      assert.equal(got.method, 'exact');
      continue;
    }
    assert.equal(got.method, 'permutation');
    const { ranks } = averageRanks(nonZero.map(Math.abs));
    const rPlus = ranks.reduce((s, r, i) => s + (nonZero[i] > 0 ? r : 0), 0);
    assert.equal(got.rPlus, rPlus);
    assert.equal(got.statistic, Math.min(rPlus, (nonZero.length * (nonZero.length + 1)) / 2 - rPlus));
    assert.equal(got.pvalue, bruteForceP(ranks, rPlus), `a=${a} b=${b}`);
  }
});

test('larger samples with ties use the tie-corrected normal approximation', () => {
  const a = [...Array(30)].map((_, i) => i % 7);
  const b = [...Array(30)].map((_, i) => (i * 3) % 5);
  const got = wilcoxon(a, b);
  assert.equal(got.method, 'asymptotic');
  const d = a.map((x, i) => x - b[i]).filter((x) => x !== 0);
  const m = d.length;
  const { ranks, groups } = averageRanks(d.map(Math.abs));
  const rPlus = ranks.reduce((s, r, i) => s + (d[i] > 0 ? r : 0), 0);
  const ties = groups.reduce((s, t) => s + t ** 3 - t, 0);
  const z = (rPlus - (m * (m + 1)) / 4) / Math.sqrt((m * (m + 1) * (2 * m + 1) - ties / 2) / 24);
  assert.ok(Math.abs(got.pvalue - 2 * normalSf(Math.abs(z))) <= 1e-15);
  assert.equal(got.zstatistic, -Math.abs(z));
});

test('more than 50 pairs always use the normal approximation, even without ties', () => {
  const a = [...Array(51)].map((_, i) => i * 1.5 + 0.25);
  const b = [...Array(51)].map((_, i) => (i % 2 === 0 ? i * 1.5 - i / 100 : i * 1.5 + 0.25 + (i + 1) / 1000));
  assert.equal(wilcoxon(a, b).method, 'asymptotic');
  assert.equal(wilcoxon(a.slice(0, 50), b.slice(0, 50)).method, 'exact');
});

test('average ranks share tied positions', () => {
  assert.deepEqual(averageRanks([3, 1, 2, 2, 2, 1]), { ranks: [6, 1.5, 4, 4, 4, 1.5], groups: [2, 3, 1] });
});

test('effect sizes: the reference value loses the sign, the rank-biserial keeps it', () => {
  const a = [10, 20, 30, 40, 50];
  const b = [11, 18, 33, 45, 49.5];
  const forward = wilcoxon(a, b);
  const backward = wilcoxon(b, a);
  assert.equal(forward.effectSizeR, backward.effectSizeR);
  assert.equal(forward.rankBiserial, -backward.rankBiserial);
  // d = -1, 2, -3, -5, 0.5 → ranks 2, 3, 4, 5, 1; R+ = 3 + 1 = 4, R− = 11.
  assert.equal(forward.rPlus, 4);
  assert.equal(forward.rMinus, 11);
  assert.equal(forward.rankBiserial, (4 - 11) / 15);
  assert.equal(forward.effectSizeR, 1 - (2 * 4) / 30);
  assert.equal(referenceEffectSize(4, 5), forward.effectSizeR);
  assert.equal(rankBiserial(4, 11), forward.rankBiserial);
});

test('degenerate inputs: empty, all zero, unequal lengths', () => {
  const empty = wilcoxon([], []);
  assert.ok(Number.isNaN(empty.statistic) && Number.isNaN(empty.pvalue));
  const zeros = wilcoxon([1, 2, 3], [1, 2, 3]);
  assert.equal(zeros.statistic, 0);
  assert.equal(zeros.pvalue, 1);
  assert.ok(Number.isNaN(zeros.effectSizeR));
  const manyZeros = wilcoxon(Array(60).fill(1), Array(60).fill(1));
  assert.equal(manyZeros.method, 'asymptotic');
  assert.ok(Number.isNaN(manyZeros.pvalue));
  assert.throws(() => wilcoxon([1, 2], [1]), /differ in length/);
});
