// Paired comparisons between conditions that share tasks: Wilcoxon signed-rank and a paired
// bootstrap of the difference for continuous metrics, exact McNemar for binary ones, and Holm's
// adjustment across every test in the report.
import type { Condition, EpisodeMetrics } from '../metrics/index.js';
import { holm, mcnemarExact, mean, pairedBootstrap, wilcoxon } from '../stats/index.js';

export interface PairedTest {
  a: string;
  b: string;
  metric: string;
  kind: 'wilcoxon' | 'mcnemar';
  n: number;
  mean_a: number;
  mean_b: number;
  /** Paired bootstrap of mean(a) − mean(b) (continuous metrics). */
  difference: { estimate: number; lo: number; hi: number } | null;
  /** Wilcoxon W, or the discordant counts for McNemar. */
  statistic: number | null;
  /** Signed rank-biserial correlation (Wilcoxon) — positive when a tends to be larger. */
  effect_size: number | null;
  b10?: number;
  b01?: number;
  method: string;
  pvalue: number | null;
  pvalue_holm: number | null;
}

export interface ComparisonPlan {
  /** Which metric, how to read it from an episode. */
  metric: string;
  kind: 'wilcoxon' | 'mcnemar';
  value: (e: EpisodeMetrics) => number | boolean | null;
}

export const DEFAULT_PLAN: ComparisonPlan[] = [
  { metric: 'score', kind: 'wilcoxon', value: (e) => (e.score === null ? null : e.score * 100) },
  { metric: 'solved', kind: 'mcnemar', value: (e) => e.solved },
  { metric: 'total_tokens', kind: 'wilcoxon', value: (e) => e.total_tokens },
  { metric: 'steps', kind: 'wilcoxon', value: (e) => e.steps },
  { metric: 'has_name_error', kind: 'mcnemar', value: (e) => e.has_name_error },
];

/** Episodes of two conditions paired by task id (sorted by task id), plus the unpaired counts. */
export function pairByTask(a: readonly EpisodeMetrics[], b: readonly EpisodeMetrics[]) {
  const byId = new Map(b.map((e) => [e.task_id, e]));
  const idsA = new Set(a.map((e) => e.task_id));
  const pairs = a
    .filter((e) => byId.has(e.task_id))
    .sort((x, y) => (x.task_id < y.task_id ? -1 : x.task_id > y.task_id ? 1 : 0))
    .map((e) => [e, byId.get(e.task_id) as EpisodeMetrics] as const);
  return {
    pairs,
    onlyA: a.filter((e) => !byId.has(e.task_id)).length,
    onlyB: b.filter((e) => !idsA.has(e.task_id)).length,
  };
}

/** The tests of one pair of conditions (unadjusted p-values). */
export function compareConditions(
  aId: string,
  bId: string,
  a: readonly EpisodeMetrics[],
  b: readonly EpisodeMetrics[],
  plan: readonly ComparisonPlan[] = DEFAULT_PLAN,
): PairedTest[] {
  const { pairs } = pairByTask(a, b);
  const tests: PairedTest[] = [];
  for (const p of plan) {
    const kept = pairs
      .map(([x, y]) => [p.value(x), p.value(y)] as const)
      .filter(
        ([x, y]) =>
          x !== null &&
          y !== null &&
          (typeof x === 'boolean' || Number.isFinite(x)) &&
          (typeof y === 'boolean' || Number.isFinite(y)),
      );
    if (kept.length === 0) continue;
    if (p.kind === 'mcnemar') {
      const xa = kept.map(([x]) => Boolean(x));
      const xb = kept.map(([, y]) => Boolean(y));
      const r = mcnemarExact(xa, xb);
      tests.push({
        a: aId,
        b: bId,
        metric: p.metric,
        kind: 'mcnemar',
        n: kept.length,
        mean_a: mean(xa.map(Number)) ?? Number.NaN,
        mean_b: mean(xb.map(Number)) ?? Number.NaN,
        difference: null,
        statistic: r.discordant,
        effect_size: null,
        b10: r.b10,
        b01: r.b01,
        method: r.method,
        pvalue: r.pvalue,
        pvalue_holm: null,
      });
      continue;
    }
    const xa = kept.map(([x]) => Number(x));
    const xb = kept.map(([, y]) => Number(y));
    const w = wilcoxon(xa, xb);
    const d = pairedBootstrap(xa, xb, { statistic: 'difference', resamples: 5000, seed: 0 });
    tests.push({
      a: aId,
      b: bId,
      metric: p.metric,
      kind: 'wilcoxon',
      n: kept.length,
      mean_a: mean(xa) ?? Number.NaN,
      mean_b: mean(xb) ?? Number.NaN,
      difference: { estimate: d.estimate, lo: d.lo, hi: d.hi },
      statistic: Number.isFinite(w.statistic) ? w.statistic : null,
      effect_size: Number.isFinite(w.rankBiserial) ? w.rankBiserial : null,
      method: w.method,
      pvalue: Number.isFinite(w.pvalue) ? w.pvalue : null,
      pvalue_holm: null,
    });
  }
  return tests;
}

/** Conditions worth comparing: same difficulty (task set) and family, at least two shared tasks. */
export function comparablePairs(
  conditions: readonly Condition[],
  episodesOf: (id: string) => readonly EpisodeMetrics[],
): Array<[Condition, Condition]> {
  const out: Array<[Condition, Condition]> = [];
  conditions.forEach((a, i) => {
    for (const b of conditions.slice(i + 1)) {
      if (a.difficulty !== b.difficulty) continue;
      if (pairByTask(episodesOf(a.id), episodesOf(b.id)).pairs.length < 2) continue;
      out.push([a, b]);
    }
  });
  return out;
}

/** Holm-adjusts the p-values of all tests together, in place. */
export function adjustHolm(tests: PairedTest[]): void {
  const idx = tests.map((t, i) => (t.pvalue === null ? -1 : i)).filter((i) => i >= 0);
  const adjusted = holm(idx.map((i) => tests[i]?.pvalue as number));
  idx.forEach((i, k) => {
    (tests[i] as PairedTest).pvalue_holm = adjusted[k] as number;
  });
}
