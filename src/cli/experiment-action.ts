/** The `alr experiment` command: load a plan (or the demo), run it with Ctrl-C handling, say what happened. */
import { readFileSync } from 'node:fs';
import { DEMO_PLAN_YAML, demoPlan } from '../experiment/demo-plan.js';
import type { ExperimentOptions } from '../experiment/experiment-options.js';
import { type LoadedPlan, loadPlan } from '../experiment/plan.js';
import { runExperiment } from '../experiment/run-experiment.js';
import { SEMANTICS_PLAN_YAML, semanticsPlan } from '../experiment/semantics-plan.js';
import type { ExecutorFactory } from '../runner/episode.js';
import { handleInterrupts } from '../runner/interrupt.js';
import { AlrError, InputError, locatedError } from '../util/errors.js';
import { resumeCommand } from './resume-command.js';

export type CliExperimentInput = Pick<
  ExperimentOptions,
  'out' | 'concurrency' | 'limit' | 'backend' | 'executor' | 'slurm' | 'progress'
> & {
  planFile?: string;
  /** A built-in plan by name (`demo`, `semantics`) instead of a file. */
  builtIn?: string;
  printPlan: boolean;
  executorFactory?: ExecutorFactory;
};

const BUILT_IN_PLANS = {
  demo: { yaml: DEMO_PLAN_YAML, plan: demoPlan },
  semantics: { yaml: SEMANTICS_PLAN_YAML, plan: semanticsPlan },
} as const;

function builtInPlan(name = 'demo') {
  if (!Object.hasOwn(BUILT_IN_PLANS, name))
    throw new InputError(
      `--plan: unknown built-in plan '${name}' (${Object.keys(BUILT_IN_PLANS).join(', ')}); give a plan file as the argument`,
    );
  return { name, ...BUILT_IN_PLANS[name as keyof typeof BUILT_IN_PLANS] };
}

export async function experimentFromCli(input: CliExperimentInput): Promise<number> {
  const builtIn = builtInPlan(input.builtIn);
  if (input.printPlan) {
    process.stdout.write(input.planFile ? readFileSync(input.planFile, 'utf8') : builtIn.yaml);
    return 0;
  }
  const loaded: LoadedPlan = input.planFile
    ? loadPlan(input.planFile)
    : { plan: builtIn.plan(), baseDir: process.cwd(), file: `<built-in ${builtIn.name} plan>` };
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (!input.planFile && builtIn.name === 'semantics')
    say(
      'Built-in semantics plan: scripted policies (deterministic programs, not models) on 100 Easy knapsack tasks across six runtimes.',
    );
  else if (!input.planFile)
    say(
      'Built-in demo plan: scripted policies (deterministic programs, not models) on 100 Easy knapsack tasks.',
    );
  const interrupts = handleInterrupts(say, `Resume with the same command: ${resumeCommand()}`);
  const executorFactory =
    input.executorFactory ?? (await import('../runner/agent-executor.js')).agentExecutorFactory;
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
    if (outcome.state === 'failed' && outcome.failure) {
      say(
        `Stopped before the end; episodes in flight were not recorded. Resume with the same command once the endpoint answers: ${resumeCommand()}`,
      );
      throw outcome.failure;
    }
    if (outcome.state === 'waiting') return 0;
    if (outcome.state === 'incomplete') {
      say(`Work is missing (see above). Submit it again with the same command: ${resumeCommand()}`);
      return 1;
    }
    say(`Experiment finished: ${outcome.out}`);
    return 0;
  } catch (err) {
    // A model setting found wrong while playing (unknown policy, no endpoint) comes from the plan.
    if (AlrError.is(err) && err.where === undefined && err.field?.startsWith('llm.'))
      throw locatedError(err, loaded.file, err.field);
    throw err;
  } finally {
    interrupts.dispose();
  }
}
