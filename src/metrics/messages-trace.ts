// Fine-tuning JSONL lines (`{"messages": [{role, content}, …]}`, e.g. the released training traces)
// read as traces: one step per assistant message, its code block, and the observation after it.
// Such lines carry no tokens, scores or tool log; those metrics stay unavailable.
import { withoutRuntimeNotice } from '../runtime/messages.js';
import type { TraceFile } from './files.js';

/** The reference's code-fence rule: three backticks, an optional tag, a newline, text up to the next fence. */
const FENCE = /```[a-zA-Z0-9_+-]*\n([\s\S]*?)```/g;

interface Message {
  role: string;
  content: string;
}

export function isMessagesRecord(value: unknown): value is { messages: Message[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { messages?: unknown }).messages) &&
    !('events' in value)
  );
}

function observationOf(
  text: string | undefined,
): { success: boolean; output: string | null; error: string | null } | null {
  if (text === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(withoutRuntimeNotice(text));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const o = parsed as Record<string, unknown>;
    if (!('output' in o || 'error' in o)) return null;
    const error = typeof o.error === 'string' ? o.error : null;
    const success = typeof o.success === 'boolean' ? o.success : error === null;
    return { success, output: typeof o.output === 'string' ? o.output : null, error };
  } catch {
    return null;
  }
}

export function messagesToTrace(record: { messages: Message[]; task_id?: string }): TraceFile {
  const messages = record.messages.filter((m) => m && typeof m.content === 'string');
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content);
  const goal = messages.find((m) => m.role === 'user')?.content ?? null;
  const events: TraceFile['events'] = [];
  let turn = 0;
  messages.forEach((m, i) => {
    if (m.role !== 'assistant') return;
    const blocks = [...m.content.matchAll(FENCE)].map((x) => (x[1] as string).trim());
    const next = messages[i + 1]?.role === 'user' ? messages[i + 1]?.content : undefined;
    const obs = blocks.length === 1 ? observationOf(next) : null;
    events.push({
      type: 'StepEvent',
      data: {
        turn: turn++,
        assistant_text: m.content,
        code: blocks.length === 1 ? blocks[0] : null,
        interpreter_result: obs
          ? { success: obs.success, result: null, output: obs.output, error: obs.error }
          : null,
        token_usage: null,
        observation: next ?? null,
      },
    });
  });
  return {
    task_id: record.task_id,
    summary: {
      task: goal,
      system_prompts: system,
      num_steps: events.length,
      finish_reason: null,
      errors: [],
      token_usage: null,
    },
    events,
  };
}
