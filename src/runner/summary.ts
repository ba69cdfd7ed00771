/**
 * The run-level files of one agent × family, computed as the reference computes them:
 * `summary_<agent>-<family>.json` (read back from every result and trace file in the family folder,
 * so a resumed, limited, sharded or merged run summarizes everything present) and
 * `task_status_<agent>-<family>.json` (a counter of the statuses of this invocation, in order of
 * first appearance).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PyFloat, pyFloat, pyJsonDumps, pyJsonParse } from '../python/json.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { familyDir, type RunLayout, summaryPath } from './layout.js';

export interface MetricSummary {
  mean: PyFloat;
  median: PyFloat;
  min: PyFloat;
  max: PyFloat;
}

/** Field order is the reference's (a dataclass in alphabetical order). */
export interface RunSummary {
  average_is_solved: PyFloat;
  average_runtime: PyFloat;
  average_steps: PyFloat;
  average_total_tokens: PyFloat;
  metrics: Record<string, MetricSummary>;
  num_tasks_executed: number;
  num_tasks_solved: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Python `isinstance(v, (int, float))` for a value read by pyJsonParse (bools count as ints there). */
function pythonNumber(v: unknown): number | undefined {
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** Python `isinstance(v, int)` (a float such as `12.0` does not count). */
function pythonInt(v: unknown): number | undefined {
  if (v instanceof PyFloat) return undefined;
  return pythonNumber(v);
}

/** `statistics.median` */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Python 3.12's `sum()` of floats (compensated, Neumaier): the reference targets 3.12, whose sums can
 * differ in the last bit from a plain left-to-right addition.
 */
export function pySum(values: number[]): number {
  let total = 0;
  let compensation = 0;
  for (const x of values) {
    const t = total + x;
    if (Math.abs(total) >= Math.abs(x)) compensation += total - t + x;
    else compensation += x - t + total;
    total = t;
  }
  return compensation !== 0 && Number.isFinite(compensation) ? total + compensation : total;
}

/**
 * The reference's summary mean, kept apart from stats' `mean` for byte-compatible summary files:
 * Python's `sum(x) / len(x)` (its compensated sum), and 0, not null, for an empty list.
 */
const referenceSummaryMean = (values: number[]) => (values.length ? pySum(values) / values.length : 0);

function readJson(path: string): unknown {
  return pyJsonParse(readFileSync(path, 'utf8'));
}

/** The result files of a family folder (not traces, not temporaries), in name order. */
export function resultFilesOf(layout: RunLayout, agent: string, family: string): string[] {
  const dir = familyDir(layout, agent, family);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json') && !name.endsWith('.trace.json') && !name.startsWith('.'))
    .sort()
    .map((name) => join(dir, name));
}

export function computeSummary(layout: RunLayout, agent: string, family: string): RunSummary {
  return summarizeFiles(resultFilesOf(layout, agent, family));
}

function summarizeFiles(resultFiles: string[]): RunSummary {
  let executed = 0;
  let solved = 0;
  const runtimes: number[] = [];
  const steps: number[] = [];
  const totalTokens: number[] = [];
  const metricValues = new Map<string, number[]>();

  for (const resultFile of resultFiles) {
    if (!existsSync(resultFile)) continue;
    executed += 1;
    const payload = readJson(resultFile) as Json;
    const result = isObject(payload.result) ? payload.result : {};
    if (result.is_solved === true) solved += 1;
    const metrics: Json = isObject(result.metrics) ? { ...result.metrics } : {};
    // The top-level score takes precedence over a `score` inside the metrics.
    if (pythonNumber(result.score) !== undefined) metrics.score = result.score;
    for (const [key, value] of Object.entries(metrics)) {
      if (typeof value === 'boolean') continue;
      const x = pythonNumber(value);
      if (x === undefined) continue;
      const list = metricValues.get(key) ?? [];
      list.push(x);
      metricValues.set(key, list);
    }
    runtimes.push((pythonNumber(payload.finished_at) ?? 0) - (pythonNumber(payload.started_at) ?? 0));

    const traceFile = resultFile.replace(/\.json$/, '.trace.json');
    if (existsSync(traceFile)) {
      const trace = readJson(traceFile) as Json;
      const summary = isObject(trace.summary) ? trace.summary : {};
      const usage = isObject(summary.token_usage) ? summary.token_usage : {};
      const tokens = pythonInt(usage.total_tokens);
      if (tokens !== undefined) totalTokens.push(tokens);
      const numSteps = pythonInt(summary.num_steps);
      if (numSteps !== undefined) steps.push(numSteps);
    }
  }

  const metrics: Record<string, MetricSummary> = {};
  for (const [key, values] of metricValues) {
    metrics[key] = {
      mean: pyFloat(referenceSummaryMean(values)),
      median: pyFloat(median(values)),
      min: pyFloat(Math.min(...values)),
      max: pyFloat(Math.max(...values)),
    };
  }
  return {
    average_is_solved: pyFloat(executed ? solved / executed : 0),
    average_runtime: pyFloat(referenceSummaryMean(runtimes)),
    average_steps: pyFloat(referenceSummaryMean(steps)),
    average_total_tokens: pyFloat(referenceSummaryMean(totalTokens)),
    metrics,
    num_tasks_executed: executed,
    num_tasks_solved: solved,
  };
}

export type EpisodeStatus = 'completed' | 'timeout' | 'error' | 'skipped';

/** `Counter(statuses)`: counts keyed in order of first appearance. */
export function countStatuses(statuses: EpisodeStatus[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

/** Serialization of the reference's run-level JSON files: indent 2, non-ASCII kept, no final newline. */
export function runFileJson(value: unknown): string {
  return pyJsonDumps(value, { indent: 2, ensureAscii: false });
}

/** Name, size and modification time of each result file: changes when a file is added or rewritten. */
function fingerprint(files: string[]): string {
  return files
    .map((file) => {
      try {
        const st = statSync(file);
        return `${file}:${st.size}:${st.mtimeMs}`;
      } catch {
        return `${file}:gone`;
      }
    })
    .join('\n');
}

/**
 * Computes and writes `summary_<agent>-<family>.json` from the files present. Several processes (the
 * shards of one run) may do this at once: each checks after writing that no result file appeared or
 * changed while it computed, and recomputes if one did. So the last summary written covers every
 * episode written before it, whoever finishes last.
 */
export function writeSummary(layout: RunLayout, agent: string, family: string): RunSummary {
  for (let round = 0; ; round++) {
    const files = resultFilesOf(layout, agent, family);
    const before = fingerprint(files);
    const summary = summarizeFiles(files);
    writeFileAtomic(summaryPath(layout, agent, family), runFileJson(summary));
    const now = resultFilesOf(layout, agent, family);
    // Bounded: a shard that keeps writing episodes writes its own summary after its last one.
    if (fingerprint(now) === before || round >= 50) return summary;
  }
}
