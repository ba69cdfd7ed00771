/** The `alr experiment` command: load a plan (or the demo), run it with Ctrl-C handling, say what happened. */
import { readFileSync } from 'node:fs';
import { resumeCommand } from '../cli-run.js';
import type { ExecutorFactory } from '../episode.js';
import { handleInterrupts } from '../interrupt.js';
import { DEMO_PLAN_YAML, demoPlan } from './demo-plan.js';
import { type LoadedPlan, loadPlan } from './plan.js';
import { runExperiment } from './run-experiment.js';
import type { SlurmExecutorOptions } from './slurm-executor.js';

export interface CliExperimentInput {
  planFile?: string;
  out?: string;
  concurrency?: number;
  limit?: number;
  backend?: 'pyodide' | 'cpython';
  executor?: 'local' | 'slurm';
  slurm?: SlurmExecutorOptions;
  progress: boolean;
  printPlan: boolean;
  executorFactory?: ExecutorFactory;
}

export async function experimentFromCli(input: CliExperimentInput): Promise<number> {
  if (input.printPlan) {
    process.stdout.write(input.planFile ? readFileSync(input.planFile, 'utf8') : DEMO_PLAN_YAML);
    return 0;
  }
  const loaded: LoadedPlan = input.planFile
    ? loadPlan(input.planFile)
    : { plan: demoPlan(), baseDir: process.cwd(), file: '<built-in demo plan>' };
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (!input.planFile)
    say(
      'Built-in demo plan: scripted policies (deterministic programs, not models) on 100 Easy knapsack tasks.',
    );
  const interrupts = handleInterrupts(say, `Resume with the same command: ${resumeCommand()}`);
  const executorFactory =
    input.executorFactory ?? (await import('../agent-executor.js')).agentExecutorFactory;
  try {
    const outcome = await runExperiment({
      loaded,
      out: input.out,
      executorFactory,
      concurrency: input.concurrency,
      limit: input.limit,
      backend: input.backend,
      executor: input.executor,
      slurm: input.slurm,
      progress: input.progress,
      stop: interrupts.stop,
      say,
      print: (line) => process.stdout.write(`${line}\n`),
    });
    if (outcome.state === 'interrupted') {
      say(`Stopped before the end. Resume with the same command: ${resumeCommand()}`);
      return 130;
    }
    if (outcome.state === 'waiting') return 0;
    if (outcome.state === 'incomplete') {
      say(`Work is missing (see above). Submit it again with the same command: ${resumeCommand()}`);
      return 1;
    }
    say(`Experiment finished: ${outcome.out}`);
    return 0;
  } finally {
    interrupts.dispose();
  }
}
