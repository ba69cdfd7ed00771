// How the agent loop shows what a runtime spec added: the restart notice before the observation in
// the same message, the summary as a message of its own after it, `runtime_message` in the step
// event; plain runtimes add nothing. The session is a test double, not a sandbox.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StepEventData } from '../../src/agent/events.js';
import { runEpisode } from '../../src/agent/run-episode.js';
import { RESTART_NOTICE } from '../../src/runtime/messages.js';
import type { RuntimeMode } from '../../src/runtime/spec.js';
import { CannedModel, FakeEnvironment, FakeSession, fence } from '../agent/fakes.js';

const stepsOf = (events: { type: string; data: unknown }[]) =>
  events.filter((e) => e.type === 'StepEvent').map((e) => e.data as StepEventData);

test('a restart notice precedes the observation and a summary follows it', async () => {
  const environment = new FakeEnvironment();
  const model = new CannedModel([fence('q = 41'), fence('print(q)')]);
  const session = new FakeSession('persistent', (_code, i) =>
    i === 0
      ? {
          globals: { q: '41' },
          runtime_message: { before: null, after: 'Runtime summary: this step bound:\n- q (int) = 41' },
        }
      : {
          success: false,
          error: "NameError: name 'q' is not defined",
          error_type: 'NameError',
          runtime_message: { before: RESTART_NOTICE, after: null },
        },
  );
  const outcome = await runEpisode({
    environment,
    model,
    session,
    runtime: 'persistent+summary:restart=0.5',
    maxTurns: 2,
  });
  const users = outcome.messages.filter((m) => m.role === 'user' && !m.transient).map((m) => m.content);
  // goal, observation 1, summary 1, notice + observation 2
  assert.equal(users.length, 4);
  assert.match(users[1] as string, /^\{"success": true/);
  assert.equal(users[2], 'Runtime summary: this step bound:\n- q (int) = 41');
  assert.ok((users[3] as string).startsWith(`${RESTART_NOTICE}\n\n{"success": false`));
  const steps = stepsOf(outcome.events);
  assert.equal(steps[0]?.runtime_message, 'Runtime summary: this step bound:\n- q (int) = 41');
  assert.equal(steps[1]?.runtime_message, RESTART_NOTICE);
  assert.equal(outcome.runtime, 'persistent+summary:restart=0.5');
  // The model saw the summary before its second reply.
  assert.ok(model.requests[1]?.some((m) => m.content.startsWith('Runtime summary')));
  // The base chooses the prompts: a persistent runtime note and the globals message.
  assert.ok(model.requests[1]?.some((m) => m.content.startsWith('Python interpreter globals: ')));
});

test('plain runtimes record no runtime_message field', async () => {
  for (const runtime of ['persistent', 'stateless']) {
    const outcome = await runEpisode({
      environment: new FakeEnvironment(),
      model: new CannedModel([fence('x = 1')]),
      session: new FakeSession(runtime as RuntimeMode),
      runtime,
      maxTurns: 1,
    });
    assert.ok(!('runtime_message' in (stepsOf(outcome.events)[0] as object)));
  }
});

test('a bad runtime spec is an input error before the episode starts', async () => {
  await assert.rejects(
    runEpisode({
      environment: new FakeEnvironment(),
      model: new CannedModel([]),
      session: new FakeSession('persistent'),
      runtime: 'persistent:ttl=x',
    }),
    /ttl must be a positive integer/,
  );
});
