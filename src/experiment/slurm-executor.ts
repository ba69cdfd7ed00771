/**
 * `alr experiment --executor slurm`: each run stage becomes one Slurm job array. Array task k plays
 * shard k+1 of every condition of the stage (`alr run --shard k+1/N`, one after the other) into the
 * condition's run folder on the shared file system. The executor waits for the array, rewrites the
 * summaries from the files (a killed task writes none), and on a later invocation submits only the
 * shards that still miss episodes. The generated script and the task logs stay in
 * `<out>/<stage>/slurm/`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarkConfigYaml } from '../formats/benchmark-config.js';
import { readSlurmJobs, writeSlurmJobs } from '../formats/slurm-jobs.js';
import type { PolicyStyle } from '../models/scripted/style.js';
import { type BenchmarkConfig, familiesOf, resolveAgent } from '../runner/config.js';
import { resultPath, runJsonPath, runLayout } from '../runner/layout.js';
import { listFamilyTasks } from '../runner/list-tasks.js';
import { summarizeRun } from '../runner/run-benchmark.js';
import { runMetadata } from '../runner/run-metadata.js';
import { limitPerFamily, shardTasks, type TaskRef } from '../runner/task-selection.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { finalStates, jobActive, sbatch, shellQuote, waitForJob } from './slurm.js';

export interface SlurmExecutorOptions {
  /** Shards per run stage = array tasks (default 4). */
  arraySize: number;
  /** Extra sbatch arguments (partition, time limit, account, …). */
  sbatchArgs: string[];
  /** How often to ask squeue, in milliseconds (default 10 s). */
  pollMs?: number;
  /** The command that starts alr in a job (default: this Node and this CLI, on the shared file system). */
  alrCommand?: string[];
}

/** One condition of a run stage, ready to be played by `alr run`. */
export interface SlurmCondition {
  name: string;
  config: BenchmarkConfig;
  tasksDir: string;
  limit?: number;
  /** run.json facts that `alr run` cannot know (task-set label, policy style). */
  taskSetLabel: string;
  policyStyle?: PolicyStyle;
}

export interface SlurmStageResult {
  /** Episodes still without a result file after the array ended (0 = stage done). */
  missing: number;
  interrupted: boolean;
  jobIds: string[];
}

const defaultAlrCommand = () => [process.execPath, fileURLToPath(new URL('../cli/main.js', import.meta.url))];

function selection(c: SlurmCondition): TaskRef[] {
  return familiesOf(c.config).flatMap((family) =>
    limitPerFamily(existsSync(c.tasksDir) ? listFamilyTasks(c.tasksDir, family) : [], c.limit),
  );
}

/** Shard numbers (1-based) of `count` that still miss a result file in some condition; and how many. */
export function missingShards(
  conditions: SlurmCondition[],
  count: number,
): { shards: number[]; episodes: number } {
  const shards = new Set<number>();
  let episodes = 0;
  for (const c of conditions) {
    const layout = runLayout(c.config.output_dir, c.config.run_name);
    const tasks = selection(c);
    for (let index = 1; index <= count; index++)
      for (const task of shardTasks(tasks, { index, count }))
        for (const agent of c.config.agents)
          if (!existsSync(resultPath(layout, agent.name, task.family, task.taskId))) {
            shards.add(index);
            episodes += 1;
          }
  }
  return { shards: [...shards].sort((a, b) => a - b), episodes };
}

/** `0-3` for a full range, else `0,2,5` (Slurm array indices are the 0-based shard numbers). */
export function arraySpec(shards: number[]): string {
  const indices = shards.map((s) => s - 1);
  const contiguous = indices.every((v, i) => v === indices[0] + i);
  return contiguous && indices.length > 1
    ? `${indices[0]}-${indices[indices.length - 1]}`
    : indices.join(',');
}

export function stageScript(
  stage: string,
  slurmDir: string,
  conditions: SlurmCondition[],
  o: SlurmExecutorOptions,
): string {
  const alr = (o.alrCommand ?? defaultAlrCommand()).map(shellQuote).join(' ');
  const lines = [
    '#!/bin/bash',
    `# alr experiment --executor slurm: stage '${stage}', ${conditions.length} condition(s) in ${o.arraySize} shard(s).`,
    '# Array task k plays shard k+1 of every condition; finished episodes are skipped, so a task may rerun.',
    'set -u',
    `shard="$((SLURM_ARRAY_TASK_ID + 1))/${o.arraySize}"`,
    'status=0',
  ];
  for (const c of conditions) {
    const args = [
      'run',
      '--config',
      join(slurmDir, `${c.name}.yaml`),
      '--tasks',
      c.tasksDir,
      '--no-progress',
      ...(c.limit !== undefined ? ['--limit', String(c.limit)] : []),
    ];
    lines.push(`echo "condition ${c.name}, shard $shard"`);
    lines.push(`${alr} ${args.map(shellQuote).join(' ')} --shard "$shard" || status=$?`);
  }
  lines.push('exit $status', '');
  return lines.join('\n');
}

/** Writes every condition's files, submits what is missing, waits, and summarizes. */
export async function runStageOnSlurm(
  stage: string,
  stageDir: string,
  conditions: SlurmCondition[],
  o: SlurmExecutorOptions,
  say: (line: string) => void,
  stop?: AbortSignal,
): Promise<SlurmStageResult> {
  const slurmDir = resolve(stageDir, 'slurm');
  const jobsFile = join(slurmDir, 'jobs.json');
  const pollMs = o.pollMs ?? 10_000;
  const jobs = readSlurmJobs(jobsFile);
  const jobIds: string[] = [];
  for (const c of conditions)
    writeFileAtomic(join(slurmDir, `${c.name}.yaml`), benchmarkConfigYaml(c.config));
  const script = join(slurmDir, 'stage.sbatch');
  writeFileAtomic(script, stageScript(stage, slurmDir, conditions, o));

  // A job from an earlier invocation that is still queued or running is waited for, not duplicated.
  const previous = jobs.at(-1);
  let active = previous && jobActive(previous.job) ? previous.job : undefined;
  if (active)
    say(`stage '${stage}': job ${active} from an earlier invocation is still in Slurm; waiting for it`);
  if (!active) {
    const { shards, episodes } = missingShards(conditions, o.arraySize);
    if (shards.length > 0) {
      const array = arraySpec(shards);
      // Slurm does not create the folder of --output; a job whose log cannot be opened fails at once.
      mkdirSync(join(slurmDir, 'logs'), { recursive: true });
      active = sbatch(
        [
          `--job-name=alr-${stage}`,
          `--array=${array}`,
          `--output=${join(slurmDir, 'logs', '%A_%a.out')}`,
          ...o.sbatchArgs,
        ],
        script,
      );
      jobs.push({ job: active, array, submitted_at: new Date().toISOString() });
      writeSlurmJobs(jobsFile, jobs);
      say(
        `stage '${stage}': ${episodes} episode(s) to play; submitted job array ${active} (tasks ${array}, script ${script})`,
      );
    }
  }
  if (active) {
    jobIds.push(active);
    if (!(await waitForJob(active, pollMs, stop))) {
      say(
        `stage '${stage}': stopped waiting; job ${active} goes on in Slurm (scancel ${active} to cancel it)`,
      );
      return { missing: missingShards(conditions, o.arraySize).episodes, interrupted: true, jobIds };
    }
    const states = finalStates(active);
    if (states) {
      const failed = [...states].filter(([, s]) => s !== 'COMPLETED');
      if (failed.length > 0)
        say(
          `stage '${stage}': array tasks not completed: ${failed.map(([id, s]) => `${id} ${s}`).join(', ')}`,
        );
    }
  }
  for (const c of conditions) {
    // Killed tasks leave no summary, and `alr run` cannot know the task-set label: both are written here.
    summarizeRun(c.config);
    const agents = c.config.agents.map((a) => resolveAgent(c.config, a));
    writeFileAtomic(
      runJsonPath(runLayout(c.config.output_dir, c.config.run_name)),
      `${JSON.stringify(
        runMetadata({
          config: c.config,
          tasksDir: c.tasksDir,
          agents,
          taskSet: c.taskSetLabel,
          ...(c.policyStyle && { policyStyles: { [c.name]: c.policyStyle } }),
        }),
        null,
        2,
      )}\n`,
    );
  }
  const { episodes } = missingShards(conditions, o.arraySize);
  if (episodes > 0)
    say(
      `stage '${stage}': ${episodes} episode(s) still missing after job ${active} (logs: ${join(slurmDir, 'logs')}); run the same command to submit only their shards again`,
    );
  return { missing: episodes, interrupted: false, jobIds };
}
