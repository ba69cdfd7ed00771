// Null distributions of the Wilcoxon signed-rank statistic R+ (sum of the ranks that carry a
// positive sign when every sign is equally likely and independent).

/**
 * Counts c[k] of the 2^n sign patterns of ranks 1..n whose R+ equals k, for k = 0..n(n+1)/2.
 * Counts stay below 2^n, so they are exact in doubles for n ≤ 53.
 */
export function signedRankCounts(n: number): Float64Array {
  if (!Number.isInteger(n) || n < 0 || n > 53)
    throw new RangeError(`exact distribution needs 0 <= n <= 53, got ${n}`);
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  let reach = 0;
  for (let rank = 1; rank <= n; rank++) {
    reach += rank;
    for (let k = reach; k >= rank; k--) counts[k] += counts[k - rank];
  }
  return counts;
}

/**
 * Exact two-sided p-value of R+ = rPlus with n distinct ranks and no zeros, as SciPy's 'exact'
 * method: 2·min(P(R+ ≥ floor(r)), P(R+ ≤ ceil(r))), clipped to 1. The tail counts are summed as
 * integers and divided once, so the result is the correctly rounded exact probability.
 */
export function exactSignedRankPValue(rPlus: number, n: number): number {
  const counts = signedRankCounts(n);
  const total = 2 ** n;
  const upper = Math.floor(rPlus);
  const lower = Math.ceil(rPlus);
  let atMost = 0;
  for (let k = 0; k <= Math.min(lower, counts.length - 1); k++) atMost += counts[k];
  let atLeast = 0;
  for (let k = Math.max(upper, 0); k < counts.length; k++) atLeast += counts[k];
  return Math.min(1, (2 * Math.min(atMost, atLeast)) / total);
}

/**
 * Two-sided p-value of an exhaustive sign-flip permutation test of R+ over arbitrary (possibly
 * tied, average) ranks — SciPy's `permutation_test` with all 2^n sign patterns enumerated:
 * 2·min(#{T ≤ t}, #{T ≥ t}) / 2^n, clipped to 1. Ranks are passed doubled so that sums of average
 * ranks (multiples of 1/2) are exact integers; zero differences, which a sign flip leaves
 * unchanged, multiply every count by the same factor and are therefore left out.
 */
export function permutationSignedRankPValue(
  doubledRanks: readonly number[],
  observedDoubled: number,
): number {
  const n = doubledRanks.length;
  if (n > 30) throw new RangeError(`exhaustive permutation is limited to 30 ranks, got ${n}`);
  // Distribution of the doubled statistic over all sign patterns (subset sums with multiplicity).
  const total = doubledRanks.reduce((s, r) => s + r, 0);
  const counts = new Float64Array(total + 1);
  counts[0] = 1;
  let reach = 0;
  for (const r of doubledRanks) {
    reach += r;
    for (let k = reach; k >= r; k--) counts[k] += counts[k - r];
  }
  let atMost = 0;
  let atLeast = 0;
  for (let k = 0; k <= total; k++) {
    if (k <= observedDoubled) atMost += counts[k];
    if (k >= observedDoubled) atLeast += counts[k];
  }
  return Math.min(1, (2 * Math.min(atMost, atLeast)) / 2 ** n);
}
