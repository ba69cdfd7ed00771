// The HTTP backend against a real HTTP peer (the policy server on 127.0.0.1) and the real openai client.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatMessage } from '../../src/models/model.js';
import { OpenAIModel } from '../../src/models/openai-backend.js';
import { type Fault, type PolicyServer, startPolicyServer } from '../../src/models/policy-server.js';
import { ModelCallError } from '../../src/models/retry.js';
import { ScriptedPolicy } from '../../src/models/scripted/policy.js';
import { approximateUsage, estimatedUsage } from '../../src/models/usage.js';

const conversation: ChatMessage[] = [
  {
    role: 'system',
    content: 'Available tools:\ndef test_input(x: int) -> int\ndef submit(params: str) -> bool',
  },
  { role: 'user', content: 'Function family: linear_int\nProbe budget: 4 calls to test_input(x)' },
];
const expectedText = new ScriptedPolicy('scripted-stateless').reply(conversation);
// Load the tokenizer up front so that no test's first request is slowed by it.
before(() => {
  estimatedUsage(conversation, expectedText);
});

async function withServer<T>(
  script: (Fault | null)[],
  body: (server: PolicyServer, sleeps: number[], model: OpenAIModel) => Promise<T>,
  modelOptions: Partial<ConstructorParameters<typeof OpenAIModel>[0]> = {},
) {
  const server = await startPolicyServer({ policy: 'scripted-stateless', faults: { script } });
  const sleeps: number[] = [];
  const model = new OpenAIModel({
    model: 'openai/scripted-stateless',
    baseUrl: server.url,
    timeoutS: 20,
    maxRetries: 3,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...modelOptions,
  });
  try {
    return await body(server, sleeps, model);
  } finally {
    await server.close();
  }
}

describe('OpenAI-compatible backend', () => {
  it('returns the text, finish reason and usage the server sent', async () => {
    await withServer([], async (server, sleeps, model) => {
      const completion = await model.complete(conversation);
      assert.equal(completion.text, expectedText);
      assert.equal(completion.finishReason, 'stop');
      assert.deepEqual(completion.usage, estimatedUsage(conversation, expectedText));
      assert.equal(completion.usageEstimated, undefined);
      assert.equal(server.requests(), 1);
      assert.deepEqual(sleeps, []);
    });
  });

  it('reports approximate usage when the server is asked to', async () => {
    const server = await startPolicyServer({ policy: 'scripted-stateless', usage: 'approximate' });
    try {
      const model = new OpenAIModel({
        model: 'openai/scripted-stateless',
        baseUrl: server.url,
        timeoutS: 20,
      });
      const completion = await model.complete(conversation);
      assert.deepEqual(completion.usage, approximateUsage(conversation, expectedText));
      assert.notDeepEqual(completion.usage, estimatedUsage(conversation, expectedText));
    } finally {
      await server.close();
    }
  });

  const transient: [string, Fault][] = [
    ['HTTP 500', { kind: 'status', status: 500 }],
    ['HTTP 503', { kind: 'status', status: 503 }],
    ['HTTP 408', { kind: 'status', status: 408 }],
    ['HTTP 429', { kind: 'status', status: 429 }],
    ['a dropped connection', { kind: 'drop' }],
    ['malformed JSON', { kind: 'malformed-json' }],
    ['empty choices', { kind: 'empty-choices' }],
    ['a truncated body', { kind: 'truncated' }],
  ];
  for (const [label, fault] of transient) {
    it(`retries after ${label}, then succeeds`, async () => {
      await withServer([fault, fault], async (server, sleeps, model) => {
        const completion = await model.complete(conversation);
        assert.equal(completion.text, expectedText);
        assert.equal(server.requests(), 3);
        // base 0.5 s · 2^attempt + 0.5 · jitter 0.2
        assert.deepEqual(sleeps, [600, 1100]);
      });
    });
  }

  it('retries after a stalled request once the timeout fires', async () => {
    await withServer(
      [{ kind: 'stall' }],
      async (server, sleeps, model) => {
        const completion = await model.complete(conversation);
        assert.equal(completion.text, expectedText);
        assert.equal(server.requests(), 2);
        assert.equal(sleeps.length, 1);
      },
      { timeoutS: 1 },
    );
  });

  it('honors retry-after on 429', async () => {
    await withServer([{ kind: 'status', status: 429, retryAfterS: 7 }], async (server, sleeps, model) => {
      await model.complete(conversation);
      assert.equal(server.requests(), 2);
      assert.deepEqual(sleeps, [7000]);
    });
  });

  for (const status of [400, 401, 404, 422]) {
    it(`does not retry HTTP ${status}`, async () => {
      await withServer([{ kind: 'status', status }], async (server, sleeps, model) => {
        await assert.rejects(model.complete(conversation), (err: unknown) => {
          assert.ok(err instanceof ModelCallError);
          assert.equal(err.status, status);
          assert.equal(err.attempts, 1);
          assert.match(err.message, new RegExp(`non-retryable.*HTTP ${status}`));
          return true;
        });
        assert.equal(server.requests(), 1);
        assert.deepEqual(sleeps, []);
      });
    });
  }

  it('gives up after max_retries + 1 attempts and says so with the last error', async () => {
    const fault: Fault = { kind: 'status', status: 502 };
    await withServer(
      [fault, fault, fault, fault, fault],
      async (server, sleeps, model) => {
        await assert.rejects(model.complete(conversation), (err: unknown) => {
          assert.ok(err instanceof ModelCallError);
          assert.match(err.message, /failed after 3 attempts \(2 retries\); last error: HTTP 502/);
          return true;
        });
        assert.equal(server.requests(), 3);
        assert.deepEqual(sleeps, [600, 1100]);
      },
      { maxRetries: 2 },
    );
  });

  it('caps the backoff at backoff_max_s', async () => {
    const fault: Fault = { kind: 'status', status: 500 };
    await withServer(
      [fault, fault, fault, fault],
      async (_server, sleeps, model) => {
        await model.complete(conversation);
        assert.deepEqual(sleeps, [600, 1100, 1600, 1600]);
      },
      { maxRetries: 4, backoffMaxS: 1.5 },
    );
  });

  it('passes finish_reason "length" through without retrying', async () => {
    await withServer([{ kind: 'length' }], async (server, _sleeps, model) => {
      const completion = await model.complete(conversation);
      assert.equal(completion.finishReason, 'length');
      assert.equal(server.requests(), 1);
    });
  });

  it('counts usage with the Qwen3 tokenizer when the server omits it, and marks it estimated', async () => {
    await withServer([{ kind: 'no-usage' }], async (_server, _sleeps, model) => {
      const completion = await model.complete(conversation);
      assert.equal(completion.usageEstimated, true);
      assert.deepEqual(completion.usage, estimatedUsage(conversation, expectedText));
    });
  });

  it('stops waiting out a backoff when the caller aborts', async () => {
    await withServer(
      [{ kind: 'status', status: 503 }],
      async (server, _sleeps, model) => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 100);
        await assert.rejects(model.complete(conversation, { signal: controller.signal }));
        assert.equal(server.requests(), 1);
      },
      // A sleep that never ends on its own: only the abort can end the call.
      { sleep: () => new Promise<void>(() => {}) },
    );
  });

  it('stops without retrying when the caller aborts', async () => {
    await withServer([{ kind: 'stall' }], async (server, sleeps, model) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(model.complete(conversation, { signal: controller.signal }));
      assert.equal(server.requests(), 1);
      assert.deepEqual(sleeps, []);
    });
  });
});

describe('policy server', () => {
  it('injects seeded random faults reproducibly, and the backend rides through them', async () => {
    const outcomes: number[] = [];
    for (let run = 0; run < 2; run++) {
      const server = await startPolicyServer({
        policy: 'scripted-stateless',
        faults: {
          probability: 0.5,
          seed: 42,
          kinds: [{ kind: 'status', status: 503 }, { kind: 'empty-choices' }],
        },
      });
      try {
        const model = new OpenAIModel({
          model: 'p',
          baseUrl: server.url,
          maxRetries: 20,
          sleep: async () => {},
        });
        for (let i = 0; i < 5; i++) assert.equal((await model.complete(conversation)).text, expectedText);
        outcomes.push(server.requests());
      } finally {
        await server.close();
      }
    }
    assert.ok((outcomes[0] as number) > 5, 'some requests should have failed');
    assert.equal(outcomes[0], outcomes[1]);
  });

  let server: PolicyServer;
  before(async () => {
    server = await startPolicyServer({ policy: 'scripted-persistent' });
  });
  after(() => server.close());

  it('lists the policy under /v1/models', async () => {
    const body = (await (await fetch(`${server.url}/models`)).json()) as { data: { id: string }[] };
    assert.deepEqual(
      body.data.map((m) => m.id),
      ['scripted-persistent'],
    );
  });

  it('rejects a request without messages with HTTP 400', async () => {
    const res = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: '{"model":"x"}' });
    assert.equal(res.status, 400);
  });
});
