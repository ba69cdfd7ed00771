// vLLM serving of the base model and LoRA adapters under distinct names (fixes reference §11.18,
// where base and adapter shared one name), plus one benchmark config per evaluation condition.
import type { RuntimeMode } from '../runtime/spec.js';
import { InputError } from '../util/errors.js';
import { PAPER_HYPERPARAMETERS as HP } from './hyperparameters.js';

export interface AdapterSpec {
  /** Served name of the adapter (what benchmark configs request). */
  name: string;
  /** Adapter folder (the training output_dir). */
  path: string;
  /** The runtime its training traces came from, when known (labels the conditions). */
  trainedOn?: RuntimeMode;
}

export interface ServeOptions {
  baseModel?: string;
  /** Served name of the base model. Default 'qwen3-8b'. */
  baseName?: string;
  adapters: AdapterSpec[];
  host?: string;
  port?: number;
  maxModelLen?: number;
  gpuMemoryUtilization?: number;
  maxNumSeqs?: number;
}

export const DEFAULT_BASE_NAME = 'qwen3-8b';
export const THINKING_OFF = '{"enable_thinking": false}';

const SERVED_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Rejects names that would collide: every served name must be unique, the base's included. */
export function checkServedNames(baseName: string, adapters: readonly AdapterSpec[]): void {
  const seen = new Set<string>([baseName]);
  if (!SERVED_NAME.test(baseName))
    throw new InputError(`served name '${baseName}' must be letters, digits, '.', '_' or '-'`);
  for (const a of adapters) {
    if (!SERVED_NAME.test(a.name))
      throw new InputError(`adapter name '${a.name}' must be letters, digits, '.', '_' or '-'`);
    if (seen.has(a.name)) {
      throw new InputError(
        a.name === baseName
          ? `adapter name '${a.name}' equals the base model's served name: requests could reach the base model`
          : `adapter name '${a.name}' is used twice`,
      );
    }
    seen.add(a.name);
  }
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@,+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The `vllm serve` argument vector. */
export function vllmServeArgs(options: ServeOptions): string[] {
  const baseName = options.baseName ?? DEFAULT_BASE_NAME;
  checkServedNames(baseName, options.adapters);
  const args = [
    'vllm',
    'serve',
    options.baseModel ?? HP.baseModel,
    '--served-model-name',
    baseName,
    '--host',
    options.host ?? '127.0.0.1',
    '--port',
    String(options.port ?? 8000),
    '--dtype',
    'bfloat16',
    '--max-model-len',
    String(options.maxModelLen ?? 40960),
    '--gpu-memory-utilization',
    String(options.gpuMemoryUtilization ?? 0.9),
    '--max-num-seqs',
    String(options.maxNumSeqs ?? 4),
    '--default-chat-template-kwargs',
    THINKING_OFF,
  ];
  if (options.adapters.length > 0) {
    args.push(
      '--enable-lora',
      '--max-lora-rank',
      String(HP.loraR),
      '--max-loras',
      String(options.adapters.length),
    );
    args.push('--lora-modules', ...options.adapters.map((a) => `${a.name}=${a.path}`));
  }
  return args;
}

/** Splits an argument vector into the command and one group per flag with its values. */
function groupFlags(args: readonly string[]): string[][] {
  const groups: string[][] = [[]];
  for (const a of args) {
    if (a.startsWith('--')) groups.push([a]);
    else groups[groups.length - 1]?.push(a);
  }
  return groups;
}

export function vllmServeScript(options: ServeOptions): string {
  const args = vllmServeArgs(options);
  const names = [options.baseName ?? DEFAULT_BASE_NAME, ...options.adapters.map((a) => a.name)];
  const lines = [
    '#!/usr/bin/env bash',
    '# Serves the base model and every adapter from one vLLM process, each under its own name:',
    ...names.map((n) => `#   ${n}`),
    '# Thinking is off by default for every request (the agents were trained and evaluated without it).',
    'set -euo pipefail',
    `exec ${groupFlags(args)
      .map((g) => g.map(shellQuote).join(' '))
      .join(' \\\n  ')}`,
    '',
  ];
  return lines.join('\n');
}

export interface Condition {
  /** File stem and run name, e.g. 'persistent-lora__stateless'. */
  id: string;
  servedName: string;
  runtime: RuntimeMode;
  trainedOn: 'base' | RuntimeMode | 'unknown';
}

/** Every served model × both runtimes (the 2×2 cross-evaluation plus the base model). */
export function evaluationConditions(options: ServeOptions): Condition[] {
  const models: { name: string; trainedOn: Condition['trainedOn'] }[] = [
    { name: options.baseName ?? DEFAULT_BASE_NAME, trainedOn: 'base' },
    ...options.adapters.map((a) => ({ name: a.name, trainedOn: a.trainedOn ?? ('unknown' as const) })),
  ];
  const runtimes = ['persistent', 'stateless'] as const;
  return models.flatMap((m) =>
    runtimes.map((runtime) => ({
      id: `${m.name}__${runtime}`,
      servedName: m.name,
      runtime,
      trainedOn: m.trainedOn,
    })),
  );
}

export interface BenchmarkOptions {
  baseUrl: string;
  outputDir: string;
  maxTurns?: number;
  maxToolCalls?: number;
}

/** A benchmark config (the reference's schema plus our `base_url`) for one condition. */
export function benchmarkConfig(condition: Condition, options: BenchmarkOptions): Record<string, unknown> {
  return {
    output_dir: options.outputDir,
    run_name: condition.id,
    max_concurrent_runs: 4,
    cache_db_path: `${options.outputDir}/llm_cache_${condition.id}.sqlite`,
    task_families: ['knapsack'],
    agents: [
      {
        name: `${condition.servedName}-${condition.runtime}`,
        agent_type: 'codeact',
        llm: {
          model: `openai/${condition.servedName}`,
          base_url: options.baseUrl,
          temperature: 0.2,
          max_tokens: 12288,
          timeout_s: 300,
          max_concurrent_requests: 4,
          max_retries: 3,
          backoff_base_s: 1.0,
          backoff_max_s: 30.0,
          jitter_s: 0.5,
          cache_enabled: false,
        },
        max_turns: options.maxTurns ?? 40,
        timeout_s: 900,
        persistent_state: condition.runtime === 'persistent',
        max_tool_calls: options.maxToolCalls ?? 25,
      },
    ],
  };
}
