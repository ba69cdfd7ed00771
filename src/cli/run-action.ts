/** The `alr run` command: config + overrides → runBenchmark with progress, Ctrl-C handling and a closing summary. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readResultFile } from '../formats/result.js';
import { numberValue } from '../python/json.js';
import { applyOverrides, type ConfigOverrides, familiesOf, loadBenchmarkConfig } from '../runner/config.js';
import type { ExecutorFactory } from '../runner/episode.js';
import { handleInterrupts } from '../runner/interrupt.js';
import { familyDir } from '../runner/layout.js';
import { listFamilyTasks } from '../runner/list-tasks.js';
import { ProgressReporter } from '../runner/progress.js';
import { type RunOutcome, runBenchmark, summarizeRun } from '../runner/run-benchmark.js';
import { shardFromEnvironment } from '../runner/shard-from-env.js';
import { parseShard, type Shard } from '../runner/task-selection.js';
import { AlrError, InputError, locatedError } from '../util/errors.js';
import { resumeCommand } from './resume-command.js';

export interface CliRunInput {
  configFile: string;
  tasksDir: string;
  overrides: ConfigOverrides;
  limit?: number;
  /** `i/n`, or `auto` (from the cluster engine's environment). */
  shard?: string;
  /** The number of shards for `--shard auto` under Kubernetes (also ALR_SHARD_COUNT). */
  shardCount?: number;
  /** Only rewrite the summaries from the result files present. */
  summarizeOnly?: boolean;
  progress: boolean;
  retryErrors: boolean;
  /** Allow another model, runtime or backend to play an existing run folder (recorded). */
  relabel?: boolean;
  /** For tests; default: the CodeAct agent with the configured model and sandbox. */
  executorFactory?: ExecutorFactory;
}

export async function defaultExecutorFactory(): Promise<ExecutorFactory> {
  return (await import('../runner/agent-executor.js')).agentExecutorFactory;
}

export function printOutcome(outcome: RunOutcome, write: (line: string) => void): void {
  for (const group of outcome.groups) {
    const s = group.summary;
    const score = s.metrics.score ? numberValue(s.metrics.score.mean).toFixed(4) : 'n/a';
    const statuses = Object.entries(group.statuses)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    write(
      `${group.agent} ${group.family}: solved ${s.num_tasks_solved}/${s.num_tasks_executed}, mean score ${score}, ` +
        `steps ${numberValue(s.average_steps).toFixed(2)}, tokens ${Math.round(numberValue(s.average_total_tokens))} (${statuses || 'nothing to do'})`,
    );
  }
  write(`outputs: ${outcome.layout.runDir}`);
}

export async function runFromCli(input: CliRunInput): Promise<number> {
  const config = applyOverrides(loadBenchmarkConfig(input.configFile), input.overrides);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (input.summarizeOnly) {
    printOutcome(summarizeRun(config), (line) => process.stdout.write(`${line}\n`));
    return 0;
  }
  // A folder with no task file of the config's families is a wrong --tasks, not an empty run.
  const families = familiesOf(config);
  if (families.every((family) => listFamilyTasks(input.tasksDir, family).length === 0))
    throw new InputError(
      `no task files of the families ${families.join(', ')} (expected tasks/<family>/*.json)`,
      input.tasksDir,
    );
  const shard = selectShard(input);
  if (shard && input.shard === 'auto') say(`shard ${shard.index}/${shard.count} (from the environment)`);
  const progress = new ProgressReporter(input.progress ? process.stderr : null);
  const interrupts = handleInterrupts(
    (m) => (input.progress ? progress.note(m) : say(m)),
    `Resume with the same command: ${resumeCommand()}`,
  );
  const executorFactory = input.executorFactory ?? (await defaultExecutorFactory());
  progress.start();
  let outcome: RunOutcome;
  try {
    outcome = await runBenchmark({
      config,
      tasksDir: input.tasksDir,
      listTasks: listFamilyTasks,
      executorFactory,
      limit: input.limit,
      shard,
      retryErrors: input.retryErrors,
      relabel: input.relabel,
      progress,
      stop: interrupts.stop,
    });
  } catch (err) {
    throw placedInConfig(err, input);
  } finally {
    progress.stop();
    interrupts.dispose();
  }
  if (outcome.selected === 0) say(`no task of ${input.tasksDir} falls in this shard`);
  printOutcome(outcome, (line) => process.stdout.write(`${line}\n`));
  if (outcome.errors > 0)
    say(
      `${outcome.errors} episode(s) ended with status "error" (see the "error" field of their result files).`,
    );
  // A model endpoint that is down stopped the run: one `alr:` line says why (exit status 1).
  if (outcome.failure) {
    say(
      `Stopped before the end; episodes in flight were not recorded. Resume with the same command once the endpoint answers: ${resumeCommand()}`,
    );
    throw outcome.failure;
  }
  if (outcome.interrupted) {
    say(`Stopped before the end. Resume with the same command: ${resumeCommand()}`);
    return 130;
  }
  // Nothing but errors (an endpoint that is down, a task folder of broken files) is a failed run.
  if (outcome.errors > 0 && outcome.errors === playedCount(outcome)) {
    const first = firstRecordedError(outcome);
    // The first error leads, so that a bad task file reads `alr: <file>: <field>: <message>`.
    say(
      first
        ? `alr: ${first.split('\n')[0]} (every episode played ended with an error)`
        : 'alr: every episode played ended with an error',
    );
    return 1;
  }
  return 0;
}

/**
 * A model or endpoint setting found wrong while playing (an unknown policy name, no endpoint) names
 * where it was written: the flag that overrode it, else the config file.
 */
function placedInConfig(err: unknown, input: CliRunInput): unknown {
  if (!AlrError.is(err) || err.where !== undefined || !err.field?.startsWith('llm.')) return err;
  if (err.field === 'llm.model' && input.overrides.model !== undefined)
    return locatedError(err, '--model', undefined);
  if (err.field === 'llm.base_url' && input.overrides.baseUrl !== undefined)
    return locatedError(err, '--base-url', undefined);
  return locatedError(err, input.configFile, err.field);
}

/** Episodes this invocation played (the skipped ones were finished before). */
function playedCount(outcome: RunOutcome): number {
  let played = 0;
  for (const group of outcome.groups)
    for (const [status, count] of Object.entries(group.statuses)) if (status !== 'skipped') played += count;
  return played;
}

/** The error message of the first episode recorded with status "error", for the closing line. */
function firstRecordedError(outcome: RunOutcome): string | undefined {
  for (const group of outcome.groups) {
    const dir = familyDir(outcome.layout, group.agent, group.family);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.json') || name.endsWith('.trace.json')) continue;
      try {
        const result = readResultFile(join(dir, name));
        if (result.status === 'error' && result.error) return result.error;
      } catch {
        // A damaged result file says nothing useful here; the report will name it.
      }
    }
  }
  return undefined;
}

function selectShard(input: CliRunInput): Shard | undefined {
  if (input.shard === undefined) {
    if (input.shardCount !== undefined) throw new InputError('--shard-count goes with --shard auto');
    return undefined;
  }
  if (input.shard.trim() === 'auto') return shardFromEnvironment(process.env, input.shardCount);
  if (input.shardCount !== undefined) throw new InputError('--shard-count goes with --shard auto');
  return parseShard(input.shard);
}
