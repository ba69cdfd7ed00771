// `--compat reference`: the reference's trace → chat conversion (reference-behavior §9.1 steps 1, 2,
// 4, 5), kept as it is, quirks included, so that its JSONL can be reproduced line for line.
import { readFileSync } from 'node:fs';
import type { TraceMessage } from '../formats/trace.js';
import { PyFloat, pyJsonDumps, pyJsonParse } from '../python/json.js';
import { isRecord } from '../util/is-record.js';

/** Python truthiness of a JSON value. */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  if (value instanceof PyFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return true;
}

/** Code points Python's `str.isspace()` accepts (what `str.strip()` removes). */
function isPyWhitespace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    (code >= 0x1c && code <= 0x20) ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** `not text.strip()` in Python. */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isPyWhitespace(text.charCodeAt(i))) return false;
  return true;
}

/** Python `len(str)`: code points, not UTF-16 units. */
export function pyLen(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = text.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) continue;
    }
    n++;
  }
  return n;
}

/**
 * The reference's CodeAct loader applied to one parsed trace: null when the trace is skipped
 * (no events list, no task, no steps, fewer than 3 messages).
 */
export function referenceMessagesFromTrace(trace: unknown): TraceMessage[] | null {
  if (!isRecord(trace) || !Array.isArray(trace.events)) return null;
  const systemPrompts: string[] = [];
  let task: string | null = null;
  const steps: Record<string, unknown>[] = [];
  for (const event of trace.events) {
    if (!isRecord(event)) continue;
    const data = isRecord(event.data) ? event.data : {};
    if (event.type === 'SystemPromptEvent') {
      const prompts = data.prompts;
      if (Array.isArray(prompts)) {
        for (const p of prompts) if (typeof p === 'string' && !isBlank(p)) systemPrompts.push(p);
      } else if (typeof prompts === 'string' && !isBlank(prompts)) systemPrompts.push(prompts);
    } else if (event.type === 'StartEvent') {
      if (task === null && typeof data.task === 'string' && !isBlank(data.task)) task = data.task;
    } else if (event.type === 'StepEvent') {
      steps.push(data);
    }
  }
  if (!task || steps.length === 0) return null;

  const messages: TraceMessage[] = [];
  if (systemPrompts.length > 0) messages.push({ role: 'system', content: systemPrompts.join('\n\n') });
  messages.push({ role: 'user', content: task });
  steps.forEach((step, i) => {
    const text = step.assistant_text;
    if (typeof text !== 'string' || isBlank(text)) return;
    messages.push({ role: 'assistant', content: text });
    if (i >= steps.length - 1) return; // the reference never adds the last step's observation
    const result = isRecord(step.interpreter_result) ? step.interpreter_result : {};
    if (pyTruthy(result.error))
      messages.push({ role: 'user', content: pyJsonDumps({ error: result.error }) });
    else if (pyTruthy(result.output))
      messages.push({ role: 'user', content: pyJsonDumps({ output: result.output }) });
  });
  return messages.length < 3 ? null : messages;
}

/** Reads and converts one trace file; unreadable JSON is skipped (null), like the reference. */
export function referenceMessagesFromFile(path: string): TraceMessage[] | null {
  let parsed: unknown;
  try {
    parsed = pyJsonParse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  return referenceMessagesFromTrace(parsed);
}

/** The reference's character budget: `int(max_seq_length * 3.5)`. */
export function referenceCharBudget(maxSeqLength: number): number {
  return Math.floor(maxSeqLength * 3.5);
}

/**
 * The reference's truncation: when the content exceeds `maxChars`, keep the system and task
 * messages, then whole messages while they fit; drop a trailing non-assistant tail; fewer than 3
 * messages → [] (dropped).
 */
export function referenceTruncate(messages: TraceMessage[], maxChars: number): TraceMessage[] {
  if (messages.length === 0) return messages;
  const total = messages.reduce((sum, m) => sum + pyLen(m.content), 0);
  if (total <= maxChars) return messages;
  const kept: TraceMessage[] = [];
  let used = 0;
  let rest = messages;
  for (const role of ['system', 'user'] as const) {
    const first = rest[0];
    if (first && first.role === role) {
      kept.push(first);
      used += pyLen(first.content);
      rest = rest.slice(1);
    }
  }
  for (const m of rest) {
    const size = pyLen(m.content);
    if (used + size > maxChars) break;
    kept.push(m);
    used += size;
  }
  while (kept.length > 0 && kept[kept.length - 1]?.role !== 'assistant') kept.pop();
  return kept.length >= 3 ? kept : [];
}

/** One output line exactly as the reference writes it: `json.dumps({"messages": [...]})`. */
export function referenceJsonLine(messages: TraceMessage[]): string {
  return pyJsonDumps({ messages: messages.map((m) => ({ role: m.role, content: m.content })) });
}
