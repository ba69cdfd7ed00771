// `alr replay`: model-free counterfactual. Re-executes a run's recorded code blocks, step by step,
// in a fresh environment and interpreter of the chosen runtime, and reports where the observations
// diverge from the recorded ones, which steps fail with NameError, and the score the actions reach.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { REPLAY_REPORT_VERSION, writeReplayReportFile } from '../formats/replay-report.js';
import { readRunJson } from '../formats/run-json.js';
import { stepEvents } from '../formats/trace.js';
import { pyJsonDumps } from '../python/json.js';
import { parseRuntimeSpec, type RuntimeName, runtimeSlug } from '../runtime/spec.js';
import type { InterpreterSession, SessionOptions } from '../sandbox/interpreter.js';
import { mean } from '../stats/mean.js';
import type { Environment } from '../tasks/environment.js';
import { InputError } from '../util/errors.js';
import { isRecord } from '../util/is-record.js';
import type { Episode } from './episodes.js';
import { iterateEpisodes } from './episodes.js';
import { observationFromInterpreterResult } from './runtime-view.js';
import { findTraceFiles } from './trace-files.js';

export type OpenSession = (options: SessionOptions) => Promise<InterpreterSession>;

export interface ReplayOptions {
  runDir: string;
  /** Any runtime spec (docs/runtimes.md): the counterfactual runtime. */
  runtime: RuntimeName;
  openSession: OpenSession;
  /** A fresh environment for a task file (tasks module: createEnvironment(loadTask(path))). */
  environmentFor: (taskFile: string) => Environment;
  /** Where tasks live when a trace does not name its task file (`<dir>[/tasks]/<family>/<task_id>.json`). */
  tasksDir?: string;
  /** Overrides how an episode's task file is found (e.g. for traces recorded on other task ids). */
  taskFileFor?: (episode: Episode) => string | null;
  /** Cap on observed stdout (our default 20 000; null = none, as the reference). Default: per trace compat. */
  outputCap?: number | null;
  backend?: string;
  /** Called after each episode (progress). */
  onEpisode?: (report: EpisodeReplay, index: number, total: number) => void;
}

export interface StepDivergence {
  /** Index among the executed steps (0 = first code block). */
  step: number;
  turn: number | null;
  recorded: string | null;
  replayed: string;
}

export interface EpisodeReplay {
  source: string;
  task_id: string;
  task_file: string | null;
  recorded_runtime: RuntimeName | null;
  steps: number;
  executed_steps: number;
  first_divergence: StepDivergence | null;
  diverged_steps: number;
  name_error_steps: number[];
  error_steps: number;
  replay_score: number | null;
  replay_solved: boolean | null;
  recorded_score: number | null;
  error: string | null;
}

export interface ReplayReport {
  schema: typeof REPLAY_REPORT_VERSION;
  runtime: RuntimeName;
  backend: string | null;
  created_at: string;
  summary: {
    episodes: number;
    replayed: number;
    diverged: number;
    with_name_errors: number;
    mean_replay_score: number | null;
    mean_recorded_score: number | null;
  };
  episodes: EpisodeReplay[];
}

const TOOL_LIMIT = /The maximum number of tool calls allowed per turn is (\d+)\./;

/** The per-step tool-call limit the episode ran with: run.json, else the tool prompt's sentence. */
function maxToolCallsOf(ep: Episode): number | undefined {
  const runJson = join(ep.runDir, 'run.json');
  if (existsSync(runJson) && ep.agent) {
    try {
      const agent = readRunJson(runJson).agents.find((a) => a.name === ep.agent);
      if (agent && agent.max_tool_calls !== undefined) return agent.max_tool_calls ?? undefined;
    } catch {
      // fall through to the prompt
    }
  }
  for (const p of ep.trace.summary?.system_prompts ?? []) {
    const m = typeof p === 'string' ? TOOL_LIMIT.exec(p) : null;
    if (m) return Number(m[1]);
  }
  return undefined;
}

function tasksDirOfRun(runDir: string): string | undefined {
  const runJson = join(runDir, 'run.json');
  if (!existsSync(runJson)) return undefined;
  try {
    return readRunJson(runJson).tasks_dir ?? undefined;
  } catch {
    return undefined;
  }
}

/** Finds an episode's task file: the trace's `alr.task_file`, else `<tasksDir>[/tasks]/<family>/<task_id>.json`. */
export function resolveTaskFile(ep: Episode, tasksDir: string | undefined): string | null {
  const recorded = ep.trace.alr?.task_file;
  if (typeof recorded === 'string') {
    const candidates = isAbsolute(recorded) ? [recorded] : [resolve(recorded), resolve(ep.runDir, recorded)];
    for (const c of candidates) if (existsSync(c)) return c;
  }
  const dirs = [tasksDir, tasksDirOfRun(ep.runDir)].filter((d): d is string => typeof d === 'string');
  for (const dir of dirs) {
    for (const base of [join(dir, 'tasks'), dir]) {
      const candidate = join(base, ep.family ?? '', `${ep.taskId}.json`);
      if (existsSync(candidate)) return candidate;
    }
  }
  return null;
}

/** The observation text the model was shown after a step, as the trace records it. */
function recordedObservation(step: ReturnType<typeof stepEvents>[number]): string | null {
  if (typeof step.observation === 'string') return step.observation;
  return observationFromInterpreterResult(step.interpreter_result);
}

/** The report of an episode before (or instead of) re-executing any step. */
function emptyReplay(ep: Episode, steps: number, error: string | null): EpisodeReplay {
  return {
    source: ep.source,
    task_id: ep.taskId,
    task_file: null,
    recorded_runtime: ep.runtime,
    steps,
    executed_steps: 0,
    first_divergence: null,
    diverged_steps: 0,
    name_error_steps: [],
    error_steps: 0,
    replay_score: null,
    replay_solved: null,
    recorded_score: ep.score,
    error,
  };
}

export async function replayEpisode(ep: Episode, options: ReplayOptions): Promise<EpisodeReplay> {
  const steps = stepEvents(ep.trace);
  const report = emptyReplay(ep, steps.length, null);
  const taskFile = options.taskFileFor ? options.taskFileFor(ep) : resolveTaskFile(ep, options.tasksDir);
  if (!taskFile) {
    report.error = 'task file not found (the trace has no alr.task_file; pass --tasks DIR)';
    return report;
  }
  report.task_file = taskFile;
  const env = options.environmentFor(taskFile);
  const outputCap =
    options.outputCap !== undefined
      ? options.outputCap
      : ep.trace.alr?.compat === 'reference' || !ep.trace.alr
        ? null
        : undefined;
  const spec = parseRuntimeSpec(options.runtime);
  const session = await options.openSession({
    mode: spec.base,
    runtime: options.runtime,
    taskId: ep.taskId,
    tools: env.tools(),
    maxToolCalls: maxToolCallsOf(ep),
    ...(outputCap !== undefined && { outputCap }),
  });
  try {
    for (const step of steps) {
      // Steps without exactly one code block executed nothing at run time; neither does replay.
      if (
        typeof step.code !== 'string' ||
        !isRecord(step.interpreter_result) ||
        !('success' in step.interpreter_result)
      )
        continue;
      const index = report.executed_steps++;
      const result = await session.step(step.code);
      const observed = pyJsonDumps({
        success: result.success,
        result: result.result,
        output: result.output,
        error: result.error,
      });
      // A restart notice precedes the observation, as in the agent loop.
      const notice = result.runtime_message?.before;
      const replayed = notice ? `${notice}\n\n${observed}` : observed;
      const recorded = recordedObservation(step);
      if (replayed !== recorded) {
        report.diverged_steps++;
        report.first_divergence ??= {
          step: index,
          turn: typeof step.turn === 'number' ? step.turn : null,
          recorded,
          replayed,
        };
      }
      if (!result.success) report.error_steps++;
      if (result.error_type === 'NameError') report.name_error_steps.push(index);
    }
  } finally {
    await session.close();
  }
  const evaluation = env.evaluate();
  report.replay_score = evaluation.score;
  report.replay_solved = evaluation.is_solved;
  return report;
}

/** Replays every episode of a run; writes nothing (see writeReplayReport). */
export async function replayRun(options: ReplayOptions): Promise<ReplayReport> {
  const total = findTraceFiles(options.runDir).length;
  const reports: EpisodeReplay[] = [];
  let i = 0;
  let unreadable: { path: string; reason: string } | undefined;
  for (const ep of iterateEpisodes([options.runDir], (skipped) => (unreadable ??= skipped))) {
    let r: EpisodeReplay;
    try {
      r = await replayEpisode(ep, options);
    } catch (err) {
      if (err instanceof InputError) throw err;
      r = emptyReplay(ep, stepEvents(ep.trace).length, (err as Error).message);
    }
    reports.push(r);
    options.onEpisode?.(r, i++, total);
  }
  if (reports.length === 0 && unreadable) throw new InputError(unreadable.reason, unreadable.path);
  if (reports.length === 0)
    throw new InputError('no readable *.trace.json in the run folder', options.runDir);
  const replayed = reports.filter((r) => r.error === null);
  return {
    schema: REPLAY_REPORT_VERSION,
    runtime: options.runtime,
    backend: options.backend ?? null,
    created_at: new Date().toISOString(),
    summary: {
      episodes: reports.length,
      replayed: replayed.length,
      diverged: replayed.filter((r) => r.first_divergence !== null).length,
      with_name_errors: replayed.filter((r) => r.name_error_steps.length > 0).length,
      mean_replay_score: mean(replayed.map((r) => r.replay_score)),
      mean_recorded_score: mean(replayed.map((r) => r.recorded_score)),
    },
    episodes: reports,
  };
}

/** `replay_<runtime>.json` in the run folder (or `out`). */
export function writeReplayReport(report: ReplayReport, runDir: string, out?: string): string {
  const path = out ?? join(runDir, `replay_${runtimeSlug(report.runtime)}.json`);
  writeReplayReportFile(path, report);
  return path;
}

export function formatReplaySummary(report: ReplayReport): string {
  const s = report.summary;
  const score = (x: number | null) => (x === null ? 'n/a' : x.toFixed(4));
  return [
    `replay under ${report.runtime}: ${s.replayed}/${s.episodes} episodes replayed`,
    `  diverged from the recorded observations: ${s.diverged}`,
    `  with NameError steps: ${s.with_name_errors}`,
    `  mean score: replayed ${score(s.mean_replay_score)}, recorded ${score(s.mean_recorded_score)}`,
    '',
  ].join('\n');
}
