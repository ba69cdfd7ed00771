// The summary of two paired samples that `alr stats` prints: bootstrap CI of each mean, the
// Wilcoxon signed-rank test with the reference's effect size, and the paired bootstrap of the
// difference of means.
import { type BootstrapCompat, bootstrapMeanCI } from './bootstrap.js';
import { pairedBootstrap } from './paired-bootstrap.js';
import { type WilcoxonMethod, wilcoxon } from './wilcoxon.js';

export interface PairedSummaryOptions {
  compat?: BootstrapCompat;
  resamples?: number;
  alpha?: number;
  seed?: number;
}

export interface MeanWithInterval {
  mean: number;
  ci: { lo: number; hi: number };
}

export interface PairedSummary {
  a: MeanWithInterval;
  b: MeanWithInterval;
  wilcoxon: { statistic: number; pvalue: number; effect_size_r: number; method: WilcoxonMethod };
  difference: MeanWithInterval;
}

export function pairedSummary(
  a: readonly number[],
  b: readonly number[],
  options: PairedSummaryOptions = {},
): PairedSummary {
  const ciA = bootstrapMeanCI(a, options);
  const ciB = bootstrapMeanCI(b, options);
  const test = wilcoxon(a, b);
  const diff = pairedBootstrap(a, b, { ...options, statistic: 'difference' });
  return {
    a: { mean: ciA.mean, ci: { lo: ciA.lo, hi: ciA.hi } },
    b: { mean: ciB.mean, ci: { lo: ciB.lo, hi: ciB.hi } },
    wilcoxon: {
      statistic: test.statistic,
      pvalue: test.pvalue,
      effect_size_r: test.effectSizeR,
      method: test.method,
    },
    difference: { mean: diff.estimate, ci: { lo: diff.lo, hi: diff.hi } },
  };
}
