// Percentile bootstrap confidence interval of a mean.
//
// Both modes draw with CPython's Mersenne Twister (`random.Random(seed)`), take each resample's
// exact mean rounded once (Python's `statistics.mean`) and apply the reference percentile rule.
// 'reference' reproduces scripts/main_table.py bit for bit, so the result depends on the order of
// the input; 'default' first sorts the values, so the interval depends only on the multiset.

import { exactMean } from './exact-float.js';
import { LimbTable } from './limb-table.js';
import { percentileBounds, validateResampling } from './percentile.js';
import { resampleDraws } from './resample-draws.js';

export type BootstrapCompat = 'default' | 'reference';

export interface BootstrapOptions {
  /** Number of resamples (default 5000). */
  resamples?: number;
  /** Two-sided level: the interval covers 1 − alpha (default 0.05). */
  alpha?: number;
  /** Seed of the Mersenne Twister (default 0). */
  seed?: number;
  /** 'reference' keeps the input order, as main_table.py does (default 'default': sorted input). */
  compat?: BootstrapCompat;
}

export interface BootstrapInterval {
  /** Exact mean of the values, rounded once (NaN when there are none). */
  mean: number;
  lo: number;
  hi: number;
  n: number;
  resamples: number;
  alpha: number;
  seed: number;
  compat: BootstrapCompat;
  method: 'percentile-bootstrap';
}

/** Validates a list of values for the resampling functions. */
export function requireFinite(xs: readonly number[], name: string): void {
  xs.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new RangeError(`${name}[${i}] must be a finite number, got ${String(x)}`);
  });
}

/** Percentile bootstrap CI of the mean; empty input gives NaN bounds (main_table.py returns None). */
export function bootstrapMeanCI(xs: readonly number[], options: BootstrapOptions = {}): BootstrapInterval {
  const { resamples = 5000, alpha = 0.05, seed = 0, compat = 'default' } = options;
  validateResampling(resamples, alpha);
  requireFinite(xs, 'values');
  const n = xs.length;
  const base = { n, resamples, alpha, seed, compat, method: 'percentile-bootstrap' as const };
  if (n === 0) return { ...base, mean: Number.NaN, lo: Number.NaN, hi: Number.NaN };
  const values = compat === 'reference' ? xs : [...xs].sort((x, y) => x - y);
  const boot = resampleMeans(LimbTable.fromValues(values), resamples, seed);
  boot.sort();
  return { ...base, mean: exactMean(xs), ...percentileBounds(boot, alpha) };
}

/** Means of `resamples` resamples drawn with `xs[rng.randrange(n)]`, n draws each, in draw order. */
export function resampleMeans(table: LimbTable, resamples: number, seed: number): Float64Array {
  const n = table.size;
  const out = new Float64Array(resamples);
  const acc = table.accumulator();
  const all = resampleDraws(n, resamples, seed);
  for (let r = 0; r < resamples; r++) {
    table.sumInto(acc, all, n, r * n);
    out[r] = table.mean(acc, n);
  }
  return out;
}
