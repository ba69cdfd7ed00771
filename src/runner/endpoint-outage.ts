/**
 * When a model endpoint that is down stops the whole run instead of failing its episodes one by one
 * (docs/running.md, "A model endpoint that is down"). One watch per agent sees every call its shared
 * model makes. A call counts against the endpoint when it failed after all its retries because the
 * endpoint gave no usable answer: no connection, a timeout, a 5xx, or 401/403/404 (a wrong key,
 * path or model name fails every request alike). The rule:
 *
 * - before the model has answered once in this invocation, the first such call stops the run: nothing
 *   has worked yet, so every episode would only fail the same way;
 * - afterwards, OUTAGE_CALLS_IN_A_ROW such calls in a row, with no answer in between from any of the
 *   agent's episodes, stop it (one more than an episode can fail on its own, so that a request that
 *   fails for its own reasons ends only its episode).
 *
 * Stopping raises `signal` (the agent's running episodes abort and are not recorded, so a resume plays
 * them) and reports one EndpointError naming the endpoint and what happened.
 */
import { setMaxListeners } from 'node:events';
import { MODEL_FAILURES_ENDING_EPISODE } from '../agent/run-episode.js';
import { isEndpointFailure } from '../models/endpoint-pool.js';
import type { ChatMessage, CompleteOptions, Completion, Model } from '../models/model.js';
import { describeError, ModelCallError } from '../models/retry.js';
import { EndpointError } from '../util/errors.js';

export const OUTAGE_CALLS_IN_A_ROW = MODEL_FAILURES_ENDING_EPISODE + 1;

const REFUSED_EVERY_REQUEST = new Set([401, 403, 404]);

/** True for a failed call (retries spent) that says the endpoint, not the request, is at fault. */
export function isOutageFailure(err: unknown): boolean {
  if (!(err instanceof ModelCallError)) return false;
  if (err.status !== undefined && REFUSED_EVERY_REQUEST.has(err.status)) return true;
  return isEndpointFailure(err.cause);
}

export class EndpointOutageWatch {
  private answered = false;
  private failuresInARow = 0;
  private readonly stopper = new AbortController();
  private error: EndpointError | undefined;

  constructor(
    /** The endpoint as configured (the message names it). */
    private readonly endpoint: string,
    private readonly onOutage: (error: EndpointError) => void = () => {},
  ) {
    // Every running episode of the agent listens: many at once are expected, not a leak.
    setMaxListeners(0, this.stopper.signal);
  }

  /** Raised once the rule has stopped the run. */
  get signal(): AbortSignal {
    return this.stopper.signal;
  }

  /** The error that stopped the run, if it stopped. */
  get outage(): EndpointError | undefined {
    return this.error;
  }

  /** The model as seen through the watch (same name and kind). */
  watch(model: Model): Model {
    return {
      name: model.name,
      kind: model.kind,
      complete: async (messages: ChatMessage[], options?: CompleteOptions): Promise<Completion> => {
        try {
          const completion = await model.complete(messages, options);
          // A cached answer says nothing about the endpoint.
          if (!completion.cacheHit) {
            this.answered = true;
            this.failuresInARow = 0;
          }
          return completion;
        } catch (err) {
          if (!options?.signal?.aborted && isOutageFailure(err)) this.failed(err as ModelCallError);
          throw err;
        }
      },
    };
  }

  private failed(err: ModelCallError): void {
    this.failuresInARow += 1;
    if (this.error !== undefined) return;
    if (this.answered && this.failuresInARow < OUTAGE_CALLS_IN_A_ROW) return;
    const attempts = err.attempts === 1 ? '1 attempt' : `${err.attempts} attempts`;
    const what = this.answered
      ? `${this.failuresInARow} model calls in a row failed after ${attempts} each`
      : `the first model call failed after ${attempts}`;
    this.error = new EndpointError(
      `${describeError(err.cause ?? err)}; ${what}, so the run stopped`,
      this.endpoint,
      undefined,
      { cause: err },
    );
    this.stopper.abort(this.error);
    this.onOutage(this.error);
  }
}
