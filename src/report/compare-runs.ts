// `alr compare RUN_A RUN_B`: the two runs' episodes paired by task id, every metric tested.
import { computeMetrics, type EpisodeMetrics, type MetricsOptions } from '../metrics/index.js';
import { holm } from '../stats/index.js';
import { InputError } from '../util/errors.js';
import { type ComparisonPlan, compareConditions, type PairedTest, pairByTask } from './comparisons.js';

const CONTINUOUS: Array<keyof EpisodeMetrics> = [
  'score',
  'steps',
  'tool_calls',
  'total_tokens',
  'prompt_tokens',
  'completion_tokens',
  'wall_time_s',
  'score_per_1k_tokens',
  'capacity_utilization',
  'items_inspected',
  'error_steps',
  'name_errors',
  'longest_error_run',
  'state_utilization',
  'reimport_rate',
  'imports_per_step',
  'symbol_lifespan',
];
const BINARY: Array<keyof EpisodeMetrics> = ['solved', 'has_name_error'];

export const COMPARE_PLAN: ComparisonPlan[] = [
  ...CONTINUOUS.map((k) => ({
    metric: k,
    kind: 'wilcoxon' as const,
    value: (e: EpisodeMetrics) => {
      const v = e[k];
      return typeof v === 'number' ? (k === 'score' ? v * 100 : v) : null;
    },
  })),
  ...BINARY.map((k) => ({
    metric: k,
    kind: 'mcnemar' as const,
    value: (e: EpisodeMetrics) => (typeof e[k] === 'boolean' ? (e[k] as boolean) : null),
  })),
];

export interface CompareResult {
  a: { path: string; label: string; episodes: number };
  b: { path: string; label: string; episodes: number };
  paired: number;
  only_in_a: number;
  only_in_b: number;
  tests: PairedTest[];
}

async function episodesOf(path: string, options: MetricsOptions) {
  const m = await computeMetrics([path], options);
  if (m.conditions.length !== 1)
    throw new InputError(
      `holds ${m.conditions.length} conditions; point at one results/<agent>/<family> folder`,
      path,
    );
  return { label: m.conditions[0]?.label ?? path, episodes: m.episodes.map((e) => e.metrics) };
}

export async function compareRuns(
  pathA: string,
  pathB: string,
  options: MetricsOptions = {},
): Promise<CompareResult> {
  // Started together: B's traces are read while A's blocks are being parsed.
  const [a, b] = await Promise.all([episodesOf(pathA, options), episodesOf(pathB, options)]);
  const { pairs, onlyA, onlyB } = pairByTask(a.episodes, b.episodes);
  const tests = pairs.length ? compareConditions('A', 'B', a.episodes, b.episodes, COMPARE_PLAN) : [];
  const withP = tests.filter((t) => t.pvalue !== null);
  const adjusted = holm(withP.map((t) => t.pvalue as number));
  withP.forEach((t, i) => {
    t.pvalue_holm = adjusted[i] as number;
  });
  return {
    a: { path: pathA, label: a.label, episodes: a.episodes.length },
    b: { path: pathB, label: b.label, episodes: b.episodes.length },
    paired: pairs.length,
    only_in_a: onlyA,
    only_in_b: onlyB,
    tests,
  };
}

function p(x: number | null): string {
  if (x === null) return 'n/a';
  return x < 0.001 ? x.toExponential(1) : x.toFixed(3);
}

/** The human-readable table printed by default. */
export function formatCompare(r: CompareResult): string {
  const lines = [
    `A: ${r.a.label} (${r.a.episodes} episodes) — ${r.a.path}`,
    `B: ${r.b.label} (${r.b.episodes} episodes) — ${r.b.path}`,
    `paired by task id: ${r.paired} · only in A: ${r.only_in_a} · only in B: ${r.only_in_b}`,
    '',
  ];
  const head = ['metric', 'n', 'mean A', 'mean B', 'A − B [95% CI]', 'test', 'p', 'p (Holm)'];
  const rows = r.tests.map((t) => [
    t.metric,
    String(t.n),
    t.mean_a.toFixed(3),
    t.mean_b.toFixed(3),
    t.difference
      ? `${t.difference.estimate.toFixed(3)} [${t.difference.lo.toFixed(3)}, ${t.difference.hi.toFixed(3)}]`
      : `A only ${t.b10 ?? 0} / B only ${t.b01 ?? 0}`,
    t.kind === 'wilcoxon' ? `Wilcoxon (${t.method})` : 'McNemar exact',
    p(t.pvalue),
    `${p(t.pvalue_holm)}${t.pvalue_holm !== null && t.pvalue_holm < 0.05 ? ' *' : ''}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const fmt = (row: string[]) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  lines.push(fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt));
  if (r.tests.length === 0) lines.push('(no shared tasks: nothing to compare)');
  lines.push('', 'Score in percent. Holm adjustment across the tests above; * = below 0.05.');
  return `${lines.join('\n')}\n`;
}
