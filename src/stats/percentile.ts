// The percentile rule of the reference's bootstrap: after sorting B resample statistics,
// lo = boot[int(alpha/2 · B)] and hi = boot[int((1 − alpha/2) · B) − 1]. For B = 5000 and
// alpha = 0.05 these are indices 125 and 4874, the same distance from either end.

/** Python list indexing (a negative index counts from the end). */
function pyIndex(values: Float64Array, index: number): number {
  const i = index < 0 ? values.length + index : index;
  if (i < 0 || i >= values.length) throw new RangeError(`bootstrap index ${index} out of range`);
  return values[i];
}

/** Bounds from statistics sorted ascending. */
export function percentileBounds(sorted: Float64Array, alpha: number): { lo: number; hi: number } {
  const b = sorted.length;
  return {
    lo: pyIndex(sorted, Math.trunc((alpha / 2) * b)),
    hi: pyIndex(sorted, Math.trunc((1 - alpha / 2) * b) - 1),
  };
}

export function validateResampling(resamples: number, alpha: number): void {
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(alpha > 0 && alpha < 1))
    throw new RangeError(`alpha must lie strictly between 0 and 1, got ${alpha}`);
}
