// The replica pool: least-in-flight choice, back-off of failed endpoints, and the HTTP backend moving
// a request off a failed replica without spending a retry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EndpointPool } from '../../src/models/endpoint-pool.js';
import { OpenAIModel, startPolicyServer } from '../../src/models/index.js';

describe('endpoint pool', () => {
  it('sends each request to the endpoint with the fewest in flight, taking turns on ties', () => {
    const pool = new EndpointPool(['a', 'b', 'c']);
    const first = [pool.acquire(), pool.acquire(), pool.acquire()];
    assert.deepEqual(
      first.map((l) => l.value),
      ['a', 'b', 'c'],
    );
    first[1].release();
    const fourth = pool.acquire();
    assert.equal(fourth.value, 'b', 'b is the only one with nothing in flight');
    assert.deepEqual(pool.inFlight(), [1, 1, 1]);
    for (const l of [...first, fourth]) l.release();
    assert.deepEqual(pool.inFlight(), [0, 0, 0]);
    // Sequential requests (one at a time) still spread over every replica.
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const l = pool.acquire();
      seen.add(l.value);
      l.release();
    }
    assert.equal(seen.size, 3);
  });

  it('a failed endpoint is out for a back-off that doubles, and back after a success', () => {
    let now = 0;
    const pool = new EndpointPool(['a', 'b'], { backoffS: 5, maxBackoffS: 15, now: () => now });
    const a = pool.acquire();
    assert.equal(a.value, 'a');
    a.failed();
    a.release();
    for (let i = 0; i < 3; i++) {
      const l = pool.acquire();
      assert.equal(l.value, 'b', 'a is in back-off');
      l.release();
    }
    now = 5001;
    const again = pool.acquire();
    assert.equal(again.value, 'a', 'back-off over');
    again.failed();
    again.release();
    now += 9000;
    assert.equal(pool.acquire().value, 'b', 'second failure: 10 s back-off');
    now += 1001;
    const healed = pool.acquire();
    assert.equal(healed.value, 'a');
    healed.succeeded();
    healed.release();
  });

  it('when every endpoint is in back-off, the one back soonest gets the request', () => {
    let now = 0;
    const pool = new EndpointPool(['a', 'b'], { backoffS: 5, now: () => now });
    const a = pool.acquire();
    a.failed();
    now = 2000;
    const b = pool.acquire();
    b.failed();
    assert.equal(pool.anyHealthy(), false);
    assert.equal(pool.acquire().value, 'a');
  });
});

describe('HTTP backend with several replicas', () => {
  it('spreads requests; a dead replica costs no retry while another is healthy', async () => {
    const servers = await Promise.all(
      [0, 1, 2].map(() => startPolicyServer({ policy: 'scripted-persistent', latencyMs: 20 })),
    );
    try {
      const model = new OpenAIModel({
        model: 'served-policy',
        baseUrl: servers.map((s) => s.url),
        maxRetries: 0, // any failure that reached the retry policy would throw
        cacheEnabled: false,
        maxConcurrentRequests: 6,
      });
      const messages = [{ role: 'user' as const, content: 'hello' }];
      await Promise.all(Array.from({ length: 9 }, () => model.complete(messages)));
      assert.deepEqual(
        servers.map((s) => s.requests()),
        [3, 3, 3],
        'nine concurrent requests, three per replica',
      );
      await servers[1].close();
      const answers = await Promise.all(Array.from({ length: 9 }, () => model.complete(messages)));
      assert.equal(answers.length, 9);
      assert.equal(servers[1].requests(), 3, 'the closed replica answered nothing more');
      assert.equal(servers[0].requests() + servers[2].requests(), 6 + 9);
    } finally {
      await Promise.all(servers.map((s) => s.close().catch(() => {})));
    }
  });

  it('with every replica down, the usual retry policy applies and the error names the endpoints', async () => {
    const model = new OpenAIModel({
      model: 'served-policy',
      baseUrl: ['http://127.0.0.1:1/v1', 'http://127.0.0.1:2/v1'],
      maxRetries: 1,
      backoffBaseS: 0,
      jitterS: 0,
      cacheEnabled: false,
    });
    await assert.rejects(
      model.complete([{ role: 'user', content: 'x' }]),
      /127\.0\.0\.1:1\/v1, http:\/\/127\.0\.0\.1:2\/v1 failed after 2 attempts/,
    );
  });
});
