// Token usage as a Qwen3 server would report it, for replies that did not come from a server.
// A conversation is re-counted on every turn, so counts are memoized per chat segment: the
// tokenizer splits at special tokens before BPE, so the count of a rendered chat is the sum of the
// counts of the pieces between `<|im_start|>` / `<|im_end|>` plus one per special token.
import type { ChatMessage, TokenUsage } from './model.js';
import { countQwen3Tokens, renderQwen3Chat } from './qwen3.js';

const SPECIAL = /<\|im_start\|>|<\|im_end\|>/g;
const MEMO_LIMIT = 20_000;
const memo = new Map<string, number>();

function segmentTokens(segment: string): number {
  if (segment.length === 0) return 0;
  let n = memo.get(segment);
  if (n === undefined) {
    n = countQwen3Tokens(segment);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(segment, n);
  }
  return n;
}

/** Qwen3 tokens of a text, counted piecewise between chat-template special tokens (memoized). */
export function countChatText(text: string): number {
  let total = 0;
  let last = 0;
  for (const match of text.matchAll(SPECIAL)) {
    total += segmentTokens(text.slice(last, match.index)) + 1;
    last = (match.index as number) + match[0].length;
  }
  return total + segmentTokens(text.slice(last));
}

/** prompt = the rendered chat with the generation prompt; completion = the reply plus its end-of-turn token. */
export function estimatedUsage(messages: readonly ChatMessage[], reply: string): TokenUsage {
  const prompt_tokens = countRequestTokens(messages);
  const completion_tokens = countQwen3Tokens(reply) + 1;
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

/** Prompt tokens a Qwen3 server would count for a request with these messages. */
export function countRequestTokens(messages: readonly ChatMessage[]): number {
  return countChatText(renderQwen3Chat(messages, { addGenerationPrompt: true }));
}

/**
 * A cheap stand-in for `estimatedUsage` (about four characters per token, plus the chat template's
 * few tokens per message) for load tests, where exact counting would make the stand-in model
 * server the bottleneck of the machine it shares with the harness.
 */
export function approximateUsage(messages: readonly ChatMessage[], reply: string): TokenUsage {
  const perMessage = 5;
  let chars = 0;
  for (const m of messages) chars += m.content.length;
  const prompt_tokens = Math.ceil(chars / 4) + perMessage * messages.length + 3;
  const completion_tokens = Math.ceil(reply.length / 4) + 1;
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}
