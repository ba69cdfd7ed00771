import { basename } from 'node:path';
import type { CodeAnalysis } from '../sandbox/interpreter.js';
import { behaviorMetrics } from './behavior.js';
import type { RawEpisode } from './discover.js';
import { runtimeFromSystemPrompts } from './labels.js';
import { findTaskFile, type ReplayedOutcome, replayKnapsackOutcome } from './replay-score.js';
import type { EpisodeMetrics, StepView } from './types.js';

export interface EpisodeContext {
  condition: string;
  family: string | null;
  /** A runtime spec's text (docs/runtimes.md). */
  runtime: string | null;
  /** Folder of task files, for recomputing scores of trace-only episodes. */
  tasksDir: string | null;
  /** Outcomes of `alr replay` under the episode's own runtime, by trace file name. */
  replayed?: ReadonlyMap<string, { score: number; solved: boolean | null }>;
}

/** `knapsack-knapsack-0000000042` → `knapsack-0000000042` (the runner doubles the family prefix). */
export function taskIdOf(stem: string, family: string | null): string {
  if (family && stem.startsWith(`${family}-${family}-`)) return stem.slice(family.length + 1);
  const doubled = /^([a-z_]+)-(\1-.+)$/.exec(stem);
  return doubled ? (doubled[2] as string) : stem;
}

function familyOf(raw: RawEpisode, fallback: string | null, taskId: string): string {
  return (
    raw.trace?.alr?.family ??
    raw.result?.alr?.family ??
    fallback ??
    /^([a-z_]+)-\d+$/.exec(taskId)?.[1] ??
    'unknown'
  );
}

function isoSeconds(a: string | null | undefined, b: string | null | undefined): number | null {
  if (!a || !b) return null;
  const t0 = Date.parse(a);
  const t1 = Date.parse(b);
  return Number.isFinite(t0) && Number.isFinite(t1) ? (t1 - t0) / 1000 : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Longest run of consecutive failed steps (a failed execution, or a harness error such as multi-block). */
export function longestErrorRun(steps: readonly StepView[]): number {
  let best = 0;
  let run = 0;
  for (const s of steps) {
    const failed = s.success === false || (s.code === null && s.error !== null);
    run = failed ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

/** Every metric of one episode; `analyses[i]` belongs to `steps[i]`. */
export function episodeMetrics(
  raw: RawEpisode,
  steps: readonly StepView[],
  analyses: ReadonlyArray<CodeAnalysis | null> | null,
  ctx: EpisodeContext,
): EpisodeMetrics {
  const taskId = raw.trace?.alr?.task_id ?? raw.result?.alr?.task_id ?? taskIdOf(raw.stem, ctx.family);
  const family = familyOf(raw, ctx.family, taskId);
  const trace = raw.trace;
  const result = raw.result;
  const resMetrics = (result?.result?.metrics ?? {}) as Record<string, unknown>;

  const hasToolLog =
    steps.length > 0 && steps.every((s) => s.code === null || s.success === null || s.toolCalls !== null);
  const toolCalls = hasToolLog ? steps.flatMap((s) => s.toolCalls ?? []) : null;

  let replayed: ReplayedOutcome | null = null;
  if (num(result?.result?.score) === null && toolCalls && family === 'knapsack') {
    const taskFile =
      (ctx.tasksDir ? findTaskFile(ctx.tasksDir, family, taskId) : null) ?? trace?.alr?.task_file ?? null;
    if (taskFile) replayed = replayKnapsackOutcome(taskFile, toolCalls);
  }

  // Trace-only episodes without a tool log: the score `alr replay` reached re-executing the code.
  const reExecuted =
    num(result?.result?.score) === null && !replayed && raw.tracePath
      ? (ctx.replayed?.get(basename(raw.tracePath)) ?? null)
      : null;
  const score = num(result?.result?.score) ?? replayed?.score ?? reExecuted?.score ?? null;
  const solved =
    typeof result?.result?.is_solved === 'boolean'
      ? result.result.is_solved
      : (replayed?.solved ?? reExecuted?.solved ?? null);

  const usage = trace?.summary.token_usage ?? result?.alr?.token_usage ?? null;
  const stepSum = (pick: (s: StepView) => number | null) =>
    steps.length > 0 && steps.every((s) => pick(s) !== null)
      ? steps.reduce((a, s) => a + (pick(s) ?? 0), 0)
      : null;
  const prompt = num(usage?.prompt_tokens) ?? stepSum((s) => s.promptTokens);
  const completion = num(usage?.completion_tokens) ?? stepSum((s) => s.completionTokens);
  const total = num(usage?.total_tokens) ?? stepSum((s) => s.totalTokens);

  const numSteps = trace
    ? num(trace.summary.num_steps) || steps.length
    : (num(result?.alr?.steps) ?? steps.length);

  const wall =
    num(result?.alr?.wall_time_s) ??
    num(trace?.alr?.wall_time_s) ??
    (num(result?.finished_at) !== null && num(result?.started_at) !== null
      ? (result?.finished_at as number) - (result?.started_at as number)
      : isoSeconds(trace?.started_at, trace?.finished_at));

  const weightUsed = num(resMetrics.weight_used) ?? replayed?.weight_used ?? null;
  const capacity = num(resMetrics.capacity) ?? replayed?.capacity ?? null;
  const capacityUtil =
    weightUsed !== null && capacity !== null ? (capacity > 0 ? (weightUsed / capacity) * 100 : 0) : null;
  const inspected =
    num(resMetrics.inspected_count) ??
    replayed?.inspected_count ??
    (toolCalls
      ? new Set(toolCalls.filter((c) => c.ok && c.tool === 'inspect').map((c) => JSON.stringify(c.args))).size
      : null);

  const nameErrors = steps.filter((s) => s.errorType === 'NameError').length;
  // A JSONL dataset may mix runtimes: trust the episode's own record first.
  const runtime =
    trace?.alr?.runtime ??
    result?.alr?.runtime ??
    runtimeFromSystemPrompts(trace?.summary.system_prompts) ??
    ctx.runtime;
  const behavior = analyses
    ? behaviorMetrics(steps, analyses, runtime)
    : {
        state_utilization: null,
        state_reuse_per_step: null,
        reimport_rate: null,
        imports_per_step: null,
        symbol_lifespan: null,
        unparsed_blocks: 0,
      };

  return {
    condition: ctx.condition,
    task_id: taskId,
    family,
    file: raw.stem,
    status: result?.status ?? null,
    score,
    solved,
    score_source:
      num(result?.result?.score) !== null
        ? 'result'
        : replayed
          ? 'replay'
          : reExecuted
            ? 're-execution'
            : null,
    steps: numSteps,
    tool_calls: toolCalls ? toolCalls.length : null,
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: total,
    wall_time_s: wall,
    score_per_1k_tokens:
      score !== null && total !== null && total > 0 ? ((score * 100) / total) * 1000 : null,
    capacity_utilization: capacityUtil,
    items_inspected: inspected,
    finish_reason: trace?.summary.finish_reason ?? null,
    stop_reason: trace?.alr?.stop_reason ?? result?.alr?.stop_reason ?? null,
    error_steps: steps.filter((s) => s.success === false || (s.code === null && s.error !== null)).length,
    name_errors: nameErrors,
    has_name_error: nameErrors > 0,
    longest_error_run: longestErrorRun(steps),
    ...behavior,
  };
}
