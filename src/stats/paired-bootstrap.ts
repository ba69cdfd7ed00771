// Paired percentile bootstrap: resample whole pairs (task i under both conditions) and take the
// difference or the ratio of the two means. Same generator, exact means and percentile rule as
// `bootstrapMeanCI`.
import { type BootstrapCompat, requireFinite } from './bootstrap.js';
import { roundRational } from './exact-float.js';
import { LimbTable } from './limb-table.js';
import { percentileBounds, validateResampling } from './percentile.js';
import { resampleDraws } from './resample-draws.js';

export type PairedStatistic = 'difference' | 'ratio';

export interface PairedBootstrapOptions {
  /** 'difference' = mean(a) − mean(b) (default); 'ratio' = mean(a) / mean(b). */
  statistic?: PairedStatistic;
  resamples?: number;
  alpha?: number;
  seed?: number;
  /** 'default' sorts the pairs first (order-independent); 'reference' keeps the input order. */
  compat?: BootstrapCompat;
}

export interface PairedBootstrapInterval {
  /** The statistic on the full sample, exact then rounded once. */
  estimate: number;
  lo: number;
  hi: number;
  n: number;
  resamples: number;
  alpha: number;
  seed: number;
  statistic: PairedStatistic;
  compat: BootstrapCompat;
  /** Resamples whose ratio was undefined or infinite (mean(b*) = 0); they sort to the ends. */
  nonFinite: number;
  method: 'paired-percentile-bootstrap';
}

export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  options: PairedBootstrapOptions = {},
): PairedBootstrapInterval {
  const { statistic = 'difference', resamples = 5000, alpha = 0.05, seed = 0, compat = 'default' } = options;
  validateResampling(resamples, alpha);
  if (a.length !== b.length)
    throw new RangeError(`paired arrays differ in length (${a.length} and ${b.length})`);
  requireFinite(a, 'a');
  requireFinite(b, 'b');
  const n = a.length;
  const base = {
    n,
    resamples,
    alpha,
    seed,
    statistic,
    compat,
    method: 'paired-percentile-bootstrap' as const,
  };
  if (n === 0) return { ...base, estimate: Number.NaN, lo: Number.NaN, hi: Number.NaN, nonFinite: 0 };

  let order = a.map((_, i) => i);
  if (compat === 'default') order = order.sort((i, j) => a[i] - a[j] || b[i] - b[j]);
  const xs = order.map((i) => a[i]);
  const ys = order.map((i) => b[i]);

  const everyIndex = Int32Array.from(xs, (_, i) => i);
  const value = statistic === 'difference' ? differenceOfMeans(xs, ys) : ratioOfMeans(xs, ys);
  const all = resampleDraws(n, resamples, seed);
  const boot = new Float64Array(resamples);
  let nonFinite = 0;
  for (let r = 0; r < resamples; r++) {
    boot[r] = value(all, r * n, n);
    if (!Number.isFinite(boot[r])) nonFinite++;
  }
  boot.sort();
  return { ...base, estimate: value(everyIndex, 0, n), nonFinite, ...percentileBounds(boot, alpha) };
}

/** The statistic of one resample: the drawn indices are draws[start … start + count). */
type ResampleStatistic = (draws: Int32Array, start: number, count: number) => number;

/** Exact mean of a[i] − b[i] over the drawn indices, rounded once. */
function differenceOfMeans(a: readonly number[], b: readonly number[]): ResampleStatistic {
  const table = LimbTable.fromDifferences(a, b);
  const acc = table.accumulator();
  return (draws, start, count) => {
    table.sumInto(acc, draws, count, start);
    return table.mean(acc, count);
  };
}

/** Exact Σa / Σb over the drawn indices, rounded once (±Infinity or NaN when Σb = 0). */
function ratioOfMeans(a: readonly number[], b: readonly number[]): ResampleStatistic {
  const tableA = LimbTable.fromValues(a);
  const tableB = LimbTable.fromValues(b);
  const accA = tableA.accumulator();
  const accB = tableB.accumulator();
  return (draws, start, count) => {
    tableA.sumInto(accA, draws, count, start);
    tableB.sumInto(accB, draws, count, start);
    const sumA = tableA.total(accA);
    const sumB = tableB.total(accB);
    if (sumB === 0n)
      return sumA === 0n ? Number.NaN : sumA > 0n ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    return roundRational(sumA, sumB, tableA.scale - tableB.scale);
  };
}
