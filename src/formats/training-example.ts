// One line of an exported training file (`alr export`): `{"messages": [...]}` or ShareGPT
// `{"conversations": [...]}`, as fine-tuning tools read them. No version tag: the reference-compatible
// export writes the reference's lines byte for byte, and the default export the same two shapes.

import { InputError } from '../util/errors.js';
import { z } from '../util/zod.js';
import { parseJsonText, parseWith } from './json-file.js';
import type { TraceMessage } from './trace.js';

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

/** Reads one exported line back into messages (either format); `lineNumber` names it in errors. */
export function parseExampleLine(line: string, file = '<example>', lineNumber = 1): TraceMessage[] {
  const where = `line ${lineNumber}`;
  const record = parseWith(exampleLineSchema, parseJsonText(line, file), file, where);
  if (Array.isArray(record.messages))
    return record.messages.map((m) => ({ role: m.role, content: m.content }));
  if (Array.isArray(record.conversations)) {
    const back: Record<string, TraceMessage['role']> = { system: 'system', human: 'user', gpt: 'assistant' };
    return record.conversations.map((c) => ({ role: back[c.from] ?? 'user', content: c.value }));
  }
  throw new InputError('neither "messages" nor "conversations"', file, where);
}
