// The trace and result objects of an episode (reference-behavior §6.2 plus our `alr` blocks), built
// as plain values in the reference's key order; the runner serializes them with pyJsonDumps.
import type { TokenUsage } from '../models/model.js';
import { type PyFloat, pyFloat } from '../python/json.js';
import type { BackendName } from '../sandbox/interpreter.js';
import type { TaskFamily } from '../tasks/environment.js';
import type { EpisodeOutcome, TraceMessage } from './episode-types.js';
import type { EpisodeEvent } from './events.js';
import { localIsoNaive } from './time.js';

export const TRACE_SCHEMA = 'alr.trace.v1';

/** What the runner knows about an episode beyond its outcome. */
export interface EpisodeMeta {
  /** File stem of the task, e.g. 'knapsack-0000000000'. */
  taskId: string;
  family: TaskFamily;
  /** The task's seed (null when the file has none). */
  seed: number | null;
  /** Path of the task file as the user gave it (relative paths stay relative). */
  taskFile: string;
  /** Agent name of the run config. */
  agent: string;
  backend: BackendName;
}

export interface TraceSummary {
  task: string | null;
  system_prompts: string[];
  num_steps: number;
  finish_reason: string | null;
  errors: string[];
  token_usage: TokenUsage | null;
}

export interface TraceEvent {
  type: EpisodeEvent['type'];
  data: EpisodeEvent['data'];
  timestamp: string;
}

export interface EpisodeTrace {
  started_at: string;
  finished_at: string;
  summary: TraceSummary;
  events: TraceEvent[];
  alr: {
    schema: typeof TRACE_SCHEMA;
    task_id: string;
    family: TaskFamily;
    seed: number | null;
    task_file: string;
    runtime: EpisodeOutcome['runtime'];
    agent: string;
    model: EpisodeOutcome['model'];
    backend: BackendName;
    compat: EpisodeOutcome['compat'];
    globals_message: EpisodeOutcome['globalsMessage'];
    stop_reason: EpisodeOutcome['stopReason'];
    terminated: boolean;
    truncated: boolean;
    wall_time_s: PyFloat;
    messages: TraceMessage[];
  };
}

export interface EpisodeResult {
  status: EpisodeOutcome['status'];
  error: string | null;
  result: { is_solved: boolean; score: PyFloat; metrics: Record<string, unknown> };
  finished_at: PyFloat;
  started_at: PyFloat;
  alr: {
    task_id: string;
    family: TaskFamily;
    runtime: EpisodeOutcome['runtime'];
    agent: string;
    model: EpisodeOutcome['model'];
    stop_reason: EpisodeOutcome['stopReason'];
    terminated: boolean;
    truncated: boolean;
    steps: number;
    token_usage: TokenUsage;
    wall_time_s: PyFloat;
  };
}

/** The trace summary exactly as the reference's trace logger derives it from the events. */
export function summarizeEvents(events: readonly EpisodeEvent[]): TraceSummary {
  const summary: TraceSummary = {
    task: null,
    system_prompts: [],
    num_steps: 0,
    finish_reason: null,
    errors: [],
    token_usage: null,
  };
  for (const event of events) {
    switch (event.type) {
      case 'StartEvent':
        summary.task = event.data.task;
        break;
      case 'SystemPromptEvent':
        if (event.data.prompts.length > 0) summary.system_prompts = [...event.data.prompts];
        break;
      case 'StepEvent': {
        summary.num_steps++;
        const u = event.data.token_usage;
        const sum = summary.token_usage;
        summary.token_usage = sum
          ? {
              prompt_tokens: sum.prompt_tokens + u.prompt_tokens,
              completion_tokens: sum.completion_tokens + u.completion_tokens,
              total_tokens: sum.total_tokens + u.total_tokens,
            }
          : { ...u };
        break;
      }
      case 'FinishEvent':
        summary.finish_reason = event.data.reason;
        summary.token_usage = { ...event.data.token_usage };
        break;
      case 'ErrorEvent':
        if (event.data.error) summary.errors.push(event.data.error);
        break;
      default:
        break;
    }
  }
  return summary;
}

/** The `.trace.json` object: the reference's keys in order, then our `alr` block. */
export function buildTrace(outcome: EpisodeOutcome, meta: EpisodeMeta): EpisodeTrace {
  return {
    started_at: localIsoNaive(outcome.startedAt),
    finished_at: localIsoNaive(outcome.finishedAt),
    summary: summarizeEvents(outcome.events),
    events: outcome.events.map((e) => ({ type: e.type, data: e.data, timestamp: localIsoNaive(e.at) })),
    alr: {
      schema: TRACE_SCHEMA,
      task_id: meta.taskId,
      family: meta.family,
      seed: meta.seed,
      task_file: meta.taskFile,
      runtime: outcome.runtime,
      agent: meta.agent,
      model: { name: outcome.model.name, kind: outcome.model.kind },
      backend: meta.backend,
      compat: outcome.compat,
      globals_message: outcome.globalsMessage,
      stop_reason: outcome.stopReason,
      terminated: outcome.terminated,
      truncated: outcome.truncated,
      wall_time_s: pyFloat(outcome.wallTimeS),
      messages: outcome.messages,
    },
  };
}

/** The result `.json` object: the reference's keys in order, then our `alr` block. */
export function buildResult(
  outcome: EpisodeOutcome,
  meta: Pick<EpisodeMeta, 'taskId' | 'family' | 'agent'>,
): EpisodeResult {
  const { is_solved, score, metrics } = outcome.evaluation;
  return {
    status: outcome.status,
    error: outcome.error,
    result: { is_solved, score: pyFloat(score), metrics },
    finished_at: pyFloat(outcome.finishedMonotonic),
    started_at: pyFloat(outcome.startedMonotonic),
    alr: {
      task_id: meta.taskId,
      family: meta.family,
      runtime: outcome.runtime,
      agent: meta.agent,
      model: { name: outcome.model.name, kind: outcome.model.kind },
      stop_reason: outcome.stopReason,
      terminated: outcome.terminated,
      truncated: outcome.truncated,
      steps: outcome.steps,
      token_usage: { ...outcome.tokenUsage },
      wall_time_s: pyFloat(outcome.wallTimeS),
    },
  };
}
