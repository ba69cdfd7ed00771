// The benchmark config: the reference's `BenchmarkConfig` YAML, accepted unchanged with its defaults
// and validators, plus a few optional keys of our own (backend, compat, prompts, …). A reference
// format: no version tag. Written back into each run folder as `config.yaml` the way the reference
// writes it (`yaml.dump(BenchmarkConfig.model_dump(mode="json"))`): every field with its default,
// float fields as floats, paths normalized as Python's `pathlib` does; our optional keys follow
// only where they are set.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { pyFloat } from '../python/json.js';
import { pyYamlDump } from '../python/pyyaml-dump.js';
import { normalizeRuntime, parseRuntimeSpec, runtimeBase } from '../runtime/spec.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { InputError } from '../util/errors.js';
import { z } from '../util/zod.js';
import { parseWith } from './json-file.js';

export const FAMILY_NAMES = ['knapsack', 'navigation', 'rule_diagnosis'] as const;
export type FamilyName = (typeof FAMILY_NAMES)[number];

const nonNegative = z.number().min(0);

/** The reference's `LLMConfig` (every field optional with the reference's default). */
export const llmConfigSchema = z
  .object({
    model: z.string().min(1).default('gpt-4o-mini'),
    temperature: z.number().nullable().default(null),
    max_tokens: z.number().int().positive().nullable().default(null),
    timeout_s: z.number().min(1).default(60),
    max_concurrent_requests: z.number().int().min(1).default(8),
    max_retries: z.number().int().min(0).default(6),
    backoff_base_s: nonNegative.default(0.5),
    backoff_max_s: nonNegative.default(30),
    jitter_s: nonNegative.default(0.2),
    cache_enabled: z.boolean().default(true),
    /**
     * Ours: the OpenAI-compatible endpoint for HTTP models (else the environment's settings), or a
     * list of replicas of the model (requests go to the least busy healthy one).
     */
    base_url: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Ours: fields merged into every request body, e.g. `chat_template_kwargs: {enable_thinking: true}`. */
    extra_body: z.record(z.string(), z.unknown()).optional(),
    /**
     * Ours: Qwen3's thinking switch, sent as `chat_template_kwargs.enable_thinking`. YAML 1.1 reads a
     * bare `on`/`off` as a boolean, so both spellings are accepted.
     */
    thinking: z
      .union([z.enum(['on', 'off']), z.boolean()])
      .transform((v) => (v === true || v === 'on' ? 'on' : 'off') as 'on' | 'off')
      .optional(),
  })
  .refine((llm) => llm.backoff_max_s >= llm.backoff_base_s, {
    message: 'backoff_max_s must be >= backoff_base_s',
    path: ['backoff_max_s'],
  })
  .refine(
    (llm) => {
      const kwargs = llm.extra_body?.chat_template_kwargs as { enable_thinking?: unknown } | undefined;
      return (
        llm.thinking === undefined ||
        kwargs?.enable_thinking === undefined ||
        kwargs.enable_thinking === (llm.thinking === 'on')
      );
    },
    {
      message: 'thinking contradicts extra_body.chat_template_kwargs.enable_thinking; set only one of them',
      path: ['thinking'],
    },
  );

export const GLOBALS_MESSAGE_MODES = ['always', 'persistent', 'never'] as const;
export type GlobalsMessageMode = (typeof GLOBALS_MESSAGE_MODES)[number];

/** Keys of ours that may be set on the whole config (default for every agent) or on one agent. */
const ourAgentKeys = {
  /** Which interpreter backend runs the agent's code. */
  backend: z.enum(['pyodide', 'cpython']).optional(),
  /** When the transient "Python interpreter globals" message is sent (reference: persistent runs only). */
  globals_message: z.enum(GLOBALS_MESSAGE_MODES).optional(),
  /** `reference` reproduces the reference's behavior where ours differs (e.g. no output cap). */
  compat: z.enum(['default', 'reference']).optional(),
  /** A prompt pack file (JSON/YAML) replacing the built-in prompts. */
  prompts: z.string().min(1).optional(),
  /** Stop an episode once its total tokens exceed this many. */
  token_budget: z.number().int().positive().optional(),
  /** End an episode (context_exceeded) before a request whose Qwen3-counted prompt + max_tokens exceeds this. */
  max_context_tokens: z.number().int().positive().optional(),
};

export const agentConfigSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[^/\\]+$/, 'must not contain path separators')
      .refine((name) => name !== '.' && name !== '..', 'must be a plain name'),
    agent_type: z
      .enum(['codeact', 'react'])
      .default('codeact')
      .refine((t) => t === 'codeact', {
        message:
          "agent_type 'react' is not supported: the reference's ReAct agent is missing from its repository, so its behavior cannot be reproduced; use 'codeact'",
      }),
    llm: llmConfigSchema,
    max_turns: z.number().int().min(1).default(12),
    timeout_s: z.number().min(1).default(300),
    persistent_state: z.boolean().default(true),
    max_tool_calls: z.number().int().min(1).nullable().default(null),
    ...ourAgentKeys,
    /** Ours: a runtime spec (docs/runtimes.md); when given it wins over persistent_state. */
    runtime: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        if (value === undefined) return;
        try {
          parseRuntimeSpec(value);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
  })
  .transform((agent) =>
    // The base of a runtime spec decides persistent_state, so that both keys always agree.
    agent.runtime === undefined
      ? agent
      : {
          ...agent,
          runtime: normalizeRuntime(agent.runtime),
          persistent_state: runtimeBase(agent.runtime) === 'persistent',
        },
  );

export const benchmarkConfigSchema = z
  .object({
    output_dir: z.string().min(1),
    run_name: z.string().min(1).default('codeact'),
    /** Accepted and recorded, never used (as in the reference). */
    seed_start: z.number().int().default(0),
    max_concurrent_runs: z.number().int().min(1).default(4),
    cache_db_path: z.string().min(1),
    agents: z.array(agentConfigSchema),
    task_families: z
      .array(z.string())
      .nullable()
      .default(null)
      .superRefine((families, ctx) => {
        if (families === null) return;
        if (families.length === 0) {
          ctx.addIssue({ code: 'custom', message: 'task_families must contain at least one family.' });
          return;
        }
        const invalid = [
          ...new Set(families.filter((f) => !(FAMILY_NAMES as readonly string[]).includes(f))),
        ];
        if (invalid.length > 0)
          ctx.addIssue({
            code: 'custom',
            message: `task_families must be one of: ${[...FAMILY_NAMES].sort().join(', ')}. Invalid: ${invalid.sort().join(', ')}`,
          });
      }),
    ...ourAgentKeys,
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.agents.forEach((agent, index) => {
      if (seen.has(agent.name))
        ctx.addIssue({
          code: 'custom',
          message: `duplicate agent name '${agent.name}' (agents write into results/<name>/, so names must be unique)`,
          path: ['agents', index, 'name'],
        });
      seen.add(agent.name);
    });
  });

export type LlmConfig = z.infer<typeof llmConfigSchema>;
export type AgentConfig = z.infer<typeof agentConfigSchema>;
export type BenchmarkConfig = z.infer<typeof benchmarkConfigSchema>;

/** Parses YAML as PyYAML does (YAML 1.1: `yes`/`no` are booleans) and validates the benchmark config. */
export function parseBenchmarkConfig(text: string, file: string): BenchmarkConfig {
  let payload: unknown;
  try {
    payload = YAML.parse(text, { version: '1.1' });
  } catch (err) {
    throw new InputError(`not valid YAML: ${(err as Error).message}`, file);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    throw new InputError('Benchmark config must be a YAML mapping.', file);
  return parseWith(benchmarkConfigSchema, payload, file);
}

export function readBenchmarkConfig(file: string): BenchmarkConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read config: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, file);
  }
  return parseBenchmarkConfig(text, file);
}

/** `str(pathlib.PurePosixPath(p))`: collapses `//` and `.` segments and drops a trailing slash. */
export function pyPathString(p: string): string {
  const absolute = p.startsWith('/');
  const parts = p.split('/').filter((part) => part !== '' && part !== '.');
  const joined = parts.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

const floatOrNull = (x: number | null) => (x === null ? null : pyFloat(x));

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

function agentSnapshot(agent: AgentConfig): Record<string, unknown> {
  const { llm } = agent;
  return withoutUndefined({
    name: agent.name,
    agent_type: agent.agent_type,
    llm: withoutUndefined({
      model: llm.model,
      temperature: floatOrNull(llm.temperature),
      max_tokens: llm.max_tokens,
      timeout_s: pyFloat(llm.timeout_s),
      max_concurrent_requests: llm.max_concurrent_requests,
      max_retries: llm.max_retries,
      backoff_base_s: pyFloat(llm.backoff_base_s),
      backoff_max_s: pyFloat(llm.backoff_max_s),
      jitter_s: pyFloat(llm.jitter_s),
      cache_enabled: llm.cache_enabled,
      base_url: llm.base_url,
      extra_body: llm.extra_body,
      thinking: llm.thinking,
    }),
    max_turns: agent.max_turns,
    timeout_s: pyFloat(agent.timeout_s),
    persistent_state: agent.persistent_state,
    runtime: agent.runtime,
    max_tool_calls: agent.max_tool_calls,
    backend: agent.backend,
    globals_message: agent.globals_message,
    compat: agent.compat,
    prompts: agent.prompts,
    token_budget: agent.token_budget,
    max_context_tokens: agent.max_context_tokens,
  });
}

export function configSnapshot(config: BenchmarkConfig): Record<string, unknown> {
  return withoutUndefined({
    output_dir: pyPathString(config.output_dir),
    run_name: config.run_name,
    seed_start: config.seed_start,
    max_concurrent_runs: config.max_concurrent_runs,
    cache_db_path: pyPathString(config.cache_db_path),
    agents: config.agents.map(agentSnapshot),
    task_families: config.task_families,
    backend: config.backend,
    globals_message: config.globals_message,
    compat: config.compat,
    prompts: config.prompts,
    token_budget: config.token_budget,
    max_context_tokens: config.max_context_tokens,
  });
}

/** The text of a run's `config.yaml`. */
export function benchmarkConfigYaml(config: BenchmarkConfig): string {
  return pyYamlDump(configSnapshot(config));
}

/** Writes `config.yaml` as the reference does (it reads back to the same config). */
export function writeBenchmarkConfig(file: string, config: BenchmarkConfig): void {
  writeFileAtomic(file, benchmarkConfigYaml(config));
}
