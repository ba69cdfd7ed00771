// `alr export`: traces → fine-tuning JSONL, or Table 1 statistics of a training set (--stats).
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { normalizeRuntime } from '../runtime/spec.js';
import { InputError } from '../util/errors.js';

interface ExportFlags {
  out?: string;
  format: string;
  compat?: string;
  maxSeqLength?: string;
  maxTokens?: string;
  status?: string;
  solved?: boolean;
  minScore?: string;
  runtime?: string;
  family?: string;
  dedup: boolean;
  valFraction?: string;
  seed?: string;
  transient: string;
  reasoning?: string;
  stats?: boolean;
  json?: boolean;
  matchTokens?: boolean;
}

function parseNumber(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new InputError(`${flag} expects ${integer ? 'an integer' : 'a number'}, got '${value}'`);
  }
  return n;
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new InputError(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** A folder that holds no trace at all is a wrong path, not an empty export. */
async function requireTraceFolders(inputs: readonly string[]): Promise<void> {
  const { findTraceFiles } = await import('../training/trace-files.js');
  for (const input of inputs) {
    if (statSync(input, { throwIfNoEntry: false })?.isFile()) continue;
    if (findTraceFiles(input).length === 0)
      throw new InputError('no *.trace.json in this folder (not a run folder)', input);
  }
}

export function register(program: Command): void {
  program
    .command('export')
    .description(
      'export run traces as fine-tuning JSONL (default: what the model saw), or print training-set statistics',
    )
    .argument(
      '<inputs...>',
      'run folders (searched recursively for *.trace.json); with --stats also one JSONL file',
    )
    .option('--out <file>', 'output JSONL (writes <file>.provenance.jsonl beside it)')
    .option('--format <format>', 'messages | sharegpt', 'messages')
    .option('--compat <mode>', "'reference': reproduce the reference conversion line for line")
    .option('--max-seq-length <n>', 'reference mode: characters are cut at int(n × 3.5) (default 16384)')
    .option('--max-tokens <n>', 'default mode: Qwen3 chat-template tokens per example (default 16384)')
    .option('--status <status>', 'keep episodes with this result status (e.g. completed)')
    .option('--solved', 'keep solved episodes only')
    .option('--min-score <x>', 'keep episodes with score ≥ x')
    .option(
      '--runtime <spec>',
      'keep episodes of this runtime spec (persistent, stateless, persistent:ttl=2, …)',
    )
    .option('--family <family>', 'keep episodes of this task family')
    .option('--no-dedup', 'keep examples whose message sequence repeats an earlier one')
    .option('--val-fraction <f>', 'fraction of tasks (hashed task id) written to <file>.val.jsonl', '0')
    .option('--seed <n>', 'seed of the task-id hash split', '3407')
    .option(
      '--transient <policy>',
      'globals messages of earlier turns: keep (before the reply they preceded) | drop',
      'keep',
    )
    .option(
      '--reasoning <policy>',
      "reasoning models' thinking: drop (answers only) | keep (<think>…</think> before each answer, as Qwen3 renders it)",
    )
    .option(
      '--match-tokens',
      'two run folders: write both exports into the --out folder, the larger subsampled by task so that their Qwen3 token totals differ by less than the longest example',
    )
    .option('--stats', 'print Table 1 statistics of the inputs instead of exporting')
    .option('--json', 'with --stats: print JSON')
    .action(async (inputs: string[], flags: ExportFlags) => {
      await requireTraceFolders(inputs);
      if (flags.stats) {
        const { trainingSetStats, formatStatsTable } = await import('../training/training-stats.js');
        const stats = trainingSetStats(inputs);
        process.stdout.write(flags.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStatsTable(stats));
        return;
      }
      if (!flags.out) throw new InputError('--out <file> is required (or use --stats)');
      const { exportTraining } = await import('../training/export.js');
      const compatFlag = oneOf('--compat', flags.compat, ['reference', 'default'] as const);
      // What both export paths take from the flags.
      const common = {
        format: oneOf('--format', flags.format, ['messages', 'sharegpt'] as const),
        maxTokens: parseNumber('--max-tokens', flags.maxTokens, true),
        filters: {
          status: flags.status,
          solved: flags.solved,
          minScore: parseNumber('--min-score', flags.minScore, false),
          runtime: flags.runtime === undefined ? undefined : normalizeRuntime(flags.runtime, '--runtime'),
          family: flags.family,
        },
        dedup: flags.dedup,
        seed: parseNumber('--seed', flags.seed, true),
        transient: oneOf('--transient', flags.transient, ['keep', 'drop'] as const),
        reasoning: oneOf('--reasoning', flags.reasoning, ['drop', 'keep'] as const),
      };
      if (flags.matchTokens) {
        const { exportTokenMatched, formatTokenMatch } = await import('../training/token-match.js');
        if (inputs.length !== 2) throw new InputError('--match-tokens needs exactly two run folders');
        const { report } = exportTokenMatched({
          ...common,
          runDirs: [inputs[0] as string, inputs[1] as string],
          outDir: flags.out,
          ...(compatFlag !== undefined && { compat: compatFlag }),
          valFraction: parseNumber('--val-fraction', flags.valFraction, false),
        });
        process.stdout.write(formatTokenMatch(report));
        return;
      }
      const compat = compatFlag ?? 'default';
      if (compat === 'reference' && flags.maxTokens !== undefined)
        throw new InputError(
          '--max-tokens applies to the default export; use --max-seq-length with --compat reference',
        );
      if (compat !== 'reference' && flags.maxSeqLength !== undefined)
        throw new InputError('--max-seq-length applies to --compat reference; use --max-tokens');
      const outcome = exportTraining({
        ...common,
        runDirs: inputs,
        out: flags.out,
        compat,
        maxSeqLength: parseNumber('--max-seq-length', flags.maxSeqLength, true),
        valFraction: compat === 'reference' ? 0 : parseNumber('--val-fraction', flags.valFraction, false),
      });
      for (const s of outcome.skipped) process.stderr.write(`skipped ${s.path}: ${s.reason}\n`);
      // Traces that were all unreadable are a failed export, like a run of nothing but errors.
      const unreadable = outcome.skipped[0];
      if (outcome.train + outcome.validation + outcome.filtered === 0 && unreadable)
        throw new InputError(`${unreadable.reason}; no trace could be exported`, unreadable.path);
      const parts = [`${outcome.train} training examples`];
      if (outcome.validation) parts.push(`${outcome.validation} validation`);
      if (outcome.filtered) parts.push(`${outcome.filtered} filtered out`);
      if (outcome.duplicates) parts.push(`${outcome.duplicates} duplicates dropped`);
      if (outcome.truncated) parts.push(`${outcome.truncated} truncated at a turn boundary`);
      if (outcome.skipped.length) parts.push(`${outcome.skipped.length} skipped`);
      process.stdout.write(`${parts.join(', ')}\nwrote ${outcome.files.join(', ')}\n`);
    });
}
