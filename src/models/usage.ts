// Token usage as a Qwen3 server would report it, for replies that did not come from a server.
import type { ChatMessage, TokenUsage } from './model.js';
import { countPromptTokens, countQwen3Tokens } from './qwen3.js';

/** prompt = the rendered chat with the generation prompt; completion = the reply plus its end-of-turn token. */
export function estimatedUsage(messages: readonly ChatMessage[], reply: string): TokenUsage {
  const prompt_tokens = countPromptTokens(messages);
  const completion_tokens = countQwen3Tokens(reply) + 1;
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}
