// A session that runs a runtime spec on top of a plain interpreter session: restarts before a step,
// forgets names after it (ttl, keep) and writes the summary. The interpreter only reports bindings
// and deletes names (python/semantics.py); the rules and the bookkeeping are here.
import type { InterpreterSession, StepResult } from '../sandbox/interpreter.js';
import { type BindingInfo, RESTART_NOTICE, type RuntimeMessage, summaryMessage } from './messages.js';
import { restartsBefore } from './restart-draw.js';
import { keeps, type RuntimeSpec } from './spec.js';

/** What SemanticSession needs of the session under it (Session in sandbox/session.ts). */
export interface RestartableSession extends InterpreterSession {
  restart(): Promise<void>;
  semantics(request: Record<string, unknown>): Promise<Record<string, unknown> | null>;
}

const KINDS = new Set(['function', 'class', 'module', 'data']);

/** Checks the interpreter's answer (untrusted: model code ran in that interpreter). */
function bindingsOf(answer: Record<string, unknown> | null): BindingInfo[] {
  const list = answer?.bindings;
  if (!Array.isArray(list)) return [];
  const found: BindingInfo[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const b = item as Record<string, unknown>;
    if (typeof b.name !== 'string' || typeof b.kind !== 'string' || !KINDS.has(b.kind)) continue;
    const described = typeof b.type === 'string' && typeof b.repr === 'string';
    found.push({
      name: b.name.slice(0, 200),
      kind: b.kind as BindingInfo['kind'],
      type: described ? (b.type as string).slice(0, 200) : null,
      repr: described ? (b.repr as string).slice(0, 400) : null,
      changed: b.changed === true,
    });
  }
  return found;
}

function namesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((n): n is string => typeof n === 'string') : [];
}

export class SemanticSession implements InterpreterSession {
  readonly mode: InterpreterSession['mode'];
  private stepIndex = 0;
  /** ttl: the last step (1-based) that bound or read each global. */
  private readonly lastUsed = new Map<string, number>();

  constructor(
    private readonly inner: RestartableSession,
    private readonly spec: RuntimeSpec,
    private readonly taskId: string,
  ) {
    this.mode = inner.mode;
  }

  async step(code: string): Promise<StepResult> {
    this.stepIndex += 1;
    const message: RuntimeMessage = { before: null, after: null };
    const { restart, seed, ttl, keep, summary } = this.spec;
    if (restart !== null && restartsBefore(restart, seed, this.taskId, this.stepIndex)) {
      await this.inner.restart();
      this.lastUsed.clear();
      message.before = RESTART_NOTICE;
    }
    const result = await this.inner.step(code);
    if (ttl !== null || keep !== null || summary) await this.afterStep(code, result, message);
    result.runtime_message = message;
    return result;
  }

  private async afterStep(code: string, result: StepResult, message: RuntimeMessage): Promise<void> {
    const { ttl, keep, summary, base } = this.spec;
    let answer: Record<string, unknown> | null = null;
    try {
      answer = await this.inner.semantics({ action: 'inspect', code });
    } catch {
      // The interpreter died after the step: nothing is kept, so nothing is left to forget.
    }
    const bindings = bindingsOf(answer);
    if (summary)
      message.after = summaryMessage(
        bindings.filter((b) => b.changed),
        base === 'persistent',
      );
    if (base !== 'persistent') return;
    const forget = new Set<string>();
    if (ttl !== null) {
      const used = new Set(namesOf(answer?.names_in_code));
      const present = new Set(bindings.map((b) => b.name));
      for (const name of [...this.lastUsed.keys()]) if (!present.has(name)) this.lastUsed.delete(name);
      for (const b of bindings) {
        if (b.changed || used.has(b.name) || !this.lastUsed.has(b.name))
          this.lastUsed.set(b.name, this.stepIndex);
        if (this.stepIndex - (this.lastUsed.get(b.name) as number) >= ttl) forget.add(b.name);
      }
    }
    if (keep !== null) for (const b of bindings) if (!keeps(keep, b.name, b.kind)) forget.add(b.name);
    if (forget.size === 0) return;
    try {
      await this.inner.semantics({ action: 'forget', names: [...forget] });
    } catch {
      // As above: a dead interpreter keeps nothing.
    }
    for (const name of forget) {
      this.lastUsed.delete(name);
      delete result.globals[name];
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
