// Table 1 style statistics of a training set (the columns of the reference's get_trace_stats.py),
// from run folders or from a JSONL file (one trace per line, or exported chat examples).
import { readFileSync, statSync } from 'node:fs';
import { parseWith } from '../formats/json-file.js';
import { resultFileSchema } from '../formats/result.js';
import { parseTrace, stepEvents, type TraceFile } from '../formats/trace.js';
import { parseExampleLine } from '../formats/training-example.js';
import { mean } from '../stats/mean.js';
import { InputError } from '../util/errors.js';
import { isRecord } from '../util/is-record.js';
import type { Episode } from './episodes.js';
import { iterateEpisodes } from './episodes.js';
import { exampleTokens } from './token-truncation.js';

/** The reference's textual tool-call count: occurrences of a knapsack tool call in the code. */
const TOOL_CALL_PATTERN = /\b(inspect|take_item|list_items|finish)\s*\(/g;

export interface EpisodeStats {
  solved: boolean | null;
  score: number | null;
  capacityUtilization: number | null;
  inspected: number | null;
  steps: number;
  toolCallsText: number;
  /** Tool calls that reached the harness (our traces' tool log); null for reference traces. */
  toolCallsExecuted: number | null;
  tokens: number | null;
}

export interface TrainingSetStats {
  source: 'runs' | 'trace-jsonl' | 'chat-jsonl';
  episodes: number;
  /** Percent of episodes with a result that were solved. */
  successRate: number | null;
  meanOptimality: number | null;
  /** Mean weight_used / capacity × 100 (knapsack). */
  capacityUtilization: number | null;
  itemsInspected: number | null;
  steps: number | null;
  toolCalls: number | null;
  toolCallsExecuted: number | null;
  /** Mean total tokens per episode (reported usage; for chat JSONL the Qwen3-rendered length). */
  tokens: number | null;
  withResults: number;
  withTokenUsage: number;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function traceCounts(
  trace: TraceFile,
): Pick<EpisodeStats, 'steps' | 'toolCallsText' | 'toolCallsExecuted' | 'tokens'> {
  const steps = stepEvents(trace);
  const recorded = num(trace.summary?.num_steps);
  let toolCallsText = 0;
  let executed: number | null = null;
  for (const s of steps) {
    if (typeof s.code === 'string') toolCallsText += [...s.code.matchAll(TOOL_CALL_PATTERN)].length;
    if (Array.isArray(s.tool_calls)) executed = (executed ?? 0) + s.tool_calls.length;
  }
  return {
    steps: recorded && recorded > 0 ? recorded : steps.length,
    toolCallsText,
    toolCallsExecuted: executed,
    tokens: num(trace.summary?.token_usage?.total_tokens),
  };
}

export function episodeStats(ep: Pick<Episode, 'trace' | 'result'>): EpisodeStats {
  const metrics = isRecord(ep.result?.result?.metrics) ? ep.result.result.metrics : {};
  const capacity = num(metrics.capacity);
  const used = num(metrics.weight_used);
  const hasResult = !!ep.result?.result;
  return {
    solved: typeof ep.result?.result?.is_solved === 'boolean' ? ep.result.result.is_solved : null,
    score: num(ep.result?.result?.score),
    capacityUtilization: hasResult ? (capacity && used !== null ? (used / capacity) * 100 : 0) : null,
    inspected: hasResult ? (num(metrics.inspected_count) ?? 0) : null,
    ...traceCounts(ep.trace),
  };
}

export function aggregate(
  source: TrainingSetStats['source'],
  rows: readonly EpisodeStats[],
): TrainingSetStats {
  const solved = rows.filter((r) => r.solved !== null);
  return {
    source,
    episodes: rows.length,
    successRate: solved.length ? (solved.filter((r) => r.solved).length / solved.length) * 100 : null,
    meanOptimality: mean(rows.map((r) => r.score)),
    capacityUtilization: mean(rows.map((r) => r.capacityUtilization)),
    itemsInspected: mean(rows.map((r) => r.inspected)),
    steps: mean(rows.map((r) => r.steps)),
    toolCalls: mean(rows.map((r) => r.toolCallsText)),
    toolCallsExecuted: mean(rows.map((r) => r.toolCallsExecuted)),
    tokens: mean(rows.map((r) => r.tokens)),
    withResults: solved.length,
    withTokenUsage: rows.filter((r) => r.tokens !== null).length,
  };
}

const CODE_BLOCK = /```(?:[a-zA-Z0-9_+-]+)?\n([\s\S]*?)```/g;

/** Statistics of a JSONL file: trace objects per line (with `events`), or exported chat examples. */
function statsFromJsonl(path: string): TrainingSetStats {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const rows: EpisodeStats[] = [];
  let kind: TrainingSetStats['source'] | null = null;
  lines.forEach((line, i) => {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new InputError(`line ${i + 1} is not JSON`, path);
    }
    if (isRecord(record) && Array.isArray(record.events)) {
      kind ??= 'trace-jsonl';
      // A released trace line may carry its result inline under "result" (as a result file would).
      const where = `line ${i + 1}`;
      const result =
        isRecord(record.result) && isRecord(record.result.result)
          ? parseWith(resultFileSchema, record.result, path, `${where}.result`)
          : null;
      rows.push(episodeStats({ trace: parseTrace(record, path, where), result }));
    } else if (isRecord(record) && (Array.isArray(record.messages) || Array.isArray(record.conversations))) {
      kind ??= 'chat-jsonl';
      const messages = parseExampleLine(line, path, i + 1);
      const assistant = messages.filter((m) => m.role === 'assistant');
      let toolCalls = 0;
      for (const m of assistant) {
        const blocks = [...m.content.matchAll(CODE_BLOCK)];
        if (blocks.length === 1) toolCalls += [...(blocks[0]?.[1] ?? '').matchAll(TOOL_CALL_PATTERN)].length;
      }
      rows.push({
        solved: null,
        score: null,
        capacityUtilization: null,
        inspected: null,
        steps: assistant.length,
        toolCallsText: toolCalls,
        toolCallsExecuted: null,
        tokens: exampleTokens(messages),
      });
    } else {
      throw new InputError(`line ${i + 1}: expected a trace object (with "events") or a chat example`, path);
    }
  });
  return aggregate(kind ?? 'trace-jsonl', rows);
}

/** Table 1 statistics of run folders, or of one JSONL file. */
export function trainingSetStats(inputs: readonly string[]): TrainingSetStats {
  if (inputs.length === 0) throw new InputError('no input given');
  const first = inputs[0] as string;
  if (inputs.length === 1 && statSync(first, { throwIfNoEntry: false })?.isFile())
    return statsFromJsonl(first);
  const rows: EpisodeStats[] = [];
  let unreadable: { path: string; reason: string } | undefined;
  for (const ep of iterateEpisodes(inputs, (skipped) => (unreadable ??= skipped)))
    rows.push(episodeStats(ep));
  // Statistics of no episode at all, when traces were there, would hide that none could be read.
  if (rows.length === 0 && unreadable) throw new InputError(unreadable.reason, unreadable.path);
  return aggregate('runs', rows);
}

function fmt(value: number | null, digits: number): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

/** A fixed-width table with the reference's column names and precisions. */
export function formatStatsTable(stats: TrainingSetStats): string {
  const rows: [string, string][] = [
    ['Episodes', String(stats.episodes)],
    ['Teacher Success Rate (%)', fmt(stats.successRate, 1)],
    ['Avg Teacher Optimality (0-1)', fmt(stats.meanOptimality, 4)],
    ['Avg Capacity Utilization (%)', fmt(stats.capacityUtilization, 1)],
    ['Avg Items Inspected', fmt(stats.itemsInspected, 1)],
    ['Avg Steps / Episode', fmt(stats.steps, 2)],
    ['Avg Tool Calls / Episode', fmt(stats.toolCalls, 2)],
    ['Avg Executed Tool Calls / Episode', fmt(stats.toolCallsExecuted, 2)],
    ['Avg Total Tokens / Episode', fmt(stats.tokens, 0)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}
