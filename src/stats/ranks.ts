// Average ranks (ties share the mean of the positions they occupy), with tie-group sizes.

export interface Ranking {
  /** Rank of each input value, 1-based, in input order. */
  ranks: number[];
  /** Sizes of the groups of equal values (1 for a value without ties). */
  groups: number[];
}

export function averageRanks(values: readonly number[]): Ranking {
  const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
  const ranks = new Array<number>(values.length);
  const groups: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2; // mean of positions start+1 .. end
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    groups.push(end - start);
    start = end;
  }
  return { ranks, groups };
}
