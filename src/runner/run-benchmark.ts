/**
 * `alr run`: for each agent (in config order) and each family (in config order), play the selected
 * tasks with bounded concurrency, write each episode's files as it finishes, then the agent × family's
 * task_status and summary files. Finished episodes (result file present) are skipped; an episode that
 * fails is recorded with status "error" and the run goes on, except when an agent's executor reports
 * that it cannot go on (its model endpoint is down): then the run stops like after a stop request
 * and returns that error as `failure`.
 */
import { setMaxListeners } from 'node:events';
import { monotonicSeconds } from '../agent/time.js';
import { writeBenchmarkConfig } from '../formats/benchmark-config.js';
import { writeRunJson } from '../formats/run-json.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { type BenchmarkConfig, familiesOf, type ResolvedAgent, resolveAgent } from './config.js';
import {
  type AgentExecutor,
  type EpisodeJob,
  type ExecutorFactory,
  existingStatus,
  failedBeforeStart,
  removeStaleTemporaries,
  writeEpisode,
} from './episode.js';
import {
  configYamlPath,
  familyDir,
  type RunLayout,
  runJsonPath,
  runLayout,
  taskStatusPath,
} from './layout.js';
import { runPool } from './pool.js';
import type { ProgressReporter } from './progress.js';
import { settleRunIdentity } from './run-identity.js';
import { modelKindOf, type RunMetadataInput, runMetadata } from './run-metadata.js';
import { SharedSandboxes } from './shared-sandboxes.js';
import {
  countStatuses,
  type EpisodeStatus,
  type RunSummary,
  resultFilesOf,
  runFileJson,
  writeSummary,
} from './summary.js';
import { limitPerFamily, type Shard, shardTasks, type TaskRef } from './task-selection.js';

export interface RunOptions {
  config: BenchmarkConfig;
  /** The task set folder (holding `tasks/<family>/*.json`). */
  tasksDir: string;
  /** Lists a family's task files in the reference's order. */
  listTasks: (tasksDir: string, family: TaskRef['family']) => TaskRef[];
  executorFactory: ExecutorFactory;
  /** Sandboxes the caller shares between runs (it shuts them down); default: the run's own. */
  sandboxes?: SharedSandboxes;
  limit?: number;
  shard?: Shard;
  /** Redo episodes whose recorded status is "error" (default: skip them like the reference). */
  retryErrors?: boolean;
  progress?: ProgressReporter;
  /** Raised (e.g. on SIGINT) to stop starting new episodes. */
  stop?: AbortSignal;
  /** Aborts running episodes. */
  abortEpisodes?: AbortSignal;
  /** Allow playing a run folder's agents with another model, runtime or backend (recorded in run.json). */
  relabel?: boolean;
  /** Extra facts for run.json (task-set name, policy styles). */
  metadata?: Partial<RunMetadataInput>;
}

export interface GroupOutcome {
  agent: string;
  family: string;
  statuses: Record<string, number>;
  summary: RunSummary;
}

export interface RunOutcome {
  layout: RunLayout;
  groups: GroupOutcome[];
  /** Episodes selected (tasks × agents), skipped ones included. */
  selected: number;
  /** True when a stop request left episodes unplayed. */
  interrupted: boolean;
  errors: number;
  /**
   * Why the run stopped by itself (a model endpoint that is down): episodes in flight were not
   * recorded, the summaries cover what is on disk, and the same command resumes.
   */
  failure?: Error;
}

export async function runBenchmark(options: RunOptions): Promise<RunOutcome> {
  const { config } = options;
  const layout = runLayout(config.output_dir, config.run_name);
  // The selection is fixed first (a missing task folder fails before any file is written).
  const families = familiesOf(config);
  const perFamily = new Map<string, TaskRef[]>();
  for (const family of families) {
    const all = limitPerFamily(options.listTasks(options.tasksDir, family), options.limit);
    perFamily.set(family, all);
  }
  const selected = shardTasks([...perFamily.values()].flat(), options.shard);
  const agents = config.agents.map((a) => resolveAgent(config, a));
  // Refused before anything is written when the folder's episodes were played by something else.
  const metadata = runMetadata({ config, tasksDir: options.tasksDir, agents, ...options.metadata });
  const runJson = settleRunIdentity(layout, metadata, options.relabel);
  writeBenchmarkConfig(configYamlPath(layout), config);
  writeRunJson(runJsonPath(layout), runJson);

  const progress = options.progress;
  if (progress) progress.counts.total += selected.length * agents.length;

  const groups: GroupOutcome[] = [];
  let errors = 0;
  let interrupted = false;
  let failure: Error | undefined;
  const stopped = () => options.stop?.aborted === true || failure !== undefined;
  const never = new AbortController().signal;
  // Every running episode listens on the abort signal: hundreds at once are expected, not a leak.
  setMaxListeners(0, never);
  if (options.abortEpisodes) setMaxListeners(0, options.abortEpisodes);

  // One sandbox per backend for all agents of the run (or all conditions of the caller's stage).
  const sandboxes = options.sandboxes ?? new SharedSandboxes();
  try {
    for (const agent of agents) {
      if (stopped()) break;
      // Created on first need (a fully finished run starts no interpreter), once for all episodes.
      let executor: Promise<AgentExecutor> | undefined;
      const getExecutor = () => {
        executor ??= options.executorFactory(agent, {
          runName: config.run_name,
          concurrency: config.max_concurrent_runs,
          cacheDbPath: config.cache_db_path,
          onFatal: (error) => {
            failure ??= error;
          },
          sandboxes,
        });
        return executor;
      };
      try {
        for (const family of families) {
          const tasks = selected.filter((t) => t.family === family);
          if (tasks.length === 0) continue;
          removeStaleTemporaries(familyDir(layout, agent.name, family));
          const statuses = await runPool(
            tasks,
            (task) =>
              playOne({ agent, task, layout }, getExecutor, options, options.abortEpisodes ?? never, stopped),
            { concurrency: config.max_concurrent_runs, shouldStop: stopped },
          );
          const played = statuses.filter((s): s is EpisodeStatus => s !== undefined);
          errors += played.filter((s) => s === 'error').length;
          if (played.length < tasks.length) interrupted = true;
          // The summary covers every result file present (all shards, earlier runs), whatever this run selected.
          const outcome = writeGroupFiles(layout, agent, family, played);
          groups.push(outcome);
          if (stopped()) break;
        }
      } finally {
        if (executor) await (await executor.catch(() => undefined))?.close();
      }
    }
  } finally {
    if (!options.sandboxes) await sandboxes.shutdown();
  }
  if (stopped() && groups.length < agents.length * families.length) interrupted = true;
  return {
    layout,
    groups,
    interrupted,
    errors,
    selected: selected.length * agents.length,
    ...(failure && { failure }),
  };
}

async function playOne(
  job: EpisodeJob,
  getExecutor: () => Promise<AgentExecutor>,
  options: RunOptions,
  abort: AbortSignal,
  stopped: () => boolean,
): Promise<EpisodeStatus | undefined> {
  const progress = options.progress;
  const existing = existingStatus(job);
  if (existing !== undefined && !(options.retryErrors && existing === 'error')) {
    if (progress) {
      progress.counts.done += 1;
      progress.counts.skipped += 1;
    }
    return 'skipped';
  }
  if (progress) progress.counts.running += 1;
  const startedAt = monotonicSeconds();
  let output: Awaited<ReturnType<AgentExecutor['run']>>;
  // A failure to set the agent up (bad prompt pack, no interpreter) is fatal to the run, not an episode error.
  const executor = await getExecutor();
  try {
    output = await executor.run(job, abort);
  } catch (err) {
    output = failedBeforeStart(job, err instanceof Error ? err.message : String(err), startedAt, {
      name: job.agent.config.llm.model,
      kind: modelKindOf(job.agent.config.llm.model),
    });
  }
  if (progress) progress.counts.running -= 1;
  if (output.aborted) return undefined;
  // After a stop request an error is most likely the stop itself (a cluster engine that cancels a
  // job signals every process of it, interpreters included): left unrecorded, a resume replays it.
  // The same holds after the run stopped itself (its endpoint is down).
  if (output.status === 'error' && stopped()) return undefined;
  await writeEpisode(job, output);
  if (progress) {
    progress.counts.done += 1;
    progress.counts.tokens += output.totalTokens;
    if (output.status === 'error') {
      progress.counts.errors += 1;
      const reason = typeof output.result.error === 'string' ? output.result.error : 'unknown error';
      progress.note(`error: ${job.agent.name} ${job.task.taskId}: ${reason.split('\n')[0]}`);
    }
  }
  return output.status;
}

function writeGroupFiles(
  layout: RunLayout,
  agent: ResolvedAgent,
  family: string,
  statuses: EpisodeStatus[],
): GroupOutcome {
  const counts = countStatuses(statuses);
  writeFileAtomic(taskStatusPath(layout, agent.name, family), runFileJson(counts));
  const summary = writeSummary(layout, agent.name, family);
  return { agent: agent.name, family, statuses: counts, summary };
}

/**
 * `alr run --summarize-only`: rewrites the summary of every agent × family of the config from the
 * result files present, playing nothing (after shards that were killed before writing theirs).
 */
export function summarizeRun(config: BenchmarkConfig): RunOutcome {
  const layout = runLayout(config.output_dir, config.run_name);
  const groups: GroupOutcome[] = [];
  for (const agent of config.agents) {
    for (const family of familiesOf(config)) {
      if (resultFilesOf(layout, agent.name, family).length === 0) continue;
      groups.push({
        agent: agent.name,
        family,
        statuses: {},
        summary: writeSummary(layout, agent.name, family),
      });
    }
  }
  return { layout, groups, selected: 0, interrupted: false, errors: 0 };
}
