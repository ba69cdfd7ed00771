// The fixed texts the loop sends to the model. They are the reference's exact strings (facts of its
// protocol that the paper's adapters were trained around), not prose of ours.
import { pyJsonDumps } from '../python/json.js';

export const MULTIPLE_BLOCKS_MESSAGE =
  'Error: You emitted multiple code blocks. Please provide only one executable code block per turn.';

/** User message after a model call that failed (after the backend's own retries). */
export function llmCallFailedMessage(error: unknown): string {
  return `LLM Call Failed: ${errorText(error)}`;
}

/** User message after a reply that ended for a reason other than 'stop' (e.g. 'length'). */
export function unexpectedFinishMessage(reason: string): string {
  return `LLM ended unexpectedly (reason: ${reason}). Please continue.`;
}

/** The transient per-turn message listing the interpreter's user globals. */
export function globalsMessage(names: readonly string[]): string {
  return `Python interpreter globals: ${pyJsonDumps(names)}`;
}

/** What the model sees after a step: Python's default json.dumps of the four fields, in this order. */
export interface Observation {
  success: boolean;
  result: null;
  output: string;
  error: string | null;
}

export function observationMessage(observation: Observation): string {
  return pyJsonDumps({
    success: observation.success,
    result: observation.result,
    output: observation.output,
    error: observation.error,
  });
}

/** `str(exception)` of the reference: the message of an Error, the text of anything else. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
