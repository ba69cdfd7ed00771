// The rule that turns a model endpoint that is down into a stopped run, checked call by call against
// a real HTTP peer (the policy server on 127.0.0.1, with scripted faults) and the real HTTP backend.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ChatMessage } from '../../src/models/model.js';
import { OpenAIModel } from '../../src/models/openai-backend.js';
import { type Fault, startPolicyServer } from '../../src/models/policy-server.js';
import { ModelCallError } from '../../src/models/retry.js';
import { EndpointOutageWatch, OUTAGE_CALLS_IN_A_ROW } from '../../src/runner/endpoint-outage.js';
import { AlrError } from '../../src/util/errors.js';
import { closedPort } from '../helpers/closed-port.js';
import { scratchDir } from '../helpers/scratch.js';

const scratch = scratchDir('endpoint-outage');

const turn = (n: number): ChatMessage[] => [
  { role: 'system', content: 'Available tools:\ndef submit(params: str) -> bool' },
  { role: 'user', content: `Function family: linear_int\nProbe budget: ${n} calls to test_input(x)` },
];

const status = (code: number): Fault => ({ kind: 'status', status: code });

/** One retry, no waiting: each failed call is two requests. */
function httpModel(baseUrl: string, extra: Partial<ConstructorParameters<typeof OpenAIModel>[0]> = {}) {
  return new OpenAIModel({
    model: 'scripted-stateless',
    baseUrl,
    timeoutS: 20,
    maxRetries: 1,
    sleep: async () => {},
    ...extra,
  });
}

/** Plays `calls` calls through a watch on a policy server with the given faults, one at a time. */
async function play(script: (Fault | null)[], calls: number) {
  const server = await startPolicyServer({ policy: 'scripted-stateless', faults: { script } });
  const reported: AlrError[] = [];
  const watch = new EndpointOutageWatch(server.url, (error) => reported.push(error));
  const model = watch.watch(httpModel(server.url));
  const outcomes: string[] = [];
  try {
    for (let i = 0; i < calls; i++) {
      try {
        await model.complete(turn(i));
        outcomes.push('answered');
      } catch (err) {
        assert.ok(err instanceof ModelCallError, String(err));
        outcomes.push(`failed ${err.status ?? ''}`.trim());
      }
      if (watch.signal.aborted) break;
    }
  } finally {
    await server.close();
  }
  return { url: server.url, watch, reported, outcomes, requests: server.requests() };
}

describe('a model endpoint that is down', () => {
  it('before any answer, the first call that fails after its retries stops the run', async () => {
    const run = await play([status(500), status(500), null], 3);
    assert.deepEqual(run.outcomes, ['failed 500']);
    assert.equal(run.requests, 2, 'one attempt and one retry');
    assert.ok(run.watch.signal.aborted);
    assert.equal(run.reported.length, 1, 'reported once');
    const error = run.watch.outage;
    assert.ok(AlrError.is(error) && error.kind === 'endpoint');
    assert.equal(error.where, run.url);
    assert.match(
      error.message,
      /HTTP 500: .*; the first model call failed after 2 attempts, so the run stopped$/,
    );
    assert.equal(run.watch.signal.reason, error);
  });

  it('a 404 (a wrong model name or path) fails every request alike: it stops the run without a retry', async () => {
    const run = await play([status(404)], 2);
    assert.deepEqual(run.outcomes, ['failed 404']);
    assert.match(String(run.watch.outage?.message), /HTTP 404: .*after 1 attempt, so/);
  });

  it('a 400 and a rate limit that outlasts the retries concern the request: the run goes on', async () => {
    const run = await play([status(400), status(429), status(429), null], 3);
    assert.deepEqual(run.outcomes, ['failed 400', 'failed 429', 'answered']);
    assert.equal(run.watch.outage, undefined);
    assert.equal(run.watch.signal.aborted, false);
  });

  it(`after an answer, ${OUTAGE_CALLS_IN_A_ROW} failed calls in a row stop the run; an answer in between starts the count again`, async () => {
    const failedCall = [status(503), status(503)];
    const failedCalls = (n: number) => Array.from({ length: n }, () => failedCall).flat();
    const script = [
      null,
      ...failedCalls(OUTAGE_CALLS_IN_A_ROW - 1),
      null,
      ...failedCalls(OUTAGE_CALLS_IN_A_ROW),
      null,
    ];
    const run = await play(script, 20);
    const failures = (n: number) => Array.from({ length: n }, () => 'failed 503');
    assert.deepEqual(run.outcomes, [
      'answered',
      ...failures(OUTAGE_CALLS_IN_A_ROW - 1),
      'answered',
      ...failures(OUTAGE_CALLS_IN_A_ROW),
    ]);
    assert.match(
      String(run.watch.outage?.message),
      new RegExp(`HTTP 503: .*; ${OUTAGE_CALLS_IN_A_ROW} model calls in a row failed after 2 attempts each`),
    );
  });

  it('a refused connection is named as such', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const watch = new EndpointOutageWatch(url);
    const model = watch.watch(httpModel(url, { maxRetries: 0 }));
    await assert.rejects(model.complete(turn(0)), /connection refused \(ECONNREFUSED\)/);
    assert.match(
      String(watch.outage?.message),
      /^http:\/\/127\.0\.0\.1:\d+\/v1: connection refused \(ECONNREFUSED\); the first model call failed after 1 attempt/,
    );
  });

  it('a cached answer says nothing about the endpoint', async () => {
    const cache = join(scratch, 'cache.sqlite');
    const server = await startPolicyServer({ policy: 'scripted-stateless' });
    try {
      await httpModel(server.url, { cache, temperature: 0 }).complete(turn(0));
    } finally {
      await server.close();
    }
    // The same server address, now closed: the cached turn is served, the next one is refused.
    const watch = new EndpointOutageWatch(server.url);
    const model = watch.watch(httpModel(server.url, { cache, temperature: 0, maxRetries: 0 }));
    const cached = await model.complete(turn(0));
    assert.equal(cached.cacheHit, true);
    await assert.rejects(model.complete(turn(1)));
    assert.match(String(watch.outage?.message), /the first model call failed/);
  });
});
