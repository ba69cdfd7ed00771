// A loopback endpoint that answers like a reasoning model (the policy server with `reasoning`),
// through the real HTTP backend, the CodeAct loop and the default sandbox: a code block drafted in
// the thinking never runs, the thinking lands in the trace, context-length errors end the episode.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { EpisodeInput } from '../../src/agent/episode-types.js';
import { buildTrace, runEpisode } from '../../src/agent/index.js';
import {
  type ContextLengthWording,
  type Fault,
  OpenAIModel,
  type ReasoningStyle,
  startPolicyServer,
  THINKING_DRAFT_MARKER,
} from '../../src/models/index.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createEnvironment, parseTask } from '../../src/tasks/index.js';
import { knapsackTaskJson } from '../tasks/fixtures.js';

const sandbox = createSandbox({ poolSize: 1 });
after(() => sandbox.shutdown());

async function playAgainst(
  options: { reasoning?: ReasoningStyle; script?: (Fault | null)[] },
  episode: Partial<EpisodeInput> = {},
) {
  const server = await startPolicyServer({
    policy: 'scripted-persistent',
    ...(options.reasoning && { reasoning: options.reasoning }),
    faults: { script: options.script ?? [] },
  });
  try {
    const model = new OpenAIModel({
      model: 'reasoning-stand-in',
      baseUrl: server.url,
      backoffBaseS: 0.01,
      backoffMaxS: 0.02,
      jitterS: 0,
    });
    const environment = createEnvironment(parseTask(knapsackTaskJson()));
    const session = await sandbox.openSession({
      mode: 'persistent',
      tools: environment.tools(),
      maxToolCalls: 25,
    });
    const outcome = await runEpisode({
      environment,
      model,
      session,
      runtime: 'persistent',
      maxTurns: 12,
      maxToolCalls: 25,
      ...episode,
    });
    return {
      outcome,
      requests: server.requests(),
      lastBody: server.lastBody() as { messages: { content: string }[] },
    };
  } finally {
    await server.close();
  }
}

const steps = (outcome: Awaited<ReturnType<typeof runEpisode>>) =>
  outcome.events.flatMap((e) => (e.type === 'StepEvent' ? [e.data] : []));

describe('a reasoning model over HTTP', () => {
  let plain: Awaited<ReturnType<typeof playAgainst>>['outcome'] | undefined;
  for (const reasoning of ['separate', 'inline'] as const) {
    it(`${reasoning} thinking: only the answer's block runs, the thinking is kept per turn`, async () => {
      plain ??= (await playAgainst({})).outcome;
      const { outcome, lastBody } = await playAgainst({ reasoning });
      // The draft in the thinking calls finish() first thing: had it run, the episode would have
      // ended on turn 0. It plays out exactly like the same policy without thinking.
      assert.equal(outcome.stopReason, 'finish_tool');
      assert.deepEqual(outcome.evaluation, plain.evaluation);
      const played = steps(outcome);
      assert.deepEqual(
        played.map((s) => s.code),
        steps(plain).map((s) => s.code),
      );
      assert.ok(played.length >= 3);
      for (const step of played) {
        assert.match(step.reasoning ?? '', new RegExp(THINKING_DRAFT_MARKER));
        assert.doesNotMatch(step.assistant_text, /<think>|draft-from-thinking/);
        assert.doesNotMatch(step.code ?? '', new RegExp(THINKING_DRAFT_MARKER));
        assert.doesNotMatch(step.observation ?? '', new RegExp(THINKING_DRAFT_MARKER));
      }
      // The history sent back holds the answers only.
      assert.ok(lastBody.messages.every((m) => !m.content.includes(THINKING_DRAFT_MARKER)));
      // The trace keeps the thinking beside each assistant message.
      const trace = buildTrace(outcome, {
        taskId: 't',
        family: 'knapsack',
        seed: 7,
        taskFile: 't.json',
        agent: 'a',
        backend: 'pyodide',
      });
      const assistants = trace.alr.messages.filter((m) => m.role === 'assistant');
      assert.equal(assistants.length, played.length);
      assert.ok(assistants.every((m) => m.reasoning?.includes(THINKING_DRAFT_MARKER)));
      // Server usage counts the thinking: completion tokens exceed the answer's alone.
      assert.ok(played.every((s) => s.token_usage.completion_tokens > 60));
    });
  }

  it('compat reference parses content as is: inline thinking plus an answer are two blocks, nothing runs', async () => {
    const { outcome } = await playAgainst({ reasoning: 'inline' }, { compat: 'reference', maxTurns: 2 });
    const played = steps(outcome);
    assert.equal(played.length, 2);
    for (const step of played) {
      assert.equal(step.code, null);
      assert.match(step.observation ?? '', /multiple code blocks/);
      assert.equal(step.reasoning, undefined);
      assert.match(step.assistant_text, /^<think>/);
    }
  });

  it('an answer without a block after long thinking runs nothing, and the episode goes on', async () => {
    const { outcome } = await playAgainst({ reasoning: 'separate', script: [null, { kind: 'think-only' }] });
    const played = steps(outcome);
    const idle = played[1];
    assert.ok(idle);
    assert.equal(idle.code, null);
    assert.equal(idle.observation, null);
    assert.ok((idle.reasoning ?? '').split('\n').length > 40);
    assert.equal(outcome.stopReason, 'finish_tool');
  });

  for (const wording of ['vllm', 'sglang', 'openai'] as ContextLengthWording[]) {
    it(`a context-length 400 (${wording}) ends the episode at once, without retries`, async () => {
      const { outcome, requests } = await playAgainst({
        reasoning: 'separate',
        script: [null, { kind: 'context-length', wording }],
      });
      assert.equal(requests, 2);
      assert.equal(outcome.stopReason, 'context_exceeded');
      assert.equal(outcome.status, 'completed');
      assert.equal(outcome.truncated, true);
      assert.equal(steps(outcome).length, 1);
      const finish = outcome.events.find((e) => e.type === 'FinishEvent');
      assert.equal(
        finish?.data && 'reason' in finish.data ? finish.data.reason : undefined,
        'context_exceeded',
      );
    });
  }

  it('compat reference keeps playing after a context-length 400 (the reference appends the failure)', async () => {
    const { outcome, requests } = await playAgainst(
      { script: [{ kind: 'context-length', wording: 'vllm' }] },
      { compat: 'reference', maxTurns: 2 },
    );
    assert.equal(requests, 2);
    assert.equal(outcome.stopReason, 'max_turns');
    assert.ok(outcome.messages.some((m) => m.content.startsWith('LLM Call Failed: ')));
  });

  it('max_context_tokens ends the episode before sending a request that would not fit', async () => {
    const { outcome, requests } = await playAgainst({}, { maxContextTokens: 900 });
    assert.equal(requests, 0);
    assert.equal(outcome.stopReason, 'context_exceeded');
    // The globals message of a request that was never sent is not recorded either.
    assert.ok(outcome.messages.every((m) => m.transient !== true));
    const errors = outcome.events.flatMap((e) => (e.type === 'ErrorEvent' ? [e.data.error] : []));
    assert.match(errors.join('\n'), /needs \d+ tokens .*more than max_context_tokens 900/);
    // A limit the conversation fits in changes nothing.
    const roomy = await playAgainst({}, { maxContextTokens: 32_768 });
    assert.equal(roomy.outcome.stopReason, 'finish_tool');
  });
});
