// The texts a runtime spec adds to the conversation (docs/runtimes.md).

/** A binding as the interpreter reported it (semantics.py). */
export interface BindingInfo {
  name: string;
  kind: 'function' | 'class' | 'module' | 'data';
  /** Type and short repr: only for the first bindings a step (re)bound (semantics.py caps them). */
  type: string | null;
  repr: string | null;
  /** Bound or rebound by the step just run. */
  changed: boolean;
}

/** Shown before the observation of a step that ran in a restarted interpreter, as a notebook shows it. */
export const RESTART_NOTICE =
  'Kernel restarted: the interpreter was restarted before this step ran. All variables, functions and imports from earlier steps are lost.';

/** An observation message without the restart notice a runtime spec put before it. */
export function withoutRuntimeNotice(content: string): string {
  const prefix = `${RESTART_NOTICE}\n\n`;
  return content.startsWith(prefix) ? content.slice(prefix.length) : content;
}

/** The summary after a step of a `+summary` runtime; null when the step bound nothing. */
export function summaryMessage(bound: readonly BindingInfo[], persistent: boolean): string | null {
  if (bound.length === 0) return null;
  const head = persistent
    ? 'Runtime summary: this step bound'
    : 'Runtime summary: the interpreter keeps nothing between steps. This step bound (re-create what you need)';
  const described = bound.filter((b) => b.type !== null && b.repr !== null);
  const lines = described.map((b) => `- ${b.name} (${b.type}) = ${b.repr}`);
  const rest = bound.length - described.length;
  if (rest > 0)
    lines.push(
      `- … and ${rest} more: ${bound
        .filter((b) => b.type === null)
        .slice(0, 50)
        .map((b) => b.name)
        .join(', ')}${rest > 50 ? ', …' : ''}`,
    );
  return `${head}:\n${lines.join('\n')}`;
}

/** Text the runtime added around one step's observation. */
export interface RuntimeMessage {
  /** Before the observation (restart notice). */
  before: string | null;
  /** After the observation, as a message of its own (summary). */
  after: string | null;
}

/** Both parts as one string (what `alr exec` and traces show); null when there is none. */
export function runtimeMessageText(message: RuntimeMessage | null | undefined): string | null {
  if (!message) return null;
  const parts = [message.before, message.after].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join('\n\n') : null;
}
