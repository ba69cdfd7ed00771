import type { ReplayReportFile } from '../formats/replay-report.js';
import type { CodeAnalysis, ToolCallRecord } from '../sandbox/interpreter.js';

/** Parses code blocks with Python's own `ast`; one analysis per block, same order. */
export type CodeAnalyzer = (blocks: string[]) => Promise<CodeAnalysis[]>;

/** One agent turn as the metrics see it, whatever file format it came from. */
export interface StepView {
  turn: number;
  assistantText: string;
  /** The turn's thinking (reasoning models), kept apart from the answer; null when none. */
  reasoning: string | null;
  /** The executed block, or null when the turn had no (or more than one) block. */
  code: string | null;
  /** null when nothing ran (no block, multi-block message). */
  success: boolean | null;
  error: string | null;
  /** Python exception type of the failure (from `error_type`, or the last line of the error text). */
  errorType: string | null;
  output: string | null;
  /** The exact user message appended after the step, when the trace records it. */
  observation: string | null;
  /** Interpreter globals (names) after the step, when recorded. */
  globals: string[] | null;
  /** The authoritative tool log, when recorded (our traces); null for reference traces. */
  toolCalls: ToolCallRecord[] | null;
  promptTokens: number | null;
  completionTokens: number | null;
  totalTokens: number | null;
  durationMs: number | null;
}

/** Every per-episode metric (see docs/metrics.md for the exact definitions). */
export interface EpisodeMetrics {
  condition: string;
  task_id: string;
  family: string;
  /** File stem the episode was read from (sort key: the reference table reads files in this order). */
  file: string;
  status: string | null;
  score: number | null;
  solved: boolean | null;
  /**
   * Where the score came from: the result file; the logged take_item calls applied to the task
   * file ('replay'); or `alr replay`'s re-execution of the code under the episode's own runtime.
   */
  score_source: 'result' | 'replay' | 're-execution' | null;
  steps: number;
  /** Tool calls that reached the harness (from the tool log); null when the trace has no tool log. */
  tool_calls: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  wall_time_s: number | null;
  /** score × 100 / total_tokens × 1000 (the table's "Score / 1k Tokens" per episode). */
  score_per_1k_tokens: number | null;
  /** weight_used / capacity × 100. */
  capacity_utilization: number | null;
  items_inspected: number | null;
  finish_reason: string | null;
  stop_reason: string | null;
  /** Steps whose execution failed (Python exception or harness error). */
  error_steps: number;
  name_errors: number;
  has_name_error: boolean;
  /** Longest run of consecutive failed steps (recovery-loop indicator). */
  longest_error_run: number;
  /** Fraction of steps (after the first) that read a name the interpreter kept from an earlier step. */
  state_utilization: number | null;
  /** Mean number of such names per step (after the first). */
  state_reuse_per_step: number | null;
  /** Fraction of steps after the first importing step that import a module imported before. */
  reimport_rate: number | null;
  /** Fraction of steps whose block contains an import statement. */
  imports_per_step: number | null;
  /** Mean turn distance between a name's first binding and its last cross-turn reference. */
  symbol_lifespan: number | null;
  /** Blocks Python could not parse (excluded from the behavioral metrics). */
  unparsed_blocks: number;
}

/** Labels of one experimental condition (a table row). */
export interface ConditionLabels {
  difficulty: string;
  train: string;
  runtime: string;
}

/** A group of episodes run under one agent × runtime × task set. */
export interface Condition extends ConditionLabels {
  /** Stable id (unique within a report). */
  id: string;
  /** Human label, e.g. "easy · persistent → stateless". */
  label: string;
  /** Where the episodes were read from. */
  source: string;
  agent: string | null;
  family: string | null;
  /** Model or policy name and kind when known. */
  model: { name: string; kind: string } | null;
  /** The runner's `summary_<agent>-<family>.json`, when present (the table reads it like main_table.py). */
  summary: ReferenceSummary | null;
  /** Counterfactual replay summaries found next to the run (`replay_<runtime>.json`), raw. */
  replays: Array<{ runtime: string; file: string; data: ReplayReportFile }>;
}

/** The fields of the reference run summary that the main table reads. */
export interface ReferenceSummary {
  average_is_solved?: number;
  average_runtime?: number;
  average_steps?: number;
  average_total_tokens?: number;
  metrics?: Record<string, { mean?: number; median?: number; min?: number; max?: number }>;
  num_tasks_executed?: number;
  num_tasks_solved?: number;
}

/** One episode with everything the report needs to show it. */
export interface Episode {
  metrics: EpisodeMetrics;
  steps: StepView[];
  /** Goal prompt (trace summary.task). */
  task: string | null;
  tracePath: string | null;
  resultPath: string | null;
}
