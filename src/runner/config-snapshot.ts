/**
 * `config.yaml` of a run: what the reference writes (`yaml.dump(BenchmarkConfig.model_dump(mode="json"))`),
 * i.e. every field with its default filled in, float fields as floats, paths normalized as Python's
 * `pathlib` does; our optional keys follow only where they are set.
 */
import { pyFloat } from '../python/json.js';
import type { AgentConfig, BenchmarkConfig } from './config.js';
import { pyYamlDump } from './pyyaml-dump.js';

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

/** The text of `config.yaml`. */
export function configYaml(config: BenchmarkConfig): string {
  return pyYamlDump(configSnapshot(config));
}
