import type { Command } from 'commander';
import { InputError } from '../util/errors.js';

interface ExperimentFlags {
  out?: string;
  concurrency?: string;
  limit?: string;
  backend?: string;
  executor: string;
  arraySize?: string;
  sbatchArg: string[];
  pollS?: string;
  progress: boolean;
  printPlan: boolean;
  plan?: string;
}

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new InputError(`${flag} expects a positive integer, got '${text}'`);
  return Number(text);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  program
    .command('experiment')
    .description(
      'run a whole study from a plan (tasks → runs → export → external training → runs → report); with no plan, the built-in demo on scripted policies',
    )
    .argument('[plan]', 'experiment plan (YAML); default: the built-in demo plan')
    .option(
      '--plan <name>',
      'a built-in plan instead of a file: demo (default) or semantics (docs/runtimes.md)',
    )
    .option('--out <dir>', "output root (default: the plan's 'out', runs/demo for the demo)")
    .option('--concurrency <n>', 'episodes run at once in each condition')
    .option('--limit <n>', 'first N tasks of each family in every task set (quick trials)')
    .option('--backend <name>', 'interpreter backend: pyodide or cpython')
    .option(
      '--executor <name>',
      'where run stages play: local (this process) or slurm (one job array per stage)',
      'local',
    )
    .option('--array-size <n>', 'with --executor slurm: shards (array tasks) per run stage', '4')
    .option(
      '--sbatch-arg <arg>',
      'with --executor slurm: extra sbatch argument, e.g. --sbatch-arg=--partition=cpu (repeatable)',
      collect,
      [],
    )
    .option('--poll-s <n>', 'with --executor slurm: seconds between squeue checks', '10')
    .option('--print-plan', 'print the plan (the built-in demo plan when none is given) and exit', false)
    .option('--no-progress', 'no progress line on stderr')
    .action(async (planFile: string | undefined, flags: ExperimentFlags) => {
      const { experimentFromCli } = await import('./experiment-action.js');
      if (flags.backend !== undefined && flags.backend !== 'pyodide' && flags.backend !== 'cpython')
        throw new InputError(`--backend expects pyodide or cpython, got '${flags.backend}'`);
      if (flags.executor !== 'local' && flags.executor !== 'slurm')
        throw new InputError(`--executor expects local or slurm, got '${flags.executor}'`);
      if (flags.executor === 'local' && flags.sbatchArg.length > 0)
        throw new InputError('--sbatch-arg goes with --executor slurm');
      if (planFile !== undefined && flags.plan !== undefined)
        throw new InputError('give either a plan file or --plan <built-in name>, not both');
      process.exitCode = await experimentFromCli({
        executor: flags.executor,
        slurm: {
          arraySize: positiveInt(flags.arraySize, '--array-size') ?? 4,
          sbatchArgs: flags.sbatchArg,
          pollMs: (positiveInt(flags.pollS, '--poll-s') ?? 10) * 1000,
        },
        planFile,
        builtIn: flags.plan,
        out: flags.out,
        concurrency: positiveInt(flags.concurrency, '--concurrency'),
        limit: positiveInt(flags.limit, '--limit'),
        backend: flags.backend as 'pyodide' | 'cpython' | undefined,
        progress: flags.progress,
        printPlan: flags.printPlan,
      });
    });
}
