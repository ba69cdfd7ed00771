// Holm–Bonferroni step-down adjustment for a family of p-values.

/**
 * Adjusted p-values in input order: with p sorted ascending, adj(i) = max over j ≤ i of
 * min(1, (m − j)·p(j)) (0-based), so adjusted values never decrease along the sorted order.
 */
export function holm(pvalues: readonly number[]): number[] {
  pvalues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value at index ${i} must lie in [0, 1], got ${p}`);
  });
  const m = pvalues.length;
  const order = pvalues.map((_, i) => i).sort((i, j) => pvalues[i] - pvalues[j] || i - j);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pvalues[index]));
    adjusted[index] = running;
  });
  return adjusted;
}
