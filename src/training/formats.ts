// Output record shapes of the default export.
import { z } from 'zod';
import type { TraceMessage } from '../formats/trace.js';

/** One exported line as read back: chat messages or ShareGPT conversations. */
const exampleLineSchema = z.looseObject({
  messages: z
    .array(z.looseObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }))
    .optional(),
  conversations: z.array(z.looseObject({ from: z.string(), value: z.string() })).optional(),
});

export type ExportFormat = 'messages' | 'sharegpt';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['messages', 'sharegpt'];

const SHAREGPT_ROLE = { system: 'system', user: 'human', assistant: 'gpt' } as const;

/** `{"messages":[{role, content}]}` (OpenAI / TRL / Axolotl chat_template) or ShareGPT conversations. */
export function formatExample(
  messages: readonly TraceMessage[],
  format: ExportFormat,
): Record<string, unknown> {
  if (format === 'sharegpt') {
    return { conversations: messages.map((m) => ({ from: SHAREGPT_ROLE[m.role], value: m.content })) };
  }
  return { messages: messages.map((m) => ({ role: m.role, content: m.content })) };
}

/** Reads one exported line back into messages (either format). */
export function parseExampleLine(line: string): TraceMessage[] {
  const record = exampleLineSchema.parse(JSON.parse(line));
  if (Array.isArray(record.messages))
    return record.messages.map((m) => ({ role: m.role, content: m.content }));
  if (Array.isArray(record.conversations)) {
    const back: Record<string, TraceMessage['role']> = { system: 'system', human: 'user', gpt: 'assistant' };
    return record.conversations.map((c) => ({ role: back[c.from] ?? 'user', content: c.value }));
  }
  throw new Error('neither "messages" nor "conversations"');
}
