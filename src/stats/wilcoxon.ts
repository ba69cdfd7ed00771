// Paired two-sided Wilcoxon signed-rank test with the defaults of SciPy 1.17's
// `scipy.stats.wilcoxon(a, b)`: zero differences dropped ('wilcox'), no continuity correction,
// method 'auto'. The 'auto' branch follows SciPy: more than 50 pairs (zeros included) → normal
// approximation; otherwise no ties and no zeros → exact null distribution; otherwise at most 13
// pairs → exhaustive sign-flip permutation test; otherwise normal approximation with the tie
// correction. The reported statistic is min(R+, R−).
import { normalSf } from './normal.js';
import { averageRanks } from './ranks.js';
import { exactSignedRankPValue, permutationSignedRankPValue } from './signed-rank-distribution.js';

export type WilcoxonMethod = 'exact' | 'permutation' | 'asymptotic';

export interface WilcoxonResult {
  /** min(R+, R−), SciPy's two-sided statistic (NaN for empty input). */
  statistic: number;
  /** Two-sided p-value (NaN for empty input, or when the normal approximation has no variance). */
  pvalue: number;
  method: WilcoxonMethod;
  /** Pairs, zero differences included. */
  n: number;
  /** Pairs with a non-zero difference (n'). */
  nNonZero: number;
  /** Whether non-zero |differences| tie. */
  hasTies: boolean;
  /** Sum of the ranks of positive differences (a > b). */
  rPlus: number;
  /** Sum of the ranks of negative differences (a < b). */
  rMinus: number;
  /** −|z| of the normal approximation (only when that branch was taken). */
  zstatistic?: number;
  /** The reference's printed effect size 1 − 2W/(n'(n'+1)); its sign is lost (always ≥ 0). */
  effectSizeR: number;
  /** Signed matched-pairs rank-biserial correlation (R+ − R−)/(R+ + R−): positive when a > b. */
  rankBiserial: number;
}

/** The effect size printed by the reference comparison script: 1 − 2W/(n'(n'+1)). */
export function referenceEffectSize(statistic: number, nNonZero: number): number {
  return 1 - (2 * statistic) / (nNonZero * (nNonZero + 1));
}

/** Signed matched-pairs rank-biserial correlation; NaN when every difference is zero. */
export function rankBiserial(rPlus: number, rMinus: number): number {
  return (rPlus - rMinus) / (rPlus + rMinus);
}

export function wilcoxon(a: readonly number[], b: readonly number[]): WilcoxonResult {
  if (a.length !== b.length)
    throw new RangeError(`paired arrays differ in length (${a.length} and ${b.length})`);
  const n = a.length;
  const differences = a.map((x, i) => x - b[i]);
  for (const [i, d] of differences.entries())
    if (!Number.isFinite(d)) throw new RangeError(`difference at index ${i} is not finite`);
  const nonZero = differences.filter((d) => d !== 0);
  const nNonZero = nonZero.length;
  const { ranks, groups } = averageRanks(nonZero.map(Math.abs));
  let rPlus = 0;
  let rMinus = 0;
  nonZero.forEach((d, i) => {
    if (d > 0) rPlus += ranks[i];
    else rMinus += ranks[i];
  });
  const hasTies = groups.some((size) => size > 1);
  const hasZeros = nNonZero < n;
  const common = {
    n,
    nNonZero,
    hasTies,
    rPlus,
    rMinus,
    effectSizeR: referenceEffectSize(Math.min(rPlus, rMinus), nNonZero),
    rankBiserial: rankBiserial(rPlus, rMinus),
  };
  if (n === 0) return { ...common, statistic: Number.NaN, pvalue: Number.NaN, method: 'asymptotic' };
  const statistic = Math.min(rPlus, rMinus);

  if (n <= 50 && !hasTies && !hasZeros) {
    return { ...common, statistic, pvalue: exactSignedRankPValue(rPlus, nNonZero), method: 'exact' };
  }
  if (n <= 13) {
    const doubled = ranks.map((r) => Math.round(2 * r));
    const pvalue = permutationSignedRankPValue(doubled, Math.round(2 * rPlus));
    return { ...common, statistic, pvalue, method: 'permutation' };
  }
  // Normal approximation, computed in SciPy's order of operations.
  const count = nNonZero;
  const mean = count * (count + 1) * 0.25;
  let variance = count * (count + 1) * (2 * count + 1);
  const tieCorrection = groups.reduce((s, t) => s + (t ** 3 - t), 0);
  variance = Math.sqrt((variance - tieCorrection / 2) / 24);
  const z = (rPlus - mean) / variance;
  const pvalue = 2 * normalSf(Math.abs(z));
  return { ...common, statistic, pvalue, method: 'asymptotic', zstatistic: -Math.abs(z) };
}
