// Where a sandbox session gets its runtime spec: plain runtimes get the session unchanged (their
// observations stay byte-identical), any other spec gets a SemanticSession around it.
import type { InterpreterSession, SessionOptions } from '../sandbox/interpreter.js';
import { type RestartableSession, SemanticSession } from './semantic-session.js';
import { isPlainRuntime, parseRuntimeSpec } from './spec.js';

export function withRuntimeSpec(session: RestartableSession, options: SessionOptions): InterpreterSession {
  if (options.runtime === undefined) return session;
  const spec = parseRuntimeSpec(options.runtime);
  if (spec.base !== options.mode)
    throw new Error(`runtime '${options.runtime}' does not match the session mode '${options.mode}'`);
  if (isPlainRuntime(spec)) return session;
  return new SemanticSession(session, spec, options.taskId ?? '');
}
