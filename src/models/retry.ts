// Retry policy of the HTTP backend, with the reference's defaults (reference-behavior §5.1):
// delay before retry n (0-based) = min(max, base·2^n) + random()·jitter; a server's retry-after wins.
import { APIConnectionError, APIError } from 'openai';
import { networkErrorText } from './network-error.js';

export interface RetryPolicy {
  maxRetries: number;
  backoffBaseS: number;
  backoffMaxS: number;
  jitterS: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 6,
  backoffBaseS: 0.5,
  backoffMaxS: 30,
  jitterS: 0.2,
};

/** A reply that arrived but cannot be used (bad JSON, no choices, cut-off body). Retried as transient. */
export class MalformedResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedResponseError';
  }
}

/** The request took longer than the configured timeout. Retried. */
export class RequestTimeoutError extends Error {
  constructor(timeoutS: number) {
    super(`request timed out after ${timeoutS} s`);
    this.name = 'RequestTimeoutError';
  }
}

/** Every attempt failed, or a failure that retrying cannot fix. */
export class ModelCallError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelCallError';
  }
}

/**
 * The request is longer than the model's context window. Never retried: the same conversation can
 * only grow, so the episode ends instead (stop reason `context_exceeded`).
 */
export class ContextLengthError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ContextLengthError';
  }
}

// The wordings of vLLM ("This model's maximum context length is N tokens. However, you requested
// …", "… is longer than the maximum model length of N"), SGLang ("The input (N tokens) is longer than
// the model's context length (M tokens)", "Requested token count exceeds the model's maximum context
// length …") and OpenAI (code `context_length_exceeded`, "This model's maximum context length is …").
const CONTEXT_LENGTH_WORDING =
  /maximum context length|context length exceeded|context_length_exceeded|exceeds the model'?s? (maximum )?context|longer than the model'?s? (maximum )?context length|longer than the maximum model length/i;

/** True for an HTTP 400 whose message or code says the prompt does not fit the context window. */
export function isContextLengthError(err: unknown): boolean {
  if (!(err instanceof APIError) || err.status !== 400) return false;
  const code = (err as { code?: unknown }).code;
  if (code === 'context_length_exceeded') return true;
  const body = err.error === undefined ? '' : JSON.stringify(err.error);
  return CONTEXT_LENGTH_WORDING.test(`${err.message} ${body}`);
}

const RETRYABLE_STATUS = new Set([408, 409, 429]);

export function isRetryable(err: unknown): boolean {
  if (err instanceof APIError && typeof err.status === 'number') {
    return RETRYABLE_STATUS.has(err.status) || err.status >= 500;
  }
  if (err instanceof APIConnectionError) return true; // includes timeouts
  if (err instanceof MalformedResponseError || err instanceof RequestTimeoutError) return true;
  // A body cut off mid-way or unparseable JSON surfaces as a TypeError/SyntaxError from fetch.
  return err instanceof SyntaxError || err instanceof TypeError;
}

export function backoffSeconds(policy: RetryPolicy, attempt: number, random: () => number): number {
  return Math.min(policy.backoffMaxS, policy.backoffBaseS * 2 ** attempt) + random() * policy.jitterS;
}

/** Seconds from a `retry-after` (seconds or HTTP date) or `retry-after-ms` header, if present. */
export function retryAfterSeconds(err: unknown, now = Date.now()): number | undefined {
  if (!(err instanceof APIError) || !err.headers) return undefined;
  const ms = Number(err.headers.get('retry-after-ms'));
  if (err.headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms / 1000;
  const header = err.headers.get('retry-after');
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

export function describeError(err: unknown): string {
  if (err instanceof APIError && typeof err.status === 'number') return `HTTP ${err.status}: ${err.message}`;
  // The client says only "Connection error."; the system's code below it tells what to fix.
  if (err instanceof APIConnectionError) {
    const network = networkErrorText(err);
    if (network !== undefined) return network;
  }
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
