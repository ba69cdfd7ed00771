// Where a sandbox session gets its runtime spec: plain runtimes get the session unchanged (their
// observations stay byte-identical), any other spec gets a SemanticSession around it.
import type { InterpreterSession, SessionOptions } from '../sandbox/interpreter.js';
import { type RestartableSession, SemanticSession } from './semantic-session.js';
import { isPlainRuntime, parseRuntimeSpec, type RuntimeSpec } from './spec.js';

export function withRuntimeSpec(session: RestartableSession, options: SessionOptions): InterpreterSession {
  if (options.runtime === undefined) return session;
  let spec: RuntimeSpec;
  try {
    spec = parseRuntimeSpec(options.runtime);
    if (spec.base !== options.mode)
      throw new Error(`runtime '${options.runtime}' does not match the session mode '${options.mode}'`);
  } catch (err) {
    // The session was opened for nothing: give its interpreter back.
    void session.close();
    throw err;
  }
  if (isPlainRuntime(spec)) return session;
  return new SemanticSession(session, spec, options.taskId ?? '');
}
