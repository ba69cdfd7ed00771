// The episode's events, with the reference's class names and data fields (reference-behavior §4.2,
// §6.2), so that traces read like the reference's. StepEvent carries extra fields of ours after the
// reference's own.
import type { TokenUsage } from '../models/model.js';
import type { SandboxIncident, ToolCallRecord } from '../sandbox/interpreter.js';
import type { Observation } from './fixed-messages.js';

export type FinishReason = 'finish_tool' | 'max_turns' | 'error' | 'token_budget' | 'context_exceeded';

/** A StepEvent's interpreter_result: the observation, `{error}` for several blocks, or null. */
export type StepInterpreterResult = Observation | { error: string } | null;

export interface StepEventData {
  turn: number;
  /** The reply's answer (in 'default' compat without its thinking; in 'reference' compat as sent). */
  assistant_text: string;
  code: string | null;
  interpreter_result: StepInterpreterResult;
  token_usage: TokenUsage;
  // Our additions:
  /** The exact user message appended after the step (null when none was). */
  observation: string | null;
  /** The transient globals message sent before this turn's request (null when none was). */
  globals_message: string | null;
  /** User global names after the step (always [] in stateless mode). */
  globals: string[];
  /** Every tool call that reached the harness during the step. */
  tool_calls: ToolCallRecord[];
  /** Python exception type of a failed step (e.g. 'NameError'); null otherwise. */
  error_type: string | null;
  /** Time the interpreter spent on the step; null when nothing ran. */
  duration_ms: number | null;
  incidents: SandboxIncident[];
  /** The reply's thinking (a reasoning model's separate field or leading `<think>` block); absent when none. */
  reasoning?: string;
  /** Text a runtime spec added to the conversation (docs/runtimes.md); absent for plain runtimes. */
  runtime_message?: string | null;
}

export interface EventDataByType {
  StartEvent: { task: string };
  SystemPromptEvent: { prompts: string[] };
  /** timestamp: when the call started, UTC ISO with +00:00. */
  ModelCallEvent: { timestamp: string; prompt_tokens: number };
  /** timestamp: when the reply arrived, UTC ISO with +00:00. */
  ModelResponseEvent: { timestamp: string; completion_tokens: number; total_tokens: number };
  ErrorEvent: { error: string };
  StepEvent: StepEventData;
  FinishEvent: { reason: FinishReason; token_usage: TokenUsage };
}

export type EventType = keyof EventDataByType;

/** One event: `at` is the wall-clock time (ms since the epoch) it was emitted. */
export type EpisodeEvent = {
  [K in EventType]: { type: K; data: EventDataByType[K]; at: number };
}[EventType];
