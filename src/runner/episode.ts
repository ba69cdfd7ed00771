/**
 * What the scheduler needs from whatever plays one episode, and how an episode's files are written:
 * the trace first, the result last (its presence marks the episode as done for resumption), each
 * atomically so that a crash or kill never leaves a partial file behind.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { monotonicSeconds } from '../agent/time.js';
import { pyFloat, pyJsonDumps, pyJsonParse } from '../python/json.js';
import { temporaryHostTag, writeFileAtomicAsync } from '../util/atomic-write.js';
import { InputError } from '../util/errors.js';
import type { ResolvedAgent } from './config.js';
import { type RunLayout, resultPath, traceHtmlPath, tracePath } from './layout.js';
import type { SharedSandboxes } from './shared-sandboxes.js';
import type { TaskRef } from './task-selection.js';

export type RunStatus = 'completed' | 'timeout' | 'error';

export interface EpisodeJob {
  agent: ResolvedAgent;
  task: TaskRef;
  layout: RunLayout;
}

/** One finished episode, as JSON-ready objects (PyFloat marks Python floats). */
export interface EpisodeOutput {
  status: RunStatus;
  /** Stopped by an abort request (Ctrl-C): nothing is written, so a re-run plays it again. */
  aborted?: boolean;
  /** The result file's object (reference keys first, then `alr`). */
  result: Record<string, unknown>;
  /** The trace file's object; absent when the episode failed before it began. */
  trace?: Record<string, unknown>;
  /** An optional standalone HTML view of the trace. */
  html?: string;
  /** For progress and the summary table. */
  totalTokens: number;
  steps: number;
}

/** Plays the episodes of one agent; created once per agent so that episodes share its model and sandbox pool. */
export interface AgentExecutor {
  run(job: EpisodeJob, signal: AbortSignal): Promise<EpisodeOutput>;
  close(): Promise<void>;
}

export interface ExecutorContext {
  runName: string;
  /** Episodes the agent runs at once (size the interpreter pool by it). */
  concurrency?: number;
  /** The response cache of HTTP models (the config's cache_db_path). */
  cacheDbPath?: string;
  /**
   * Called when the agent cannot go on (its model endpoint is down): the run starts no more episodes
   * and ends with this error. The executor aborts its own running episodes.
   */
  onFatal?: (error: Error) => void;
  /** Sandboxes shared with the run's other agents and the stage's other conditions (shut down by their owner). */
  sandboxes: SharedSandboxes;
}

export type ExecutorFactory = (agent: ResolvedAgent, context: ExecutorContext) => Promise<AgentExecutor>;

/** Serialization of the reference's episode files: `json.dumps(indent=2, ensure_ascii=False)`, no final newline. */
export const episodeJson = (value: unknown) => pyJsonDumps(value, { indent: 2, ensureAscii: false });

export async function writeEpisode(job: EpisodeJob, output: EpisodeOutput): Promise<void> {
  const { layout, agent, task } = job;
  const write = async (path: string, text: string) => {
    try {
      await writeFileAtomicAsync(path, text);
    } catch (err) {
      // A full disk or an I/O error stops the run: later episodes could not be saved either.
      throw new InputError(
        `cannot write an episode file (${(err as Error).message}). Episodes already on disk are complete; ` +
          'fix the cause (disk space, permissions) and run the same command to resume.',
        path,
      );
    }
  };
  // The trace first, the result last: a result on disk means the whole episode is.
  if (output.trace)
    await write(tracePath(layout, agent.name, task.family, task.taskId), episodeJson(output.trace));
  if (output.html) await write(traceHtmlPath(layout, agent.name, task.family, task.taskId), output.html);
  await write(resultPath(layout, agent.name, task.family, task.taskId), episodeJson(output.result));
}

/** Status of an episode already on disk, or undefined when it has no readable result file. */
export function existingStatus(job: EpisodeJob): string | undefined {
  const path = resultPath(job.layout, job.agent.name, job.task.family, job.task.taskId);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = pyJsonParse(readFileSync(path, 'utf8')) as { status?: unknown };
    return typeof parsed.status === 'string' ? parsed.status : 'unknown';
  } catch {
    // Our writes are atomic, so an unreadable file was not written by us: redo the episode.
    rmSync(path, { force: true });
    return undefined;
  }
}

/**
 * The result written when an episode failed before its environment existed (nothing to evaluate).
 * `startedAt` is in monotonic seconds, the clock of the reference's result files.
 */
export function failedBeforeStart(
  job: EpisodeJob,
  message: string,
  startedAt: number,
  model?: { name: string; kind: string },
): EpisodeOutput {
  const now = monotonicSeconds();
  return {
    status: 'error',
    result: {
      status: 'error',
      error: message,
      result: { is_solved: false, score: pyFloat(0), metrics: {} },
      finished_at: pyFloat(now),
      started_at: pyFloat(startedAt),
      alr: {
        task_id: job.task.taskId,
        family: job.task.family,
        runtime: job.agent.runtime,
        agent: job.agent.name,
        ...(model && { model }),
        stop_reason: 'error',
        terminated: false,
        truncated: false,
        steps: 0,
        token_usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
        wall_time_s: pyFloat(now - startedAt),
      },
    },
    totalTokens: 0,
    steps: 0,
  };
}

/** True when a process with this id is running on this machine. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that a killed writer left in an episode folder (`writeFileAtomic`
 * names them `.<file>.<pid>.<n>.on-<host>.tmp`); files of live processes, and of other machines sharing
 * the folder (whose processes this one cannot see), are left alone.
 */
export function removeStaleTemporaries(dir: string): number {
  if (!existsSync(dir)) return 0;
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const match = /^\..+\.(\d+)\.\d+(?:\.(on-[A-Za-z0-9-]+))?\.tmp$/.exec(name);
    if (!match || (match[2] !== undefined && match[2] !== temporaryHostTag)) continue;
    if (processAlive(Number(match[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed += 1;
  }
  return removed;
}
