// What a scripted policy can know: only the messages it is sent. This module reads them into a
// structured view (goal prompt, tool-call limit, observations and the JSON lines they printed).
import { withoutRuntimeNotice } from '../../runtime/messages.js';
import type { ChatMessage } from '../model.js';

/** One interpreter observation as the agent loop sends it back (`{"success", "result", "output", "error"}`). */
export interface Observation {
  success: boolean;
  output: string;
  error: string | null;
}

export interface ConversationView {
  /** All system messages joined (prompt, runtime note, tool list). */
  system: string;
  /** The first user message: the environment's goal prompt. */
  goal: string;
  /** Per-block tool-call limit stated in the tool list, if any. */
  maxToolCalls: number | undefined;
  /** Observations in order. */
  observations: Observation[];
  /** JSON objects printed on their own line in any observation's output, in order. */
  records: Record<string, unknown>[];
  /** The observation answering the latest assistant turn, if the latest turn produced one. */
  lastObservation: Observation | undefined;
  /** Names listed by the transient "Python interpreter globals: [...]" message, when it was sent. */
  globals: string[] | undefined;
  /** Number of assistant turns so far. */
  turns: number;
}

const GLOBALS_PREFIX = 'Python interpreter globals: ';
const LIMIT_PATTERN = /maximum number of tool calls allowed per turn is (\d+)/i;

export function parseObservation(content: string): Observation | undefined {
  const text = withoutRuntimeNotice(content).trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || !('success' in value) || !('output' in value))
      return undefined;
    return {
      success: value.success === true,
      output: typeof value.output === 'string' ? value.output : '',
      error: 'error' in value && typeof value.error === 'string' ? value.error : null,
    };
  } catch {
    return undefined;
  }
}

/** Lines of printed output that are JSON objects (the policies print their findings that way). */
export function jsonLines(output: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const line of output.split('\n')) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    try {
      const value = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) found.push(value);
    } catch {
      // not one of ours; ignore
    }
  }
  return found;
}

export function readConversation(messages: readonly ChatMessage[]): ConversationView {
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n');
  const firstUser = messages.find((m) => m.role === 'user');
  const goal = firstUser?.content ?? '';
  const limitMatch = LIMIT_PATTERN.exec(system);
  const observations: Observation[] = [];
  const records: Record<string, unknown>[] = [];
  let lastObservation: Observation | undefined;
  let globals: string[] | undefined;
  let turns = 0;
  messages.forEach((m, index) => {
    if (m.role === 'assistant') {
      turns += 1;
      lastObservation = undefined;
      return;
    }
    if (m.role !== 'user' || m === firstUser) return;
    if (m.content.startsWith(GLOBALS_PREFIX)) {
      // Only the transient message at the end describes the interpreter now.
      if (index === messages.length - 1) globals = parseGlobals(m.content.slice(GLOBALS_PREFIX.length));
      return;
    }
    const observation = parseObservation(m.content);
    if (!observation) return;
    observations.push(observation);
    records.push(...jsonLines(observation.output));
    lastObservation = observation;
  });
  return {
    system,
    goal,
    maxToolCalls: limitMatch ? Number(limitMatch[1]) : undefined,
    observations,
    records,
    lastObservation,
    globals,
    turns,
  };
}

function parseGlobals(text: string): string[] | undefined {
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
  } catch {
    return undefined;
  }
}

/** True when the latest block failed because a name was not defined (the interpreter forgot it). */
export function lostState(view: ConversationView, needed: readonly string[]): boolean {
  const last = view.lastObservation;
  if (last?.error && /NameError/.test(last.error)) return true;
  // In a persistent runtime the globals list tells the truth; trust it when it is there.
  if (view.globals && view.turns > 0) return needed.some((name) => !view.globals?.includes(name));
  return false;
}

/** Calls a block may make: one below the stated limit (leave room), unlimited otherwise. */
export function callsPerBlock(view: ConversationView): number {
  return view.maxToolCalls === undefined ? Number.POSITIVE_INFINITY : Math.max(1, view.maxToolCalls - 1);
}

export function firstInt(pattern: RegExp, text: string): number | undefined {
  const match = pattern.exec(text);
  return match ? Number(match[1]) : undefined;
}
