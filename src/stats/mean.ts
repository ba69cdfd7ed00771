// One rule for averaging a column of values: a missing value (null, undefined, NaN or ±Infinity) is
// left out, never counted as 0, and a column with nothing left in it has no mean (null).
// Files that must match the reference's last bits sum their own way at the call site (the run
// summary: Python's `sum`, 0 when empty; the report's condition table: `statistics.mean`).

/** The finite numbers of `xs`, in order: the values a mean is taken over. */
export function presentValues(xs: Iterable<number | null | undefined>): number[] {
  const present: number[] = [];
  for (const x of xs) if (typeof x === 'number' && Number.isFinite(x)) present.push(x);
  return present;
}

/** The mean of the present values of `xs`, summed left to right; null when none is present. */
export function mean(xs: Iterable<number | null | undefined>): number | null {
  const present = presentValues(xs);
  if (present.length === 0) return null;
  let sum = 0;
  for (const x of present) sum += x;
  return sum / present.length;
}
