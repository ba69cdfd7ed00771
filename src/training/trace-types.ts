// The shapes of the run files the exporter, statistics and replay read. Everything is optional
// because reference traces lack our `alr` block and broken files must be skipped, not crash.

export interface TraceMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  /** Sent only with one request (the persistent-mode globals message), never stored in history. */
  transient?: true;
  /** An assistant turn's thinking (reasoning models), recorded apart from its content. */
  reasoning?: string;
}

export interface TraceAlrBlock {
  schema?: string;
  task_id?: string;
  family?: string;
  seed?: number;
  task_file?: string;
  /** A runtime spec's canonical text (docs/runtimes.md). */
  runtime?: string;
  agent?: string;
  model?: { name?: string; kind?: string };
  backend?: string;
  compat?: string;
  globals_message?: string;
  stop_reason?: string;
  terminated?: boolean;
  truncated?: boolean;
  wall_time_s?: number;
  messages?: TraceMessage[];
}

export interface StepEventData {
  turn?: number;
  assistant_text?: unknown;
  code?: string | null;
  interpreter_result?: Record<string, unknown> | null;
  token_usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
  observation?: string | null;
  globals_message?: string | null;
  globals?: string[];
  tool_calls?: unknown[];
  error_type?: string | null;
  /** The turn's thinking (reasoning models); absent when it had none. */
  reasoning?: unknown;
}

export interface TraceEvent {
  type?: string;
  data?: Record<string, unknown>;
  timestamp?: string;
}

export interface TraceFile {
  started_at?: string;
  finished_at?: string;
  summary?: {
    task?: string;
    system_prompts?: string[];
    num_steps?: number;
    finish_reason?: string | null;
    errors?: string[];
    token_usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
  };
  events?: TraceEvent[];
  alr?: TraceAlrBlock;
}

export interface ResultFile {
  status?: string;
  error?: string | null;
  result?: { is_solved?: boolean; score?: number; metrics?: Record<string, unknown> };
  alr?: {
    task_id?: string;
    family?: string;
    runtime?: string;
    agent?: string;
    model?: { name?: string; kind?: string };
    stop_reason?: string;
    steps?: number;
    token_usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The StepEvent payloads of a trace, in order. */
export function stepEvents(trace: TraceFile): StepEventData[] {
  const events = Array.isArray(trace.events) ? trace.events : [];
  return events
    .filter((e) => isRecord(e) && e.type === 'StepEvent' && isRecord(e.data))
    .map((e) => e.data as StepEventData);
}
