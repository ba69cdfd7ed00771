// Truncation by real Qwen3 tokens at turn boundaries (the default export; the reference cut by
// characters at 3.5 chars/token, which can drop or keep the wrong amount).

import type { TraceMessage } from '../formats/trace.js';
import { countQwen3Tokens, renderQwen3Chat } from '../models/qwen3.js';

/** Qwen3 tokens of a training example: the whole conversation rendered by the chat template. */
export function exampleTokens(messages: readonly TraceMessage[]): number {
  return countQwen3Tokens(renderQwen3Chat(messages, { addGenerationPrompt: false }));
}

export interface TruncationResult {
  messages: TraceMessage[];
  tokens: number;
  /** Messages removed from the end. */
  dropped: number;
}

/**
 * The longest prefix that ends with an assistant turn and renders within `maxTokens`, or null
 * when not even the first assistant turn fits. Token counts grow with the prefix, so the cut is
 * found by binary search over the assistant-turn boundaries.
 */
export function truncateToTokens(
  messages: readonly TraceMessage[],
  maxTokens: number,
): TruncationResult | null {
  const cuts: number[] = [];
  messages.forEach((m, i) => {
    if (m.role === 'assistant') cuts.push(i + 1);
  });
  if (cuts.length === 0) return null;
  const full = cuts[cuts.length - 1] as number;
  const fullTokens = exampleTokens(messages.slice(0, full));
  if (fullTokens <= maxTokens)
    return { messages: messages.slice(0, full), tokens: fullTokens, dropped: messages.length - full };
  let lo = 0;
  let hi = cuts.length - 2; // the full length does not fit
  let best: TruncationResult | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const cut = cuts[mid] as number;
    const tokens = exampleTokens(messages.slice(0, cut));
    if (tokens <= maxTokens) {
      best = { messages: messages.slice(0, cut), tokens, dropped: messages.length - cut };
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}
