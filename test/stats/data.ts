// Loaders for the reference statistics fixture and the held-out vectors of test/data/stats.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { referenceFixtures, testData } from '../helpers/paths.js';

/** Fixtures encode non-finite numbers as strings. */
function revive(_key: string, value: unknown): unknown {
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return value;
}

export interface Bounds {
  lo: number;
  hi: number;
  margin: number;
  margin_str: string;
}

export interface ParityCase {
  id: string;
  n: number;
  a: number[];
  b: number[];
  expected: {
    bootstrap: Record<'raw' | 'main_table_auto', Record<'a' | 'b', Bounds>>;
    wilcoxon: {
      statistic: number;
      pvalue: number;
      method: 'exact' | 'permutation' | 'asymptotic';
      n_zero: number;
      has_ties: boolean;
      count_nonzero: number;
      compare_script_runs_test: boolean;
      effect_size_r?: number;
    };
    descriptive: Record<'a' | 'b' | 'diff', Record<'mean' | 'median' | 'std' | 'min' | 'max', number>>;
  };
}

export const parityPath = join(referenceFixtures, 'stats-parity.json');

export function parityCases(): ParityCase[] {
  return (JSON.parse(readFileSync(parityPath, 'utf8'), revive) as { cases: ParityCase[] }).cases;
}

export interface Heldout {
  wilcoxon: { kind: string; a: number[]; b: number[]; statistic: number; pvalue: number; method: string }[];
  bootstrap: { xs: number[]; resamples: number; alpha: number; seed: number; lo: number; hi: number }[];
  means: { xs: number[]; mean: number }[];
  normal: { x: number; erfc: number; ndtr: number }[];
  descriptive: { xs: number[]; mean: number; std: number; median: number; min: number; max: number }[];
  binomial: { k: number; n: number; pvalue: number }[];
}

export function heldout(): Heldout {
  return JSON.parse(readFileSync(join(testData, 'stats', 'heldout.json'), 'utf8'), revive) as Heldout;
}

/** |actual − expected| ≤ rel·|expected| (NaN matches NaN). */
export function closeRelative(actual: number, expected: number, rel: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  return Math.abs(actual - expected) <= rel * Math.abs(expected);
}
