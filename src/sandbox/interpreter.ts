import type { RuntimeMessage } from '../runtime/messages.js';
import type { RuntimeMode } from '../runtime/spec.js';
import type { Tool, ToolArgs, ToolReturn } from '../tasks/tool.js';

export type { RuntimeMode };
export const RUNTIME_MODES: readonly RuntimeMode[] = ['persistent', 'stateless'];

export type BackendName = 'pyodide' | 'cpython';

export interface SessionOptions {
  mode: RuntimeMode;
  /** Runtime spec beyond the plain base (docs/runtimes.md), e.g. 'persistent:ttl=3'; its base must be `mode`. */
  runtime?: string;
  /** Task id: seeds the restart draws of `restart=P`. */
  taskId?: string;
  /** The episode's tools, finish included, in prompt order. */
  tools: Tool[];
  /** Per-step tool-call limit (reference `max_tool_calls`); undefined = no limit. */
  maxToolCalls?: number;
  /** Wall-clock limit per step (default 30 000). */
  stepTimeoutMs?: number;
  /** Memory limit per interpreter process (default 1024). */
  memoryLimitMb?: number;
  /** Cap on observed stdout characters (default 20 000); null = no cap (`--compat reference`). */
  outputCap?: number | null;
}

/** One tool call that reached the harness during a step (the authoritative tool log). */
export interface ToolCallRecord {
  tool: string;
  args: ToolArgs;
  ok: boolean;
  /** The tool's return value when ok. */
  result?: ToolReturn;
  /** The error message when not ok (tool failure, invalid arguments, limit). */
  error?: string;
  duration_ms: number;
}

/** Something the sandbox did to the step beyond running it (timeout, kill, memory, respawn). */
export interface SandboxIncident {
  kind: 'timeout' | 'killed' | 'memory' | 'crash' | 'output-truncated';
  detail: string;
  /** True when the persistent namespace was lost (the interpreter was restarted). */
  stateLost: boolean;
}

export interface StepResult {
  success: boolean;
  /** Always null (the reference never echoes a final expression). */
  result: null;
  output: string;
  error: string | null;
  /** Python exception type name of the failure (e.g. 'NameError'); null on success. */
  error_type: string | null;
  /** User globals after the step, name → repr, in insertion order (persistent mode; {} in stateless). */
  globals: Record<string, string>;
  duration_ms: number;
  tool_calls: ToolCallRecord[];
  incidents: SandboxIncident[];
  /** Text the runtime spec adds around the observation (runtime/semantic-session.ts); absent for plain runtimes. */
  runtime_message?: RuntimeMessage;
}

/** One episode's interpreter. */
export interface InterpreterSession {
  readonly mode: RuntimeMode;
  step(code: string): Promise<StepResult>;
  /** Returns the interpreter to its pool (recycled, never reused with state) or ends it. */
  close(): Promise<void>;
}

/** Names bound/loaded per code block, from Python's own `ast` (for behavioral metrics). */
export interface CodeAnalysis {
  /** False when the block does not parse. */
  parsed: boolean;
  /** Names assigned/defined at module level (assignments, def, class, import aliases, for targets…). */
  bound: string[];
  /** Names read anywhere in the block. */
  loaded: string[];
  /** Imported module names (`import a.b` → 'a.b', `from a import b` → 'a'). */
  imports: string[];
  /** Names loaded before (or without) being bound in the block and not builtins: they must come from outside. */
  free: string[];
}

export type { Tool, ToolArgs, ToolReturn };
