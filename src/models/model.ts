/** One chat message as sent to an OpenAI-compatible endpoint. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface Completion {
  /** The answer: `content` as the server sent it (with any inline `<think>` block still in it). */
  text: string;
  /** Reasoning the server returned beside the answer (`reasoning_content` or `reasoning`), if any. */
  reasoning?: string;
  /** 'stop' for a normal end; anything else ('length', …) is handled as the reference does. */
  finishReason: string;
  usage: TokenUsage;
  cacheHit?: boolean;
}

export interface CompleteOptions {
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

/** Anything that writes the agent's turns: an HTTP endpoint, a scripted policy, a replay. */
export interface Model {
  /** Name recorded in traces (scripted policies are named `scripted-…`, never as a model). */
  readonly name: string;
  readonly kind: 'http' | 'scripted' | 'replay';
  complete(messages: ChatMessage[], options?: CompleteOptions): Promise<Completion>;
}
