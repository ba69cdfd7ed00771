// The model endpoint misbehaves (dropped connections, stalls past the timeout, 5xx bursts, 429 with
// retry-after, malformed JSON, empty choices, truncated bodies, replies cut at max tokens): a real run through the HTTP backend
// against the policy server's fault injection retries, finishes every episode exactly once; an
// endpoint that stays down stops the run with one error naming it, and the same command resumes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { MODEL_FAILURES_ENDING_EPISODE } from '../../src/agent/run-episode.js';
import { type Fault, type FaultPlan, startPolicyServer } from '../../src/models/index.js';
import { agentExecutorFactory } from '../../src/runner/agent-executor.js';
import { loadBenchmarkConfig } from '../../src/runner/config.js';
import { OUTAGE_CALLS_IN_A_ROW } from '../../src/runner/endpoint-outage.js';
import { listFamilyTasks } from '../../src/runner/list-tasks.js';
import { runBenchmark } from '../../src/runner/run-benchmark.js';
import { AlrError } from '../../src/util/errors.js';
import {
  assertExactlyOnce,
  episodeDir,
  knapsackTasks,
  readEpisodes,
  scratchDir,
  taskIds,
  writeConfig,
} from './helpers.js';

const scratch = scratchDir('endpoint');
let tasksDir = '';
let ids: string[] = [];
before(() => {
  tasksDir = knapsackTasks(join(scratch, 'tasks'), 2);
  ids = taskIds(tasksDir);
});

// Fast retries so that a burst costs milliseconds. The request timeout is the smallest allowed only
// where a stall must outlast it: elsewhere a slow answer on a busy machine would be retried too.
const FAST_RETRY = ['backoff_base_s: 0.01', 'backoff_max_s: 0.05', 'jitter_s: 0'];
const timeoutFor = (faults: FaultPlan) =>
  `timeout_s: ${faults.script?.some((f) => f?.kind === 'stall') ? 1 : 20}`;

let runs = 0;
async function playAgainst(faults: FaultPlan, maxRetries: number, retryErrors = false, reuseOut?: string) {
  const server = await startPolicyServer({ policy: 'scripted-persistent', faults });
  const out = reuseOut ?? join(scratch, `run-${runs++}`);
  try {
    const config = loadBenchmarkConfig(
      writeConfig(join(scratch, `config-${runs++}.yaml`), {
        out,
        model: 'served-policy',
        baseUrl: server.url,
        llm: [...FAST_RETRY, timeoutFor(faults), `max_retries: ${maxRetries}`],
      }),
    );
    const outcome = await runBenchmark({
      config,
      tasksDir,
      listTasks: listFamilyTasks,
      executorFactory: agentExecutorFactory,
      retryErrors,
    });
    return { out, outcome, requests: server.requests() };
  } finally {
    await server.close();
  }
}

/** The faults of one burst, at the first requests of the run; every later request is answered. */
const transient: Array<[string, Fault[]]> = [
  ['dropped connections', [{ kind: 'drop' }, { kind: 'drop' }]],
  ['a stall past the request timeout', [{ kind: 'stall' }]],
  [
    'a burst of 5xx answers',
    [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 502 },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 504 },
    ],
  ],
  ['429 with retry-after', [{ kind: 'status', status: 429, retryAfterS: 1 }]],
  ['malformed JSON', [{ kind: 'malformed-json' }]],
  ['empty choices', [{ kind: 'empty-choices' }]],
  ['a truncated body', [{ kind: 'truncated' }]],
];

describe('model endpoint faults', () => {
  for (const [name, burst] of transient) {
    it(`${name}: retried, every episode completes exactly once`, async () => {
      const { out, outcome, requests } = await playAgainst({ script: burst }, burst.length + 1);
      assert.equal(outcome.errors, 0);
      assertExactlyOnce(out, ids);
      const steps = [...readEpisodes(out).results.values()].reduce(
        (n, r) => n + Number((r.alr as { steps: number }).steps),
        0,
      );
      // Each step is one answered request; the faulty answers came on top.
      assert.equal(requests, steps + burst.length, 'the faulty requests were retried, nothing more');
    });
  }

  it('an endpoint down from the start: the run stops at its first failed call, nothing is recorded, the same command resumes', async () => {
    const down: FaultPlan = { probability: 1, kinds: [{ kind: 'status', status: 503 }] };
    const first = await playAgainst(down, 2);
    // One call of one attempt and two retries, then the run stopped (not an error episode per task).
    assert.equal(first.requests, 3);
    assert.ok(first.outcome.failure, 'the run reports why it stopped');
    assert.ok(AlrError.is(first.outcome.failure));
    assert.match(first.outcome.failure.message, /^http:\/\/127\.0\.0\.1:\d+\/v1: HTTP 503/);
    assert.match(first.outcome.failure.message, /the first model call failed after 3 attempts/);
    assert.equal(first.outcome.errors, 0);
    assert.deepEqual([...readEpisodes(first.out).results.keys()], [], 'no episode is recorded');
    const healed = await playAgainst({}, 2, false, first.out);
    assert.equal(healed.outcome.failure, undefined);
    assert.equal(healed.outcome.errors, 0);
    assertExactlyOnce(first.out, ids);
  });

  it('an endpoint that goes down mid-run: its episode is an error, the next failed call stops the run, --retry-errors finishes it once', async () => {
    // The first request is answered, every later one gets a 503.
    const goesDown: FaultPlan = {
      script: [null, ...Array.from({ length: 100 }, (): Fault => ({ kind: 'status', status: 503 }))],
    };
    const first = await playAgainst(goesDown, 2);
    // Episode 1: one answered call, then three failed turns of three attempts each end it as an
    // error; episode 2: its first failed call is the fourth in a row, which stops the run.
    assert.equal(OUTAGE_CALLS_IN_A_ROW, MODEL_FAILURES_ENDING_EPISODE + 1);
    assert.equal(first.requests, 1 + MODEL_FAILURES_ENDING_EPISODE * 3 + 3);
    assert.match(
      String(first.outcome.failure?.message),
      /HTTP 503.*4 model calls in a row failed after 3 attempts each/,
    );
    const failed = readEpisodes(first.out);
    assert.deepEqual([...failed.results.keys()], [ids[0]], 'only the episode that ended is recorded');
    const result = failed.results.get(ids[0] as string);
    assert.equal(result?.status, 'error');
    assert.match(String(result?.error), /failed 3 turns in a row/);
    assert.match(String(result?.error), /HTTP 503/);
    assert.match(String(result?.error), /after 3 attempts/);
    // A plain re-run plays the unrecorded episode and keeps the error (as the reference does);
    // --retry-errors plays the error again.
    const again = await playAgainst({}, 2, false, first.out);
    assert.equal(again.outcome.failure, undefined);
    assert.deepEqual([...readEpisodes(first.out).results.keys()].sort(), ids);
    const healed = await playAgainst({}, 2, true, first.out);
    assert.equal(healed.outcome.errors, 0);
    assertExactlyOnce(first.out, ids);
  });

  it("a reply cut at max tokens (finish_reason 'length') is recorded and the episode goes on", async () => {
    const cut = await playAgainst({ script: [{ kind: 'length' }] }, 0);
    assert.equal(cut.outcome.errors, 0);
    assertExactlyOnce(cut.out, ids);
    const trace = JSON.parse(
      readFileSync(join(episodeDir(cut.out), `knapsack-${ids[0]}.trace.json`), 'utf8'),
    ) as { summary: { errors: string[] }; alr: { messages: Array<{ role: string; content: string }> } };
    assert.ok(
      trace.summary.errors.some((e) => /reason: length/.test(e)),
      `the cut reply is reported: ${JSON.stringify(trace.summary.errors)}`,
    );
    assert.ok(
      trace.alr.messages.some(
        (m) => m.role === 'user' && /LLM ended unexpectedly \(reason: length\)/.test(m.content),
      ),
      'the model is told that its reply was cut',
    );
  });

  it('a stall with no retries left costs one turn with a timeout message; the episode goes on', async () => {
    // The stall comes after the first answer: before it, a failed call would stop the whole run.
    const stalled = await playAgainst({ script: [null, { kind: 'stall' }] }, 0);
    assert.equal(stalled.outcome.errors, 0);
    assertExactlyOnce(stalled.out, ids);
    const trace = readFileSync(join(episodeDir(stalled.out), `knapsack-${ids[0]}.trace.json`), 'utf8');
    assert.match(trace, /LLM Call Failed: [^"]*127\.0\.0\.1[^"]*time/i);
  });
});
