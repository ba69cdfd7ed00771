// Per-episode metrics of one or more runs. Entry point: `computeMetrics(paths, options)`.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { CodeAnalysis } from '../sandbox/interpreter.js';
import { defaultAnalysisCache } from './analysis-cache.js';
import { analyzeAll, analyzeWithDefault } from './analyzer.js';
import { discoverEpisodes } from './discover.js';
import { episodeMetrics } from './episode-metrics.js';
import { labelGroup } from './labels.js';
import { stepsOfTrace } from './steps.js';
import type { CodeAnalyzer, Condition, Episode, StepView } from './types.js';

export { analysisCacheRoot, useAnalysisCacheByDefault } from './analysis-cache.js';
export { BASE_NAMES, behaviorMetrics } from './behavior.js';
export { longestErrorRun, taskIdOf } from './episode-metrics.js';
export { errorTypeFromText } from './error-type.js';
export { runtimeFromSystemPrompts } from './labels.js';
export { replayKnapsackOutcome } from './replay-score.js';
export { stepsOfTrace } from './steps.js';
export type * from './types.js';

export interface MetricsOptions {
  /** Folder of task files (for recomputing scores of trace-only episodes). */
  tasksDir?: string;
  /**
   * Parser for the behavioral metrics. Default: the sandbox's `analyzeCode`; `null` skips the
   * behavioral metrics (they are reported as unavailable).
   */
  analyzer?: CodeAnalyzer | null;
  /**
   * Folder of the persistent analysis cache used with the default analyzer (analysis-cache.ts);
   * null: none. Default: the one set by `useAnalysisCacheByDefault` (the CLI's), else none.
   */
  analysisCache?: string | null;
}

export interface MetricsResult {
  conditions: Condition[];
  /** Episodes of every condition, grouped by condition in `conditions` order, sorted by file name. */
  episodes: Episode[];
  /** False when no code analyzer was available (behavioral metrics are then null). */
  behavioralAvailable: boolean;
}

/** run.json's tasks_dir as written (absolute, or relative to where the run started), else beside the run. */
function resolveTasksDir(tasksDir: string, runDir: string): string | null {
  if (isAbsolute(tasksDir)) return tasksDir;
  for (const candidate of [
    tasksDir,
    join(runDir, tasksDir),
    join(runDir, '..', tasksDir),
    join(runDir, '..', '..', tasksDir),
  ])
    if (existsSync(candidate)) return candidate;
  return null;
}

/** Scores `alr replay` reached under the condition's own runtime, by trace file name. */
function replayedOutcomes(
  replays: Condition['replays'],
  runtime: string | null,
): Map<string, { score: number; solved: boolean | null }> {
  const out = new Map<string, { score: number; solved: boolean | null }>();
  for (const r of replays) {
    if (r.runtime !== runtime) continue;
    for (const e of r.data.episodes) {
      if (typeof e.replay_score !== 'number') continue;
      const name = e.source.split(/[/\\]/).pop() as string;
      out.set(name, {
        score: e.replay_score,
        solved: typeof e.replay_solved === 'boolean' ? e.replay_solved : null,
      });
    }
  }
  return out;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'condition'
  );
}

/** Reads every episode under `paths` and computes its metrics. */
export async function computeMetrics(
  paths: readonly string[],
  options: MetricsOptions = {},
): Promise<MetricsResult> {
  const groups = discoverEpisodes(paths);
  const prepared = groups.map((group) => ({
    group,
    labels: labelGroup(group),
    steps: group.episodes.map((ep) => (ep.trace && ep.tracePath ? stepsOfTrace(ep.trace, ep.tracePath) : [])),
  }));

  const blocks = prepared.flatMap((p) =>
    p.steps.flatMap((steps) => steps.flatMap((s) => (s.code !== null ? [s.code] : []))),
  );
  let analyses: Map<string, CodeAnalysis> | null = null;
  if (options.analyzer) analyses = await analyzeAll(options.analyzer, blocks);
  else if (options.analyzer === undefined && blocks.length > 0) {
    // The default parser runs Python in the sandbox; if it cannot start here, say so and go on
    // without the parser-based metrics rather than fail the whole report.
    try {
      const cacheRoot = options.analysisCache === undefined ? defaultAnalysisCache() : options.analysisCache;
      analyses = await analyzeWithDefault(blocks, cacheRoot);
    } catch (err) {
      process.stderr.write(
        `alr: behavioral metrics unavailable (the Python code analyzer failed: ${(err as Error).message})\n`,
      );
    }
  }

  const usedIds = new Set<string>();
  const conditions: Condition[] = [];
  const episodes: Episode[] = [];
  for (const { group, labels, steps } of prepared) {
    const label = `${labels.difficulty} · ${labels.train} → ${labels.runtime}`;
    let id = slug(`${labels.difficulty}-${labels.train}-${labels.runtime}`);
    if (usedIds.has(id)) id = slug(`${id}-${group.agent ?? ''}-${group.family ?? ''}`);
    for (let k = 2; usedIds.has(id); k++) id = `${id.replace(/-\d+$/, '')}-${k}`;
    usedIds.add(id);

    const runTasks =
      group.run?.tasks_dir && group.runDir ? resolveTasksDir(group.run.tasks_dir, group.runDir) : null;
    const tasksDir = options.tasksDir ?? runTasks ?? null;
    conditions.push({
      id,
      label,
      difficulty: labels.difficulty,
      train: labels.train,
      runtime: labels.runtime,
      source: group.source,
      agent: group.agent,
      family: group.family,
      model: labels.model,
      summary: group.summary,
      replays: group.replays,
    });
    group.episodes.forEach((raw, i) => {
      const st = steps[i] as StepView[];
      const stepAnalyses = analyses
        ? st.map((s) => (s.code !== null ? (analyses.get(s.code) ?? null) : null))
        : null;
      episodes.push({
        metrics: episodeMetrics(raw, st, stepAnalyses, {
          condition: id,
          family: group.family,
          runtime: labels.runtimeMode,
          tasksDir,
          replayed: replayedOutcomes(group.replays, labels.runtimeMode),
        }),
        steps: st,
        task: raw.trace?.summary.task ?? null,
        tracePath: raw.tracePath,
        resultPath: raw.resultPath,
      });
    });
  }
  // Several families in one report: each label names its family, or rows would read as duplicates.
  if (new Set(conditions.map((c) => c.family ?? '')).size > 1)
    for (const c of conditions) if (c.family) c.label = `${c.label} · ${c.family}`;
  return { conditions, episodes, behavioralAvailable: analyses !== null || blocks.length === 0 };
}
