// One episode of a run as the exporter, the statistics and replay see it: the trace, its result
// file, and what can be said about it (task, runtime, agent, model) from the files that exist.

import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type ResultFile, readResultFile } from '../formats/result.js';
import { type RunJsonAgent, readRunJson } from '../formats/run-json.js';
import { readTraceFile, type TraceAlrBlock, type TraceFile } from '../formats/trace.js';
import { isRuntimeName, normalizeRuntime, type RuntimeName } from '../runtime/spec.js';
import { AlrError } from '../util/errors.js';
import { isRecord } from '../util/is-record.js';
import { findTraceFiles, relativeToRoot, resultPathFor, TRACE_SUFFIX } from './trace-files.js';

/** A runtime spec's canonical text (docs/runtimes.md): 'persistent', 'stateless', 'persistent:ttl=3', … */
export type Runtime = RuntimeName;

/** One agent of `run.json`. */
export type RunAgentInfo = RunJsonAgent;

export interface Episode {
  runDir: string;
  tracePath: string;
  /** The trace path relative to the run folder, with forward slashes. */
  source: string;
  trace: TraceFile;
  result: ResultFile | null;
  taskId: string;
  family: string | null;
  seed: number | null;
  runtime: Runtime | null;
  agent: string | null;
  model: { name: string; kind: string } | null;
  policyStyle: Runtime | null;
  status: string | null;
  isSolved: boolean | null;
  score: number | null;
}

export interface SkippedTrace {
  path: string;
  reason: string;
}

/** The agents listed in `<run>/run.json` (our run metadata), by name. */
export function readRunAgents(runDir: string): Map<string, RunAgentInfo> {
  const agents = new Map<string, RunAgentInfo>();
  const path = join(runDir, 'run.json');
  if (!existsSync(path)) return agents;
  try {
    for (const agent of readRunJson(path).agents) agents.set(agent.name, agent);
  } catch (err) {
    // run.json is optional metadata: a broken one only costs labels, but one written by a newer
    // alr is refused rather than half understood.
    if (AlrError.is(err) && err.field === 'schema') throw err;
  }
  return agents;
}

/** persistent/stateless from the runtime note among the system prompts (reference traces). */
export function runtimeFromSystemPrompts(prompts: readonly unknown[]): Runtime | null {
  for (const p of prompts) {
    if (typeof p !== 'string') continue;
    if (p.startsWith('Runtime state: PERMANENT.')) return 'persistent';
    if (p.startsWith('Runtime state: Python variables DO NOT persist')) return 'stateless';
  }
  return null;
}

function systemPromptsOf(trace: TraceFile): unknown[] {
  if (Array.isArray(trace.summary?.system_prompts)) return trace.summary.system_prompts;
  const ev = (trace.events ?? []).find((e) => isRecord(e) && e.type === 'SystemPromptEvent');
  const prompts = ev && isRecord(ev.data) ? ev.data.prompts : undefined;
  return Array.isArray(prompts) ? prompts : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function asRuntime(value: unknown): Runtime | null {
  return isRuntimeName(value) ? normalizeRuntime(value) : null;
}

/** Task id from a reference file name `<family>-<task_id>.trace.json` (doubled prefix). */
function taskIdFromName(path: string, family: string | null): string {
  const stem = basename(path).slice(0, -TRACE_SUFFIX.length);
  if (family && stem.startsWith(`${family}-${family}-`)) return stem.slice(family.length + 1);
  return stem;
}

/** Folder layout `results/<agent>/<family>/file`: the agent and family names, if it matches. */
function layoutNames(source: string): { agent: string | null; family: string | null } {
  const parts = source.split('/');
  const i = parts.lastIndexOf('results');
  if (i >= 0 && parts.length - i === 4) return { agent: parts[i + 1] ?? null, family: parts[i + 2] ?? null };
  return { agent: null, family: parts.length >= 2 ? (parts[parts.length - 2] ?? null) : null };
}

export function loadEpisode(runDir: string, tracePath: string, agents: Map<string, RunAgentInfo>): Episode {
  const t = readTraceFile(tracePath);
  const resultPath = resultPathFor(tracePath);
  let result: ResultFile | null = null;
  if (existsSync(resultPath)) {
    try {
      result = readResultFile(resultPath);
    } catch {
      // A missing or broken result file leaves the episode without status and score.
      result = null;
    }
  }
  const source = relativeToRoot(runDir, tracePath);
  const layout = layoutNames(source);
  const alr: TraceAlrBlock = t.alr ?? {};
  const ralr = result?.alr ?? {};
  const agent = str(alr.agent) ?? str(ralr.agent) ?? layout.agent;
  const agentInfo = agent ? agents.get(agent) : undefined;
  const family = str(alr.family) ?? str(ralr.family) ?? layout.family;
  const modelName = str(alr.model?.name) ?? str(ralr.model?.name) ?? str(agentInfo?.model?.name);
  const modelKind = str(alr.model?.kind) ?? str(ralr.model?.kind) ?? str(agentInfo?.model?.kind) ?? 'unknown';
  const score = result?.result?.score;
  return {
    runDir,
    tracePath,
    source,
    trace: t,
    result,
    taskId: str(alr.task_id) ?? str(ralr.task_id) ?? taskIdFromName(tracePath, family),
    family,
    seed: typeof alr.seed === 'number' ? alr.seed : null,
    runtime:
      asRuntime(alr.runtime) ??
      asRuntime(ralr.runtime) ??
      asRuntime(agentInfo?.runtime) ??
      runtimeFromSystemPrompts(systemPromptsOf(t)),
    agent,
    model: modelName ? { name: modelName, kind: modelKind } : null,
    policyStyle: asRuntime(agentInfo?.policy_style),
    status: typeof result?.status === 'string' ? result.status : null,
    isSolved: typeof result?.result?.is_solved === 'boolean' ? result.result.is_solved : null,
    score: typeof score === 'number' ? score : null,
  };
}

/**
 * Every episode under the given run folders, one at a time (sorted trace order per folder), so
 * that large runs are never held in memory at once. Unreadable traces are passed to `onSkip`.
 */
export function* iterateEpisodes(
  runDirs: readonly string[],
  onSkip?: (skipped: SkippedTrace) => void,
): Generator<Episode> {
  for (const runDir of runDirs) {
    const agents = readRunAgents(runDir);
    for (const path of findTraceFiles(runDir)) {
      let episode: Episode;
      try {
        episode = loadEpisode(runDir, path, agents);
      } catch (err) {
        onSkip?.({ path, reason: `unreadable trace (${(err as Error).message.split('\n')[0]})` });
        continue;
      }
      yield episode;
    }
  }
}

/** Every episode under the given run folders, loaded at once; unreadable traces are reported. */
export function loadEpisodes(runDirs: readonly string[]): { episodes: Episode[]; skipped: SkippedTrace[] } {
  const skipped: SkippedTrace[] = [];
  const episodes = [...iterateEpisodes(runDirs, (s) => skipped.push(s))];
  return { episodes, skipped };
}
