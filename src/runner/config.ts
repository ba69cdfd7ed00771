/**
 * The benchmark configuration as the runner uses it: the format (src/formats/benchmark-config.ts),
 * command-line overrides, and each agent's settings resolved.
 */

import {
  type AgentConfig,
  type BenchmarkConfig,
  FAMILY_NAMES,
  type FamilyName,
  type GlobalsMessageMode,
} from '../formats/benchmark-config.js';
import { type RuntimeName, runtimeBase } from '../runtime/spec.js';

export {
  type AgentConfig,
  agentConfigSchema,
  type BenchmarkConfig,
  benchmarkConfigSchema,
  FAMILY_NAMES,
  type FamilyName,
  GLOBALS_MESSAGE_MODES,
  type GlobalsMessageMode,
  type LlmConfig,
  llmConfigSchema,
  parseBenchmarkConfig,
  readBenchmarkConfig as loadBenchmarkConfig,
} from '../formats/benchmark-config.js';

/** The extra request body of an LLM config: `extra_body` with the `thinking` switch merged in. */
export function requestExtraBody(llm: {
  extra_body?: Record<string, unknown>;
  thinking?: 'on' | 'off';
}): Record<string, unknown> | undefined {
  if (llm.thinking === undefined) return llm.extra_body;
  const kwargs = llm.extra_body?.chat_template_kwargs;
  return {
    ...llm.extra_body,
    chat_template_kwargs: {
      ...(kwargs !== null && typeof kwargs === 'object' ? kwargs : {}),
      enable_thinking: llm.thinking === 'on',
    },
  };
}

/** Command-line overrides; each applies to every agent. */
export interface ConfigOverrides {
  outputDir?: string;
  model?: string;
  /** A runtime spec (already checked). */
  runtime?: RuntimeName;
  concurrency?: number;
  backend?: 'pyodide' | 'cpython';
  /** One endpoint, or several replicas of the model. */
  baseUrl?: string | string[];
  prompts?: string;
  compat?: 'default' | 'reference';
}

export function applyOverrides(config: BenchmarkConfig, o: ConfigOverrides): BenchmarkConfig {
  return {
    ...config,
    ...(o.outputDir !== undefined && { output_dir: o.outputDir }),
    ...(o.concurrency !== undefined && { max_concurrent_runs: o.concurrency }),
    agents: config.agents.map((agent) => ({
      ...agent,
      llm: {
        ...agent.llm,
        ...(o.model !== undefined && { model: o.model }),
        ...(o.baseUrl !== undefined && { base_url: o.baseUrl }),
      },
      ...(o.runtime !== undefined && {
        runtime: o.runtime,
        persistent_state: runtimeBase(o.runtime) === 'persistent',
      }),
      ...(o.backend !== undefined && { backend: o.backend }),
      ...(o.prompts !== undefined && { prompts: o.prompts }),
      ...(o.compat !== undefined && { compat: o.compat }),
    })),
  };
}

/** An agent with our optional keys resolved (agent value, else config value, else default). */
export interface ResolvedAgent {
  config: AgentConfig;
  name: string;
  /** The runtime spec's canonical text ('persistent' and 'stateless' for the plain bases). */
  runtime: RuntimeName;
  backend: 'pyodide' | 'cpython';
  compat: 'default' | 'reference';
  globalsMessage: GlobalsMessageMode;
  prompts?: string;
  tokenBudget?: number;
  maxContextTokens?: number;
}

export function resolveAgent(config: BenchmarkConfig, agent: AgentConfig): ResolvedAgent {
  const compat = agent.compat ?? config.compat ?? 'default';
  return {
    config: agent,
    name: agent.name,
    runtime: agent.runtime ?? (agent.persistent_state ? 'persistent' : 'stateless'),
    backend: agent.backend ?? config.backend ?? 'pyodide',
    compat,
    globalsMessage: agent.globals_message ?? config.globals_message ?? 'persistent',
    prompts: agent.prompts ?? config.prompts,
    tokenBudget: agent.token_budget ?? config.token_budget,
    maxContextTokens: agent.max_context_tokens ?? config.max_context_tokens,
  };
}

/** The families a run visits, in the reference's order when the config names none. */
export function familiesOf(config: BenchmarkConfig): FamilyName[] {
  return (config.task_families ?? [...FAMILY_NAMES]) as FamilyName[];
}
