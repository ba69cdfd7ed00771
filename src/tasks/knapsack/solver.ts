/** One candidate for the exact solver, in generation order. */
export interface SolverItem {
  id: string;
  weight: number;
  value: number;
}

export interface KnapsackOptimum {
  value: number;
  /** Chosen ids in the order they were given. */
  itemIds: string[];
  weight: number;
}

/**
 * Exact 0/1 knapsack by dynamic programming with the reference's tie-break: item i is kept at
 * weight w only when taking it is strictly better than skipping it. Reconstruction walks the items
 * backwards from the full capacity, so among equal-value optima the same set as the reference's is
 * returned. Rows are flat typed arrays: one value row per item is kept implicitly through the
 * keep bits, so memory is n·(C+1) bytes plus two value rows.
 */
export function solveKnapsack(items: readonly SolverItem[], capacity: number): KnapsackOptimum {
  const n = items.length;
  const width = capacity + 1;
  const keep = new Uint8Array(n * width);
  let previous = new Float64Array(width);
  let current = new Float64Array(width);
  for (let i = 0; i < n; i++) {
    const { weight, value } = items[i] as SolverItem;
    const row = i * width;
    for (let w = 0; w < width; w++) {
      const skip = previous[w] as number;
      if (weight <= w) {
        const take = (previous[w - weight] as number) + value;
        if (take > skip) {
          current[w] = take;
          keep[row + w] = 1;
          continue;
        }
      }
      current[w] = skip;
    }
    [previous, current] = [current, previous];
  }
  const best = n === 0 ? 0 : (previous[capacity] as number);
  const chosen: string[] = [];
  let w = capacity;
  let weight = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (keep[i * width + w]) {
      const item = items[i] as SolverItem;
      chosen.push(item.id);
      w -= item.weight;
      weight += item.weight;
    }
  }
  chosen.reverse();
  return { value: best, itemIds: chosen, weight };
}
