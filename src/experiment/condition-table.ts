/**
 * The terminal summary of an experiment's conditions: per condition, the mean score with its 95%
 * percentile-bootstrap interval, solved episodes, mean steps and tokens, and how many episodes met a
 * NameError (the paper's signature of persistent-style code in a stateless runtime).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceFile } from '../formats/trace.js';
import { computeMetrics } from '../metrics/index.js';
import { episodeCell } from '../report/condition-stats.js';

export interface ConditionRow {
  condition: string;
  runDir: string;
  episodes: number;
  scoreMean: number;
  scoreLo: number;
  scoreHi: number;
  solved: number;
  meanSteps: number;
  meanTokens: number;
  nameErrorEpisodes: number;
  /** Episodes that ended because the conversation no longer fit the model's context window. */
  contextExceeded: number;
  errors: number;
}

/** True when any step of the trace failed with a NameError (our `error_type` field of StepEvent data). */
export function hadNameError(trace: Pick<TraceFile, 'events'>): boolean {
  return trace.events.some(
    (event) =>
      event.type === 'StepEvent' &&
      typeof event.data === 'object' &&
      event.data !== null &&
      (event.data as { error_type?: unknown }).error_type === 'NameError',
  );
}

/**
 * Every episode of a run folder (all agents and families in it), read and aggregated by the same
 * code as `alr report`: the episode metrics of src/metrics and the main table's cell (an episode
 * without a score is left out of the mean, not counted as 0; the interval is the report's bootstrap).
 */
export async function conditionRow(condition: string, runDir: string): Promise<ConditionRow> {
  const episodes = existsSync(join(runDir, 'results'))
    ? (await computeMetrics([runDir], { analyzer: null })).episodes.map((e) => e.metrics)
    : [];
  // 'percent' keeps the scores as they are (fractions here): the table prints them × 100.
  const cell = episodeCell(episodes, 'percent');
  return {
    condition,
    runDir,
    episodes: episodes.length,
    scoreMean: cell.score_pct ?? Number.NaN,
    scoreLo: cell.score_ci?.lo ?? Number.NaN,
    scoreHi: cell.score_ci?.hi ?? Number.NaN,
    solved: cell.solved ?? 0,
    meanSteps: cell.steps ?? Number.NaN,
    meanTokens: cell.tokens ?? Number.NaN,
    nameErrorEpisodes: episodes.filter((e) => e.has_name_error).length,
    contextExceeded: episodes.filter((e) => e.stop_reason === 'context_exceeded').length,
    errors: episodes.filter((e) => e.status === 'error').length,
  };
}

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : '-');

/**
 * A fixed-width text table; scores in percent with the 95% interval in brackets. The column of
 * context-window stops appears only when some episode had one.
 */
export function formatConditionTable(rows: ConditionRow[]): string {
  const withContext = rows.some((r) => r.contextExceeded > 0);
  const header = [
    'condition',
    'n',
    'score % [95% CI]',
    'solved',
    'steps',
    'tokens',
    'NameError eps',
    ...(withContext ? ['ctx exceeded'] : []),
    'errors',
  ];
  const body = rows.map((r) => [
    r.condition,
    String(r.episodes),
    `${pct(r.scoreMean)} [${pct(r.scoreLo)}, ${pct(r.scoreHi)}]`,
    `${r.solved}/${r.episodes}`,
    Number.isFinite(r.meanSteps) ? r.meanSteps.toFixed(2) : '-',
    Number.isFinite(r.meanTokens) ? Math.round(r.meanTokens).toLocaleString('en-US') : '-',
    `${r.nameErrorEpisodes}/${r.episodes}`,
    ...(withContext ? [`${r.contextExceeded}/${r.episodes}`] : []),
    String(r.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
