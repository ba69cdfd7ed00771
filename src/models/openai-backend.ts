// Any OpenAI-compatible chat endpoint (vLLM, SGLang, Ollama, llama.cpp, OpenAI, Gemini's
// compatible API) through the official `openai` client. The client's own retries are off; this
// class retries with the reference's policy so that behavior is defined and testable.
import OpenAI, { APIUserAbortError } from 'openai';
import { EndpointError } from '../util/errors.js';
import { type CacheRequest, ResponseCache } from './cache.js';
import { EndpointPool, isEndpointFailure, movesForFree } from './endpoint-pool.js';
import { createHttpFetch } from './http-fetch.js';
import type { ChatMessage, CompleteOptions, Completion, Model, TokenUsage } from './model.js';
import {
  backoffSeconds,
  ContextLengthError,
  DEFAULT_RETRY_POLICY,
  describeError,
  isContextLengthError,
  isRetryable,
  MalformedResponseError,
  ModelCallError,
  RequestTimeoutError,
  type RetryPolicy,
  retryAfterSeconds,
} from './retry.js';
import { Semaphore } from './semaphore.js';
import { estimatedUsage } from './usage.js';

export interface OpenAIModelOptions extends Partial<RetryPolicy> {
  /** Model name as configured; a litellm-style `openai/` prefix is stripped from requests (kept in cache keys). */
  model: string;
  /**
   * Base URL, e.g. http://127.0.0.1:8000/v1, or several replicas of one model (see endpoint-pool.ts).
   * Default: env OPENAI_BASE_URL, then OPENAI_API_BASE.
   */
  baseUrl?: string | readonly string[];
  /** Default: env OPENAI_API_KEY, then "EMPTY" (what local servers expect). */
  apiKey?: string;
  temperature?: number;
  maxTokens?: number;
  /** Extra request body fields, e.g. `{ chat_template_kwargs: { enable_thinking: false } }`. */
  extraBody?: Record<string, unknown>;
  /** Per-attempt time limit in seconds (default 60). */
  timeoutS?: number;
  /** Requests in flight at once through this object (default 8). */
  maxConcurrentRequests?: number;
  /** Response cache: a ResponseCache or the path of its SQLite file. */
  cache?: ResponseCache | string;
  /** Default: on only for greedy decoding (temperature 0). */
  cacheEnabled?: boolean;
  /** Custom fetch for the client (proxies, instrumentation). */
  fetch?: typeof fetch;
  /** Injected for tests: random source for jitter and the sleep between attempts. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A completion that may carry where its usage came from. */
export interface HttpCompletion extends Completion {
  /** True when the server sent no usage and it was counted with the Qwen3 tokenizer. */
  usageEstimated?: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function resolveBaseUrl(explicit?: string, model?: string): string {
  const url = explicit ?? process.env.OPENAI_BASE_URL ?? process.env.OPENAI_API_BASE;
  if (!url)
    throw new EndpointError(
      `no endpoint for the HTTP model${model ? ` '${model}'` : ''}: set llm.base_url (or --base-url) or OPENAI_BASE_URL`,
      undefined,
      'llm.base_url',
    );
  return url;
}

/** A configured list of replicas, or the single resolved URL. */
function resolveBaseUrls(explicit: string | readonly string[] | undefined, model: string): string[] {
  if (Array.isArray(explicit)) {
    if (explicit.length === 0)
      throw new EndpointError('no endpoint: the base URL list is empty', undefined, 'llm.base_url');
    return [...explicit];
  }
  return [resolveBaseUrl(explicit as string | undefined, model)];
}

export class OpenAIModel implements Model {
  readonly kind = 'http' as const;
  readonly name: string;
  /** The endpoint, or the replicas' URLs joined by ', ' (for messages). */
  readonly baseUrl: string;
  private readonly endpoints: EndpointPool<{ url: string; client: OpenAI }>;
  private readonly requestModel: string;
  private readonly policy: RetryPolicy;
  private readonly timeoutS: number;
  private readonly semaphore: Semaphore;
  private readonly cache: ResponseCache | undefined;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: OpenAIModelOptions) {
    this.name = options.model;
    this.requestModel = options.model.startsWith('openai/')
      ? options.model.slice('openai/'.length)
      : options.model;
    const urls = resolveBaseUrls(options.baseUrl, options.model);
    this.baseUrl = urls.join(', ');
    this.timeoutS = options.timeoutS ?? 60;
    this.policy = {
      maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      backoffBaseS: options.backoffBaseS ?? DEFAULT_RETRY_POLICY.backoffBaseS,
      backoffMaxS: options.backoffMaxS ?? DEFAULT_RETRY_POLICY.backoffMaxS,
      jitterS: options.jitterS ?? DEFAULT_RETRY_POLICY.jitterS,
    };
    const fetch = options.fetch ?? createHttpFetch();
    const clientFor = (url: string) =>
      new OpenAI({
        baseURL: url,
        apiKey: options.apiKey ?? process.env.OPENAI_API_KEY ?? 'EMPTY',
        maxRetries: 0,
        timeout: this.timeoutS * 1000,
        fetch,
      });
    this.endpoints = new EndpointPool(urls.map((url) => ({ url, client: clientFor(url) })));
    this.semaphore = new Semaphore(options.maxConcurrentRequests ?? 8);
    const cacheOn = options.cacheEnabled ?? options.temperature === 0;
    this.cache =
      cacheOn && options.cache !== undefined
        ? typeof options.cache === 'string'
          ? new ResponseCache(options.cache)
          : options.cache
        : undefined;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async complete(messages: ChatMessage[], options: CompleteOptions = {}): Promise<HttpCompletion> {
    const temperature = options.temperature ?? this.options.temperature;
    const maxTokens = options.maxTokens ?? this.options.maxTokens;
    const cacheRequest: CacheRequest = {
      model: this.options.model,
      messages,
      temperature,
      maxTokens,
      extraBody: this.options.extraBody,
    };
    const cached = this.cache?.get(cacheRequest);
    if (cached) return { ...cached, cacheHit: true };

    const attempts = this.policy.maxRetries + 1;
    let lastError: unknown;
    // Moving a request off a failed replica costs no attempt while another replica is healthy
    // (bounded, in case replicas keep failing and recovering).
    let freeMoves = 3 * this.endpoints.size;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
      let movedOff = false;
      try {
        const completion = await this.semaphore.run(async () => {
          const endpoint = this.endpoints.acquire();
          try {
            const answer = await this.attempt(
              endpoint.value.client,
              messages,
              temperature,
              maxTokens,
              options.signal,
            );
            endpoint.succeeded();
            return answer;
          } catch (err) {
            if (this.endpoints.size > 1 && isEndpointFailure(err) && !options.signal?.aborted) {
              endpoint.failed();
              movedOff = freeMoves > 0 && movesForFree(err) && this.endpoints.anyHealthy();
            }
            throw err;
          } finally {
            endpoint.release();
          }
        });
        if (completion.finishReason === 'stop') this.cache?.put(cacheRequest, completion);
        return { ...completion, cacheHit: false };
      } catch (err) {
        if (options.signal?.aborted) throw err;
        lastError = err;
        if (isContextLengthError(err))
          throw new ContextLengthError(
            `the request does not fit the model's context window (${describeError(err)})`,
            (err as { status?: number }).status,
            { cause: err },
          );
        if (movedOff) {
          freeMoves -= 1;
          attempt -= 1;
          continue;
        }
        if (!isRetryable(err)) {
          const status = (err as { status?: number }).status;
          throw new ModelCallError(
            `model call to ${this.baseUrl} failed with a non-retryable error: ${describeError(err)}`,
            attempt + 1,
            status,
            { cause: err },
          );
        }
        if (attempt + 1 >= attempts) break;
        const hinted = retryAfterSeconds(err);
        const delayS =
          hinted !== undefined
            ? Math.min(hinted, this.policy.backoffMaxS)
            : backoffSeconds(this.policy, attempt, this.random);
        await sleepUnlessAborted(this.sleep(delayS * 1000), options.signal);
      }
    }
    throw new ModelCallError(
      `model call to ${this.baseUrl} failed after ${attempts} attempts (${this.policy.maxRetries} retries); last error: ${describeError(lastError)}`,
      attempts,
      (lastError as { status?: number })?.status,
      { cause: lastError },
    );
  }

  private async attempt(
    client: OpenAI,
    messages: ChatMessage[],
    temperature: number | undefined,
    maxTokens: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<HttpCompletion> {
    // Our own deadline covers the whole exchange, body included (a stalled body counts too).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.timeoutS * 1000);
    const combined = new AbortController();
    const forward = () => combined.abort();
    deadline.signal.addEventListener('abort', forward, { once: true });
    signal?.addEventListener('abort', forward, { once: true });
    if (signal?.aborted) combined.abort();
    try {
      const body = {
        ...(this.options.extraBody ?? {}),
        model: this.requestModel,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        ...(temperature !== undefined ? { temperature } : {}),
        ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
        stream: false as const,
      };
      const response = (await client.chat.completions.create(body, {
        signal: combined.signal,
      })) as unknown;
      return this.readResponse(messages, response);
    } catch (err) {
      if (deadline.signal.aborted && !signal?.aborted && (err instanceof APIUserAbortError || isAbort(err)))
        throw new RequestTimeoutError(this.timeoutS);
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forward);
    }
  }

  private readResponse(messages: ChatMessage[], response: unknown): HttpCompletion {
    if (typeof response !== 'object' || response === null)
      throw new MalformedResponseError(`the endpoint returned ${typeof response} instead of a JSON object`);
    const r = response as {
      choices?: {
        message?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown };
        text?: unknown;
        finish_reason?: unknown;
      }[];
      usage?: Partial<TokenUsage> | null;
    };
    if (!Array.isArray(r.choices) || r.choices.length === 0)
      throw new MalformedResponseError('the response has no choices');
    const choice = r.choices[0];
    // Reasoning parsers (vLLM, SGLang, DeepSeek) put the thinking beside the answer; a reasoning
    // model may then send `content: null` when it never got to an answer.
    const reasoning = reasoningOf(choice?.message);
    const rawContent = choice?.message?.content ?? choice?.text;
    const content = (rawContent ?? null) === null && reasoning !== undefined ? '' : rawContent;
    if (typeof content !== 'string')
      throw new MalformedResponseError('the first choice has no message content');
    const withReasoning = reasoning === undefined ? {} : { reasoning };
    const finishReason = typeof choice?.finish_reason === 'string' ? choice.finish_reason : 'unknown';
    const u = r.usage;
    if (u && typeof u.prompt_tokens === 'number' && typeof u.completion_tokens === 'number') {
      return {
        text: content,
        ...withReasoning,
        finishReason,
        usage: {
          prompt_tokens: u.prompt_tokens,
          completion_tokens: u.completion_tokens,
          total_tokens:
            typeof u.total_tokens === 'number' ? u.total_tokens : u.prompt_tokens + u.completion_tokens,
        },
      };
    }
    // Without server usage, count the reasoning too, as the model generated it (Qwen3's layout).
    const generated = reasoning === undefined ? content : `<think>\n${reasoning}\n</think>\n\n${content}`;
    return {
      text: content,
      ...withReasoning,
      finishReason,
      usage: estimatedUsage(messages, generated),
      usageEstimated: true,
    };
  }
}

/** `reasoning_content` (vLLM, SGLang, DeepSeek) or `reasoning` (newer vLLM, OpenRouter), when non-empty. */
function reasoningOf(
  message: { reasoning_content?: unknown; reasoning?: unknown } | undefined,
): string | undefined {
  for (const value of [message?.reasoning_content, message?.reasoning]) {
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

/** Waits for `sleeping`, or rejects as soon as `signal` aborts (a caller never waits out a backoff). */
function sleepUnlessAborted(sleeping: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleeping;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    sleeping.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, reject);
  });
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || /abort/i.test(err.message));
}
