// Several replicas of one model behind a list of base URLs: each request goes to the healthy
// endpoint with the fewest requests in flight; an endpoint that fails is taken out for a back-off
// period (doubling while it keeps failing) so that requests go to the others meanwhile.
import { APIConnectionError, APIError } from 'openai';
import { RequestTimeoutError } from './retry.js';

export interface EndpointPoolOptions {
  /** First back-off of a failed endpoint, in seconds (default 5). */
  backoffS?: number;
  /** Longest back-off, in seconds (default 60). */
  maxBackoffS?: number;
  /** Injected for tests: milliseconds clock. */
  now?: () => number;
}

interface Entry<T> {
  value: T;
  inFlight: number;
  /** Consecutive failures; 0 when healthy. */
  failures: number;
  /** Clock time (ms) before which the endpoint gets no request while another is healthy. */
  downUntil: number;
}

/** One request's hold on an endpoint: release it when the request ends, whatever the outcome. */
export interface EndpointLease<T> {
  readonly value: T;
  release(): void;
  /** The request got an answer: the endpoint is healthy again. */
  succeeded(): void;
  /** The endpoint is unreachable or broken: take it out for a while. */
  failed(): void;
}

export class EndpointPool<T> {
  private readonly entries: Entry<T>[];
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;
  /** Where ties start, so that equally loaded endpoints take turns. */
  private cursor = 0;

  constructor(values: readonly T[], options: EndpointPoolOptions = {}) {
    if (values.length === 0) throw new Error('an endpoint pool needs at least one endpoint');
    this.entries = values.map((value) => ({ value, inFlight: 0, failures: 0, downUntil: 0 }));
    this.backoffMs = (options.backoffS ?? 5) * 1000;
    this.maxBackoffMs = (options.maxBackoffS ?? 60) * 1000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.length;
  }

  /** True when some endpoint is not in back-off. */
  anyHealthy(): boolean {
    const now = this.now();
    return this.entries.some((e) => e.downUntil <= now);
  }

  /** Requests in flight per endpoint, in list order (for tests and diagnostics). */
  inFlight(): number[] {
    return this.entries.map((e) => e.inFlight);
  }

  /**
   * The healthy endpoint with the fewest requests in flight; when every endpoint is in back-off,
   * the one whose back-off ends first (a request is never refused here: the caller's retry policy
   * decides when to give up).
   */
  acquire(): EndpointLease<T> {
    const now = this.now();
    const n = this.entries.length;
    let best: Entry<T> | undefined;
    let bestAt = 0;
    for (let k = 0; k < n; k++) {
      const i = (this.cursor + k) % n;
      const e = this.entries[i];
      if (e.downUntil > now) continue;
      if (!best || e.inFlight < best.inFlight) {
        best = e;
        bestAt = i;
      }
    }
    if (!best) {
      for (let i = 0; i < n; i++)
        if (!best || this.entries[i].downUntil < best.downUntil) {
          best = this.entries[i];
          bestAt = i;
        }
    }
    const entry = best as Entry<T>;
    this.cursor = (bestAt + 1) % n;
    entry.inFlight += 1;
    let released = false;
    return {
      value: entry.value,
      release: () => {
        if (released) return;
        released = true;
        entry.inFlight -= 1;
      },
      succeeded: () => {
        entry.failures = 0;
        entry.downUntil = 0;
      },
      failed: () => {
        entry.failures += 1;
        const backoff = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (entry.failures - 1));
        entry.downUntil = Math.max(entry.downUntil, this.now() + backoff);
      },
    };
  }
}

/**
 * A failure that says the endpoint itself is unwell (unreachable, or a 5xx answer), as opposed to
 * a problem of the request (4xx), a rate limit (429: the server is up, just busy) or a bad reply.
 */
export function isEndpointFailure(err: unknown): boolean {
  if (err instanceof APIError && typeof err.status === 'number') return err.status >= 500;
  if (err instanceof APIConnectionError) return true;
  return err instanceof RequestTimeoutError;
}

/**
 * A failure whose request may go to another replica at once without spending a retry: the replica
 * answered quickly that it is down. A timeout has already cost the whole request time, so moving it
 * for free could multiply an episode's wait when every replica is slow; it spends a retry.
 */
export function movesForFree(err: unknown): boolean {
  return isEndpointFailure(err) && !(err instanceof RequestTimeoutError);
}
