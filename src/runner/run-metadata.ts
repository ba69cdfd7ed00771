/**
 * `run.json`: what a run was (task set, agents, their model, runtime and policy style), so that the
 * report can label conditions (train style × runtime) without guessing from names.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { readRunJson } from '../formats/run-json.js';
import type { PolicyStyle } from '../models/scripted/style.js';
import type { RuntimeName } from '../runtime/spec.js';
import { packageVersion } from '../util/version.js';
import { type BenchmarkConfig, type ResolvedAgent, requestExtraBody } from './config.js';
import { runJsonPath, runLayout } from './layout.js';

export type ModelKind = 'http' | 'scripted' | 'replay';

/** The kind of model a name selects (the same rule `createModel` applies). */
export function modelKindOf(name: string): ModelKind {
  if (name.startsWith('scripted-')) return 'scripted';
  if (name.startsWith('replay:')) return 'replay';
  return 'http';
}

/** Scripted policies carry their style in their name; other models get it from an experiment plan. */
export function policyStyleOf(modelName: string): PolicyStyle | undefined {
  if (modelName === 'scripted-persistent') return 'persistent';
  if (modelName === 'scripted-stateless') return 'stateless';
  return undefined;
}

export interface RunMetadataInput {
  config: BenchmarkConfig;
  tasksDir: string;
  agents: ResolvedAgent[];
  /** Defaults to the task folder's name. */
  taskSet?: string;
  /** Policy style per agent name, for models whose name does not tell it (e.g. a fine-tuned adapter). */
  policyStyles?: Record<string, PolicyStyle>;
}

export interface RunMetadata {
  schema: 'alr.run.v1';
  run_name: string;
  tasks_dir: string;
  task_set: string;
  agents: Array<{
    name: string;
    model: { name: string; kind: ModelKind };
    runtime: RuntimeName;
    backend: 'pyodide' | 'cpython';
    max_turns: number;
    max_tool_calls: number | null;
    policy_style?: PolicyStyle;
    /** Request options of HTTP models, when set: the extra body sent (thinking switch included). */
    request?: { extra_body?: Record<string, unknown>; thinking?: 'on' | 'off' };
    max_context_tokens?: number;
  }>;
  created_at: string;
  alr_version: string;
}

export function runMetadata(input: RunMetadataInput): RunMetadata {
  const { config } = input;
  const path = runJsonPath(runLayout(config.output_dir, config.run_name));
  // A resumed run keeps the time it was first created.
  let createdAt = new Date().toISOString();
  if (existsSync(path)) {
    try {
      createdAt = readRunJson(path).created_at ?? createdAt;
    } catch {
      // An unreadable run.json is simply replaced.
    }
  }
  return {
    schema: 'alr.run.v1',
    run_name: config.run_name,
    tasks_dir: input.tasksDir,
    task_set: input.taskSet ?? basename(resolve(input.tasksDir)),
    agents: input.agents.map((agent) => {
      const modelName = agent.config.llm.model;
      const style = input.policyStyles?.[agent.name] ?? policyStyleOf(modelName);
      const llm = agent.config.llm;
      const extraBody = requestExtraBody(llm);
      const request =
        extraBody !== undefined || llm.thinking !== undefined
          ? {
              ...(extraBody !== undefined && { extra_body: extraBody }),
              ...(llm.thinking !== undefined && { thinking: llm.thinking }),
            }
          : undefined;
      return {
        name: agent.name,
        model: { name: modelName, kind: modelKindOf(modelName) },
        runtime: agent.runtime,
        backend: agent.backend,
        max_turns: agent.config.max_turns,
        max_tool_calls: agent.config.max_tool_calls,
        ...(style && { policy_style: style }),
        ...(request && { request }),
        ...(agent.maxContextTokens !== undefined && { max_context_tokens: agent.maxContextTokens }),
      };
    }),
    created_at: createdAt,
    alr_version: packageVersion(),
  };
}
