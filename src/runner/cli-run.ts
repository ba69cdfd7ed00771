/** The `alr run` command: config + overrides → runBenchmark with progress, Ctrl-C handling and a closing summary. */
import { numberValue } from '../python/json.js';
import { InputError } from '../util/errors.js';
import { applyOverrides, type ConfigOverrides, familiesOf, loadBenchmarkConfig } from './config.js';
import type { ExecutorFactory } from './episode.js';
import { handleInterrupts } from './interrupt.js';
import { listFamilyTasks } from './list-tasks.js';
import { ProgressReporter } from './progress.js';
import { type RunOutcome, runBenchmark, summarizeRun } from './run-benchmark.js';
import { shardFromEnvironment } from './shard-from-env.js';
import { parseShard, type Shard } from './task-selection.js';

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
  /** For tests; default: the CodeAct agent with the configured model and sandbox. */
  executorFactory?: ExecutorFactory;
}

/** The command line that resumes this invocation (the same one). */
export function resumeCommand(): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  return ['alr', ...process.argv.slice(2)].map(quote).join(' ');
}

export async function defaultExecutorFactory(): Promise<ExecutorFactory> {
  return (await import('./agent-executor.js')).agentExecutorFactory;
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
      progress,
      stop: interrupts.stop,
    });
  } finally {
    progress.stop();
    interrupts.dispose();
  }
  if (outcome.selected === 0)
    say(`no task files found in ${input.tasksDir} for the families ${familiesOf(config).join(', ')}`);
  printOutcome(outcome, (line) => process.stdout.write(`${line}\n`));
  if (outcome.errors > 0)
    say(
      `${outcome.errors} episode(s) ended with status "error" (see the "error" field of their result files).`,
    );
  if (outcome.interrupted) {
    say(`Stopped before the end. Resume with the same command: ${resumeCommand()}`);
    return 130;
  }
  return 0;
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
