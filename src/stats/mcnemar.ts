// Exact McNemar test for paired binary outcomes (e.g. solved / not solved on the same tasks under
// two conditions): under the null hypothesis the discordant pairs split as Binomial(b01 + b10, 1/2).
import { roundRational } from './exact-float.js';

export interface McNemarResult {
  /** Pairs where a is true and b is false. */
  b10: number;
  /** Pairs where a is false and b is true. */
  b01: number;
  /** Discordant pairs, b10 + b01. */
  discordant: number;
  /** Pairs in total. */
  n: number;
  /** Two-sided exact p-value: min(1, 2·P(X ≤ min(b01, b10))), X ~ Binomial(discordant, 1/2). */
  pvalue: number;
  method: 'exact-binomial';
}

export function mcnemarExact(a: readonly boolean[], b: readonly boolean[]): McNemarResult {
  if (a.length !== b.length)
    throw new RangeError(`paired arrays differ in length (${a.length} and ${b.length})`);
  let b10 = 0;
  let b01 = 0;
  a.forEach((x, i) => {
    if (x && !b[i]) b10++;
    else if (!x && b[i]) b01++;
  });
  const discordant = b10 + b01;
  return {
    b10,
    b01,
    discordant,
    n: a.length,
    pvalue: binomialTwoSidedHalf(Math.min(b01, b10), discordant),
    method: 'exact-binomial',
  };
}

/** min(1, 2·P(X ≤ k)) for X ~ Binomial(m, 1/2), computed exactly and rounded once. */
function binomialTwoSidedHalf(k: number, m: number): number {
  if (m === 0) return 1;
  let coefficient = 1n; // C(m, 0)
  let tail = 0n;
  for (let i = 0; i <= k; i++) {
    tail += coefficient;
    coefficient = (coefficient * BigInt(m - i)) / BigInt(i + 1);
  }
  const twice = 2n * tail;
  const whole = 1n << BigInt(m);
  return twice >= whole ? 1 : roundRational(twice, whole);
}
