import type { Command } from 'commander';
import { normalizeRuntime } from '../runtime/spec.js';
import { InputError } from '../util/errors.js';

interface RunFlags {
  config: string;
  tasks: string;
  out?: string;
  model?: string;
  runtime?: string;
  concurrency?: string;
  limit?: string;
  shard?: string;
  shardCount?: string;
  summarizeOnly: boolean;
  backend?: string;
  baseUrl?: string;
  prompts?: string;
  compat?: string;
  progress: boolean;
  retryErrors: boolean;
  relabel?: boolean;
}

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new InputError(`${flag} expects a positive integer, got '${text}'`);
  return Number(text);
}

function oneOf<T extends string>(
  text: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text))
    throw new InputError(`${flag} expects one of ${allowed.join(', ')}, got '${text}'`);
  return text as T;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run a benchmark (the reference BenchmarkConfig YAML) over a task folder; resumable')
    .requiredOption('--config <file>', 'benchmark config (YAML)')
    .option('--tasks <dir>', 'task folder (holding tasks/<family>/*.json); required unless --summarize-only')
    .option('--out <dir>', 'output folder (overrides output_dir)')
    .option(
      '--model <name>',
      'model for every agent: scripted-persistent, scripted-stateless, replay:<dir>, or a served model name',
    )
    .option(
      '--runtime <spec>',
      'runtime spec for every agent: persistent, stateless, persistent:ttl=3, stateless+summary, … (docs/runtimes.md)',
    )
    .option('--concurrency <n>', 'episodes run at once (overrides max_concurrent_runs)')
    .option('--limit <n>', 'first N tasks of each family (the reference --max-examples)')
    .option(
      '--shard <i/n|auto>',
      'play only shard i of n (shards may share one output folder); auto: from a Slurm job array or a Kubernetes indexed Job',
    )
    .option(
      '--shard-count <n>',
      'number of shards for --shard auto in a Kubernetes indexed Job (or ALR_SHARD_COUNT)',
    )
    .option('--summarize-only', 'play nothing: rewrite the summaries from the result files present', false)
    .option('--backend <name>', 'interpreter backend: pyodide or cpython')
    .option(
      '--base-url <url[,url…]>',
      'OpenAI-compatible endpoint for served models; several replicas of the model separated by commas',
    )
    .option('--prompts <file>', 'prompt pack (JSON/YAML) replacing the built-in prompts')
    .option('--compat <mode>', "'reference' reproduces the reference's behavior where ours differs")
    .option('--retry-errors', 'play again the episodes recorded with status "error"', false)
    .option(
      '--relabel',
      'let another model, runtime or backend play an existing run folder (recorded in run.json)',
    )
    .option('--no-progress', 'no progress line on stderr')
    .action(async (flags: RunFlags) => {
      const { runFromCli } = await import('./run-action.js');
      if (flags.tasks === undefined && !flags.summarizeOnly)
        throw new InputError("required option '--tasks <dir>' not specified");
      const code = await runFromCli({
        configFile: flags.config,
        tasksDir: flags.tasks ?? '',
        overrides: {
          outputDir: flags.out,
          model: flags.model,
          runtime: flags.runtime === undefined ? undefined : normalizeRuntime(flags.runtime, '--runtime'),
          concurrency: positiveInt(flags.concurrency, '--concurrency'),
          backend: oneOf(flags.backend, ['pyodide', 'cpython'] as const, '--backend'),
          baseUrl: flags.baseUrl?.includes(',')
            ? flags.baseUrl.split(',').map((u) => u.trim())
            : flags.baseUrl,
          prompts: flags.prompts,
          compat: oneOf(flags.compat, ['default', 'reference'] as const, '--compat'),
        },
        limit: positiveInt(flags.limit, '--limit'),
        shard: flags.shard,
        shardCount: positiveInt(flags.shardCount, '--shard-count'),
        summarizeOnly: flags.summarizeOnly,
        progress: flags.progress,
        retryErrors: flags.retryErrors,
        relabel: flags.relabel,
      });
      process.exitCode = code;
    });
}
