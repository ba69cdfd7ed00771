/**
 * The harness side of a tool call from model code. The child only describes the arguments it was
 * given; binding, type checks, the per-step call limit and the call itself all happen here, with
 * the reference's rules and messages (reference §2.1, §3.3), so that nothing done inside the
 * interpreter can skip the accounting.
 */

import type { Tool, ToolArgs, ToolReturn } from '../tasks/tool.js';
import { ToolRuntimeError } from '../tasks/tool.js';
import type { ToolCallRecord } from './interpreter.js';
import type { ToolArgumentDescription, ToolRequest } from './protocol.js';

export type ToolAnswer =
  | { op: 'tool_result'; ok: true; value: ToolReturn; py: 'int' | 'float' | 'str' | 'bool' | 'none' }
  | { op: 'tool_result'; ok: false; kind: 'limit' | 'invocation' | 'runtime'; message: string };

export interface StepToolState {
  /** Calls attempted in this step (the reference counts every attempt, invalid ones included). */
  attempts: number;
  readonly limit: number | undefined;
  readonly records: ToolCallRecord[];
}

/**
 * The kinds an argument really has, judged from its JSON value: the child's claim is only believed
 * where the value agrees with it (a forged request cannot pass a string off as an int).
 */
function trustedKinds(arg: ToolArgumentDescription): string[] {
  const v = arg.value;
  const claims = new Set(arg.kinds);
  if (typeof v === 'boolean') return claims.has('bool') ? ['bool', 'int'] : [];
  if (typeof v === 'number') {
    if (claims.has('int') && Number.isInteger(v)) return ['int'];
    return claims.has('float') && !claims.has('int') ? ['float'] : [];
  }
  if (typeof v === 'string') {
    if (arg.special) return claims.has('float') && ['nan', 'inf', '-inf'].includes(v) ? ['float'] : [];
    return claims.has('str') ? ['str'] : [];
  }
  if (v === null) return claims.has('none') ? ['none'] : [];
  return [];
}

function jsValue(arg: ToolArgumentDescription): string | number | boolean | null {
  const v = arg.value;
  if (arg.special && typeof v === 'string')
    return v === 'nan' ? Number.NaN : v.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return null;
}

function annotationName(tool: Tool, name: string): string {
  const param = tool.params.find((p) => p.name === name);
  if (!param) return 'object';
  return !param.required && param.default === null ? `${param.type} | None` : param.type;
}

/** `inspect.signature(run).bind_partial(*args, **kwargs)` for positional-or-keyword parameters. */
function bindPartial(
  tool: Tool,
  args: ToolArgumentDescription[],
  kwargs: Record<string, ToolArgumentDescription>,
): { bound: Map<string, ToolArgumentDescription> } | { error: string } {
  const bound = new Map<string, ToolArgumentDescription>();
  const remaining = new Map(Object.entries(kwargs));
  for (const [index, arg] of args.entries()) {
    const param = tool.params[index];
    if (!param) return { error: 'too many positional arguments' };
    if (remaining.has(param.name)) return { error: `multiple values for argument '${param.name}'` };
    bound.set(param.name, arg);
  }
  for (const param of tool.params.slice(args.length)) {
    const value = remaining.get(param.name);
    if (value !== undefined) {
      bound.set(param.name, value);
      remaining.delete(param.name);
    }
  }
  const unexpected = remaining.keys().next();
  if (!unexpected.done) return { error: `got an unexpected keyword argument '${unexpected.value}'` };
  return { bound };
}

function accepts(tool: Tool, name: string, arg: ToolArgumentDescription): boolean {
  const param = tool.params.find((p) => p.name === name);
  if (!param) return false;
  const kinds = trustedKinds(arg);
  if (kinds.includes('none')) return !param.required && param.default === null;
  return kinds.includes(param.type);
}

function returnKind(tool: Tool, value: ToolReturn): 'int' | 'float' | 'str' | 'bool' | 'none' {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (tool.returns === 'float') return 'float';
  if (tool.returns === 'int') return 'int';
  return Number.isInteger(value) ? 'int' : 'float';
}

/** Runs one tool request from the child and returns the answer to send back. */
export function answerToolRequest(
  tools: ReadonlyMap<string, Tool>,
  request: ToolRequest,
  state: StepToolState,
): ToolAnswer {
  const started = performance.now();
  const tool = tools.get(request.name);
  const rawArgs: ToolArgs = {};
  request.args.forEach((a, i) => {
    rawArgs[tool?.params[i]?.name ?? `arg${i}`] = jsValue(a);
  });
  for (const [k, a] of Object.entries(request.kwargs)) rawArgs[k] = jsValue(a);
  const record = (entry: Omit<ToolCallRecord, 'tool' | 'duration_ms' | 'args'>, args: ToolArgs = rawArgs) =>
    state.records.push({ tool: request.name, ...entry, args, duration_ms: performance.now() - started });

  if (state.limit !== undefined) {
    if (state.attempts >= state.limit) {
      const message = `Tool call limit exceeded: allowed ${state.limit} per run.`;
      record({ ok: false, error: message });
      return { op: 'tool_result', ok: false, kind: 'limit', message };
    }
    state.attempts += 1;
  }
  if (!tool) {
    // Only reachable by calling the bridge directly with a made-up name.
    const message = `Unknown tool: ${request.name}`;
    record({ ok: false, error: message });
    return { op: 'tool_result', ok: false, kind: 'runtime', message };
  }
  const binding = bindPartial(tool, request.args, request.kwargs);
  if ('error' in binding) {
    record({ ok: false, error: binding.error });
    return { op: 'tool_result', ok: false, kind: 'invocation', message: binding.error };
  }
  const errors: string[] = [];
  const args: ToolArgs = {};
  for (const param of tool.params) {
    const arg = binding.bound.get(param.name);
    if (arg === undefined) {
      if (!param.required) args[param.name] = param.default ?? null;
      continue;
    }
    if (!accepts(tool, param.name, arg))
      errors.push(
        `Argument ${param.name} should be of type ${annotationName(tool, param.name)}. Got ${arg.type} instead.`,
      );
    args[param.name] = jsValue(arg);
  }
  for (const param of tool.params)
    if (param.required && !binding.bound.has(param.name))
      errors.push(`Missing required argument ${param.name}`);
  if (errors.length > 0) {
    const message = errors.join(',');
    record({ ok: false, error: message });
    return { op: 'tool_result', ok: false, kind: 'invocation', message };
  }
  try {
    const value = tool.call(args) ?? null;
    record({ ok: true, result: value }, args);
    return { op: 'tool_result', ok: true, value, py: returnKind(tool, value) };
  } catch (err) {
    const message = err instanceof ToolRuntimeError || err instanceof Error ? err.message : String(err);
    record({ ok: false, error: message }, args);
    return { op: 'tool_result', ok: false, kind: 'runtime', message };
  }
}
