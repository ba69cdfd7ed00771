// Inputs and outcome of one CodeAct episode.

import type { TraceMessage } from '../formats/trace.js';
import type { CompleteOptions, Model, TokenUsage } from '../models/model.js';
import type { RuntimeName } from '../runtime/spec.js';
import type { InterpreterSession } from '../sandbox/interpreter.js';
import type { Environment, TaskResult } from '../tasks/environment.js';
import type { EpisodeEvent } from './events.js';
import type { PromptPack } from './prompts/prompt-pack.js';

/** When the transient "Python interpreter globals" message is sent before a request. */
export type GlobalsMessagePolicy = 'always' | 'persistent' | 'never';

/**
 * 'default': the reference's protocol with its loop bugs fixed (finish on the last turn counts,
 * tokens of replies that ended with a reason other than 'stop' are counted).
 * 'reference': the reference's loop exactly (reference-behavior §11.8, §11.9 kept).
 */
export type AgentCompat = 'default' | 'reference';

/** `context_exceeded`: the conversation no longer fits the model's context window (see maxContextTokens). */
export type StopReason =
  | 'finish_tool'
  | 'max_turns'
  | 'timeout'
  | 'token_budget'
  | 'context_exceeded'
  | 'error';

export interface EpisodeInput {
  environment: Environment;
  model: Model;
  /** The episode's interpreter, created with the environment's tools and the same maxToolCalls. */
  session: InterpreterSession;
  /** A runtime spec (docs/runtimes.md); its base chooses the prompts, the session applies the rest. */
  runtime: RuntimeName;
  /** Default 40. */
  maxTurns?: number;
  /** Per-block tool-call limit announced in the tool list (the session enforces it). */
  maxToolCalls?: number;
  /** Stop once the episode's total tokens reach this many (checked after every turn). */
  tokenBudget?: number;
  /**
   * End the episode (stop reason `context_exceeded`) instead of sending a request whose prompt, counted
   * with the Qwen3 chat template, plus `requestOptions.maxTokens` would exceed this many tokens.
   */
  maxContextTokens?: number;
  /** Wall-clock limit of the whole episode; the step in flight is abandoned. */
  timeoutMs?: number;
  /** Sampling options sent with every request (the signal is the episode's own). */
  requestOptions?: Omit<CompleteOptions, 'signal'>;
  /** Default 'persistent' (the reference). */
  globalsMessage?: GlobalsMessagePolicy;
  /** Default 'default'. */
  compat?: AgentCompat;
  /** Default: the built-in pack. */
  prompts?: PromptPack;
  /** Aborting ends the episode like a timeout but marks the outcome `aborted` (e.g. Ctrl-C). */
  signal?: AbortSignal;
  /** Called synchronously with every event as it happens (progress, live traces). */
  onEvent?: (event: EpisodeEvent) => void;
  /** Close the session when the episode ends (default true; needed to stop an abandoned step). */
  closeSession?: boolean;
}

/** A message the model saw, in order, as the trace records it (`transient`: the per-turn globals message). */
export type { TraceMessage };

export interface EpisodeOutcome {
  /** The result file's status: 'completed' (finish, max turns, token budget), 'timeout' or 'error'. */
  status: 'completed' | 'timeout' | 'error';
  /** The result file's error: null, the error text, or '' for a timeout (as the reference writes). */
  error: string | null;
  stopReason: StopReason;
  /** Ended by the agent (finish tool). */
  terminated: boolean;
  /** Cut off by a limit (turns, time, tokens, context window). */
  truncated: boolean;
  /** Ended because `signal` was aborted; the runner should usually not write a result for it. */
  aborted: boolean;
  /** environment.evaluate() on the final state (after the session was closed). */
  evaluation: TaskResult;
  events: EpisodeEvent[];
  messages: TraceMessage[];
  systemPrompts: string[];
  goalPrompt: string;
  /** Number of StepEvents. */
  steps: number;
  /** Σ usage of every counted reply (in 'default' compat, including non-'stop' replies). */
  tokenUsage: TokenUsage;
  runtime: RuntimeName;
  compat: AgentCompat;
  globalsMessage: GlobalsMessagePolicy;
  model: { name: string; kind: Model['kind'] };
  /** Wall-clock times (ms since the epoch); finishedAt is the FinishEvent's time when there is one. */
  startedAt: number;
  finishedAt: number;
  /** Monotonic seconds (the reference's result-file clock). */
  startedMonotonic: number;
  finishedMonotonic: number;
  wallTimeS: number;
}
