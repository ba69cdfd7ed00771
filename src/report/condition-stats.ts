// Per-condition aggregates: the main table's cells (read like main_table.py reads a run summary)
// and the behavioral means.
import type { Condition, EpisodeMetrics } from '../metrics/index.js';
import { type BootstrapInterval, bootstrapMeanCI, exactMean, presentValues } from '../stats/index.js';

/** One row of the main table, values as main_table.py would hold them (score in percent). */
export interface MainCell {
  score_pct: number | null;
  /** 95% percentile bootstrap of the per-episode scores in percent, reference procedure. */
  score_ci: BootstrapInterval | null;
  solved: number | null;
  executed: number | null;
  steps: number | null;
  tokens: number | null;
  runtime: number | null;
  /** Where the aggregates came from: the runner's summary file, or the episodes themselves. */
  from: 'summary' | 'episodes';
}

/** main_table.py's `auto` scale: a value ≤ 1.5 is a fraction and is shown × 100. */
export function autoPercent(x: number): number {
  return x <= 1.5 ? x * 100 : x;
}

/**
 * main_table.py averages with Python's `statistics.mean` (exact, rounded once), not a left-to-right
 * sum: same present values as `mean`, the reference's last bits.
 */
function statisticsMean(values: Array<number | null>): number | null {
  const xs = presentValues(values);
  return xs.length ? exactMean(xs) : null;
}

/** main_table.py's `score_scale` spec option. */
export type ScoreScale = 'auto' | 'fraction' | 'percent';

function toPercent(x: number, scale: ScoreScale): number {
  return scale === 'percent' ? x : scale === 'fraction' ? x * 100 : autoPercent(x);
}

/** The bootstrap interval of the scored episodes' mean, in the table's scale (reference resampling). */
function scoreCI(episodes: readonly EpisodeMetrics[], scale: ScoreScale) {
  const scores = episodes.map((e) => e.score).filter((x): x is number => x !== null);
  return scores.length
    ? bootstrapMeanCI(
        scores.map((x) => toPercent(x, scale)),
        { compat: 'reference', resamples: 5000, seed: 0 },
      )
    : null;
}

/** The table cell of one condition; `episodes` in file-name order. */
export function mainCell(
  condition: Condition,
  episodes: readonly EpisodeMetrics[],
  scale: ScoreScale = 'auto',
): MainCell {
  const s = condition.summary;
  if (s) {
    const raw = s.metrics?.score?.mean ?? null;
    return {
      score_pct: raw === null ? null : toPercent(raw, scale),
      score_ci: scoreCI(episodes, scale),
      solved: s.num_tasks_solved ?? null,
      executed: s.num_tasks_executed ?? 100,
      steps: s.average_steps ?? null,
      tokens: s.average_total_tokens ?? null,
      runtime: s.average_runtime ?? null,
      from: 'summary',
    };
  }
  return episodeCell(episodes, scale);
}

/**
 * The cell computed from the episodes alone (no runner summary): an episode without a score is left
 * out of the score mean and the solved count. The experiment's condition table uses it too.
 */
export function episodeCell(episodes: readonly EpisodeMetrics[], scale: ScoreScale = 'auto'): MainCell {
  const withOutcome = episodes.filter((e) => e.score !== null);
  const mean = statisticsMean(episodes.map((e) => e.score));
  return {
    score_pct: mean === null ? null : toPercent(mean, scale),
    score_ci: scoreCI(episodes, scale),
    solved: withOutcome.length ? withOutcome.filter((e) => e.solved === true).length : null,
    executed: withOutcome.length || null,
    steps: statisticsMean(episodes.map((e) => e.steps)),
    tokens: statisticsMean(episodes.map((e) => e.total_tokens)),
    runtime: statisticsMean(episodes.map((e) => e.wall_time_s)),
    from: 'episodes',
  };
}

/** Behavioral and footprint means of one condition (null where no episode has the value). */
export interface BehaviorRow {
  n: number;
  name_error_rate: number | null;
  errors_per_episode: number | null;
  name_errors_per_episode: number | null;
  longest_error_run: number | null;
  state_utilization: number | null;
  state_reuse_per_step: number | null;
  reimport_rate: number | null;
  imports_per_step: number | null;
  symbol_lifespan: number | null;
  tool_calls: number | null;
  items_inspected: number | null;
  capacity_utilization: number | null;
}

export function behaviorRow(episodes: readonly EpisodeMetrics[]): BehaviorRow {
  const m = (pick: (e: EpisodeMetrics) => number | null) => statisticsMean(episodes.map(pick));
  return {
    n: episodes.length,
    name_error_rate: episodes.length
      ? episodes.filter((e) => e.has_name_error).length / episodes.length
      : null,
    errors_per_episode: m((e) => e.error_steps),
    name_errors_per_episode: m((e) => e.name_errors),
    longest_error_run: m((e) => e.longest_error_run),
    state_utilization: m((e) => e.state_utilization),
    state_reuse_per_step: m((e) => e.state_reuse_per_step),
    reimport_rate: m((e) => e.reimport_rate),
    imports_per_step: m((e) => e.imports_per_step),
    symbol_lifespan: m((e) => e.symbol_lifespan),
    tool_calls: m((e) => e.tool_calls),
    items_inspected: m((e) => e.items_inspected),
    capacity_utilization: m((e) => e.capacity_utilization),
  };
}
