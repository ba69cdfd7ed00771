// Descriptive statistics as NumPy computes them for float64 arrays (the reference comparison script
// prints np.mean, np.std, np.median, np.min, np.max). NumPy sums with its pairwise algorithm, so the
// sum below follows the same blocking to give the same last bits.

const BLOCK = 128;

/** NumPy's pairwise summation of a contiguous float64 array. */
export function pairwiseSum(xs: ArrayLike<number>, start = 0, count = xs.length - start): number {
  if (count < 8) {
    // NumPy starts this branch from -0.0 so that a sum of negative zeros stays -0.0.
    let sum = -0;
    for (let i = 0; i < count; i++) sum += xs[start + i];
    return sum;
  }
  if (count <= BLOCK) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = xs[start + j];
    let i = 8;
    for (; i < count - (count % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += xs[start + i + j];
    let sum = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < count; i++) sum += xs[start + i];
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return pairwiseSum(xs, start, half) + pairwiseSum(xs, start + half, count - half);
}

export interface Descriptive {
  n: number;
  mean: number;
  /** Population standard deviation (ddof = 0). */
  std: number;
  median: number;
  min: number;
  max: number;
}

/** mean, population std, median, min and max; all NaN for an empty list. */
export function describe(xs: readonly number[]): Descriptive {
  const n = xs.length;
  if (n === 0)
    return { n, mean: Number.NaN, std: Number.NaN, median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mean = pairwiseSum(xs) / n;
  const squares = xs.map((x) => (x - mean) * (x - mean));
  const std = Math.sqrt(pairwiseSum(squares) / n);
  const sorted = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { n, mean, std, median, min: sorted[0], max: sorted[n - 1] };
}
