// Statistics throughput: a report computes CIs and tests for ~12 conditions × several metrics, so a
// 5000-resample bootstrap of 100 per-episode scores must take milliseconds, not seconds.
// Reports the median wall time of several runs for each operation.

import { bootstrapMeanCI, pairedBootstrap, wilcoxon } from '../src/stats/index.js';
import type { BenchOptions } from './options.js';

/** Deterministic knapsack-like scores: 40% at 100, some zeros, the rest spread over 50–100. */
function scores(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return [...Array(n)].map(() => {
    const u = next();
    return u < 0.4 ? 100 : u < 0.5 ? 0 : 50 + 50 * next() + 1 / 3;
  });
}

function timeMs(runs: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return Number(times[Math.floor(times.length / 2)].toFixed(2));
}

export async function run(options: BenchOptions): Promise<unknown> {
  const runs = Number(options.settings.runs ?? (options.quick ? 3 : 9));
  const n = Number(options.settings.n ?? 100);
  const a = scores(n, 1);
  const b = scores(n, 2);
  const conditions = 12;
  const metrics = 4;
  return {
    n,
    resamples: 5000,
    runs,
    bootstrap_reference_ms: timeMs(runs, () => bootstrapMeanCI(a, { compat: 'reference' })),
    bootstrap_default_ms: timeMs(runs, () => bootstrapMeanCI(a)),
    paired_difference_ms: timeMs(runs, () => pairedBootstrap(a, b)),
    paired_ratio_ms: timeMs(runs, () => pairedBootstrap(a, b, { statistic: 'ratio' })),
    wilcoxon_ms: timeMs(runs, () => wilcoxon(a, b)),
    [`report_${conditions}x${metrics}_bootstraps_ms`]: timeMs(Math.min(runs, 3), () => {
      for (let i = 0; i < conditions * metrics; i++) bootstrapMeanCI(i % 2 ? a : b);
    }),
  };
}
