/**
 * Messages between the harness and an interpreter process: one JSON object per line on the child's
 * stdin/stdout. Everything the child sends is untrusted (model code can write to that channel), so
 * each message is checked before use.
 */

export interface ToolArgumentDescription {
  /** Python class name of the value (`value.__class__.__name__`). */
  type: string;
  /** Tool parameter types the value is an instance of ('bool' also counts as 'int'). */
  kinds: string[];
  value?: unknown;
  /** The value is a non-finite float written as its repr (nan, inf, -inf). */
  special?: boolean;
}

export interface ToolRequest {
  op: 'tool';
  /** Echoed in the answer so that the child can match it. */
  id?: number;
  name: string;
  args: ToolArgumentDescription[];
  kwargs: Record<string, ToolArgumentDescription>;
}

export interface StepDone {
  op: 'step_done';
  success: boolean;
  output: string;
  truncated: boolean;
  output_chars: number;
  error: string | null;
  error_type: string | null;
  interrupted: boolean;
  globals: Array<[string, string]>;
}

export type ChildMessage =
  | { op: 'ready'; python: string; backend: string; fromSnapshot?: boolean }
  | { op: 'initialized' }
  | { op: 'reset_done' }
  | ToolRequest
  | StepDone
  | { op: 'analysis'; results: unknown[] }
  | { op: 'semantics_done'; answer: Record<string, unknown> }
  | { op: 'failure'; kind: 'crash' | 'memory'; detail: string };

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

function isArgument(v: unknown): v is ToolArgumentDescription {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  return isString(a.type) && Array.isArray(a.kinds) && a.kinds.every(isString);
}

/** Parses and checks one line from a child; null when it is not a well-formed message. */
export function parseChildMessage(line: string): ChildMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const m = value as Record<string, unknown>;
  switch (m.op) {
    case 'ready':
      return isString(m.python) && isString(m.backend) ? (m as unknown as ChildMessage) : null;
    case 'initialized':
      return { op: 'initialized' };
    case 'reset_done':
      return { op: 'reset_done' };
    case 'tool': {
      const kwargs = m.kwargs;
      if (!isString(m.name) || !Array.isArray(m.args) || !m.args.every(isArgument)) return null;
      if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) return null;
      if (!Object.values(kwargs).every(isArgument)) return null;
      return m as unknown as ToolRequest;
    }
    case 'step_done': {
      const ok =
        typeof m.success === 'boolean' &&
        isString(m.output) &&
        isStringOrNull(m.error) &&
        isStringOrNull(m.error_type) &&
        Array.isArray(m.globals) &&
        m.globals.every((g) => Array.isArray(g) && g.length === 2 && isString(g[0]) && isString(g[1]));
      if (!ok) return null;
      return {
        op: 'step_done',
        success: m.success as boolean,
        output: m.output as string,
        truncated: m.truncated === true,
        output_chars: typeof m.output_chars === 'number' ? m.output_chars : (m.output as string).length,
        error: m.error as string | null,
        error_type: m.error_type as string | null,
        interrupted: m.interrupted === true,
        globals: m.globals as Array<[string, string]>,
      };
    }
    case 'semantics_done':
      // Checked field by field where it is used (runtime/semantic-session.ts).
      return { op: 'semantics_done', answer: m };
    case 'analysis':
      return Array.isArray(m.results) ? { op: 'analysis', results: m.results } : null;
    case 'failure':
      return (m.kind === 'crash' || m.kind === 'memory') && isString(m.detail)
        ? { op: 'failure', kind: m.kind, detail: m.detail }
        : null;
    default:
      return null;
  }
}
