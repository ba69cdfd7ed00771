// The default export's conversation: what the model actually saw at run time (fixes reference
// §11.15). Our traces record it in `alr.messages`; for reference traces it is rebuilt from events.
import { renderWithThinking } from '../agent/reasoning.js';
import type { TraceFile, TraceMessage } from '../formats/trace.js';
import { pyJsonDumps } from '../python/json.js';
import { isRecord } from '../util/is-record.js';

export type RuntimeViewSource = 'alr.messages' | 'step-events' | 'rebuilt';

export interface RuntimeView {
  messages: TraceMessage[];
  /** Where the messages came from (provenance). */
  source: RuntimeViewSource;
}

/** How transient globals messages of earlier turns enter the single training sequence. */
export type TransientPolicy = 'keep' | 'drop';

/** Whether assistant turns carry their thinking: `drop` (the answer only) or `keep` (Qwen3's layout). */
export type ReasoningPolicy = 'keep' | 'drop';

const LLM_FAILURE_PREFIXES = ['LLM Call Failed: ', 'LLM ended unexpectedly (reason: '];

function isRole(value: unknown): value is TraceMessage['role'] {
  return value === 'system' || value === 'user' || value === 'assistant';
}

function fromAlrMessages(raw: unknown[]): TraceMessage[] | null {
  const out: TraceMessage[] = [];
  for (const m of raw) {
    if (!isRecord(m) || !isRole(m.role) || typeof m.content !== 'string') return null;
    out.push({
      role: m.role,
      content: m.content,
      ...(m.transient === true && { transient: true as const }),
      ...(typeof m.reasoning === 'string' && { reasoning: m.reasoning }),
    });
  }
  return out;
}

/** The observation the reference appended after a step, from its recorded interpreter_result. */
export function observationFromInterpreterResult(result: unknown): string | null {
  if (!isRecord(result)) return null;
  if ('success' in result) {
    const { globals: _dropped, ...shown } = result;
    return pyJsonDumps(shown);
  }
  // Multi-block refusal: the step result is {"error": msg} and the message itself was appended.
  return typeof result.error === 'string' ? result.error : null;
}

/** Rebuilds the conversation from the events (reference traces, or ours without alr.messages). */
function fromEvents(trace: TraceFile): RuntimeView | null {
  const events = Array.isArray(trace.events) ? trace.events : [];
  const messages: TraceMessage[] = [];
  let usedStepFields = false;
  for (const event of events) {
    if (!isRecord(event)) continue;
    const data = isRecord(event.data) ? event.data : {};
    switch (event.type) {
      case 'SystemPromptEvent':
        if (Array.isArray(data.prompts)) {
          for (const p of data.prompts)
            if (typeof p === 'string') messages.push({ role: 'system', content: p });
        }
        break;
      case 'ErrorEvent': {
        const text = data.error;
        if (typeof text === 'string' && LLM_FAILURE_PREFIXES.some((p) => text.startsWith(p))) {
          messages.push({ role: 'user', content: text });
        }
        break;
      }
      case 'StepEvent': {
        if (typeof data.globals_message === 'string') {
          usedStepFields = true;
          messages.push({ role: 'user', content: data.globals_message, transient: true });
        }
        messages.push({
          role: 'assistant',
          content: typeof data.assistant_text === 'string' ? data.assistant_text : '',
          ...(typeof data.reasoning === 'string' && { reasoning: data.reasoning }),
        });
        let observation: string | null;
        if ('observation' in data) {
          usedStepFields = true;
          observation = typeof data.observation === 'string' ? data.observation : null;
        } else {
          observation = observationFromInterpreterResult(data.interpreter_result);
        }
        if (observation !== null) messages.push({ role: 'user', content: observation });
        break;
      }
      default:
        break;
    }
  }
  // The goal prompt followed the system messages in the request (StartEvent is logged before them).
  const startData = events.find((e) => e.type === 'StartEvent' && isRecord(e.data))?.data;
  const task =
    isRecord(startData) && typeof startData.task === 'string' ? startData.task : trace.summary.task;
  if (typeof task !== 'string') return null;
  const systemCount = messages.findIndex((m) => m.role !== 'system');
  const at = systemCount === -1 ? messages.length : systemCount;
  messages.splice(at, 0, { role: 'user', content: task });
  return { messages, source: usedStepFields ? 'step-events' : 'rebuilt' };
}

/** The conversation the model saw, or null when the trace holds none. */
export function runtimeView(trace: TraceFile): RuntimeView | null {
  const recorded = trace.alr?.messages;
  if (Array.isArray(recorded)) {
    const messages = fromAlrMessages(recorded);
    if (messages) return { messages, source: 'alr.messages' };
  }
  return fromEvents(trace);
}

/**
 * Prepares a conversation for supervised training: applies the transient policy (with `keep`,
 * a globals message stays right before the reply it preceded; one that preceded no reply is
 * dropped), ends on an assistant turn, and returns null when no assistant turn remains.
 */
export function trainingConversation(
  messages: readonly TraceMessage[],
  transient: TransientPolicy,
  reasoning: ReasoningPolicy = 'drop',
): TraceMessage[] | null {
  const out: TraceMessage[] = [];
  messages.forEach((m, i) => {
    if (m.transient) {
      if (transient === 'drop') return;
      if (messages[i + 1]?.role !== 'assistant') return;
    }
    // `keep` writes each turn's thinking as Qwen3's chat template renders it before an answer.
    const content =
      reasoning === 'keep' && m.role === 'assistant' && m.reasoning !== undefined
        ? renderWithThinking(m.reasoning, m.content)
        : m.content;
    out.push({ role: m.role, content });
  });
  while (out.length > 0 && out[out.length - 1]?.role !== 'assistant') out.pop();
  return out.some((m) => m.role === 'assistant') ? out : null;
}
