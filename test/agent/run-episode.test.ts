import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EpisodeInput } from '../../src/agent/episode-types.js';
import type { EpisodeEvent } from '../../src/agent/events.js';
import { MULTIPLE_BLOCKS_MESSAGE } from '../../src/agent/fixed-messages.js';
import { defaultPromptPack } from '../../src/agent/prompts/prompt-pack.js';
import { runEpisode } from '../../src/agent/run-episode.js';
import type { Completion } from '../../src/models/model.js';
import type { RuntimeMode } from '../../src/sandbox/interpreter.js';
import {
  CannedModel,
  type CannedReply,
  FakeEnvironment,
  FakeSession,
  fence,
  finishingSession,
  usage,
} from './fakes.js';

function setup(
  replies: CannedReply[],
  runtime: RuntimeMode = 'persistent',
  overrides: Partial<EpisodeInput> = {},
) {
  const environment = new FakeEnvironment();
  const model = new CannedModel(replies);
  const session = finishingSession(runtime, environment, (code) =>
    code.startsWith('x =') ? { globals: { x: '1' }, output: 'out\n' } : {},
  );
  const input: EpisodeInput = { environment, model, session, runtime, ...overrides };
  return { environment, model, session, input };
}

const types = (events: EpisodeEvent[]) => events.map((e) => e.type);
const finishCall = fence('finish()');

test('persistent mode sends the globals message before every request, [] first', async () => {
  const { model, input } = setup([fence('x = 1\nprint(x)'), 'thinking only', finishCall]);
  const outcome = await runEpisode(input);
  const lastOf = (i: number) => model.requests[i].at(-1);
  assert.deepEqual(lastOf(0), { role: 'user', content: 'Python interpreter globals: []' });
  assert.deepEqual(lastOf(1), { role: 'user', content: 'Python interpreter globals: ["x"]' });
  assert.deepEqual(lastOf(2), { role: 'user', content: 'Python interpreter globals: ["x"]' });
  // Transient: never stored in the history of later requests.
  assert.equal(model.requests[2].filter((m) => m.content.startsWith('Python interpreter globals')).length, 1);
  // The no-code turn appended nothing: the request ends with that reply, then the globals message.
  assert.deepEqual(model.requests[2].at(-2), { role: 'assistant', content: 'thinking only' });
  assert.equal(outcome.messages.filter((m) => m.transient).length, 3);
});

test('stateless mode sends no globals message by default, [] with "always", none with "never"', async () => {
  const a = setup([fence('x = 1'), finishCall], 'stateless');
  await runEpisode(a.input);
  assert.ok(
    a.model.requests.every((r) => !r.some((m) => m.content.startsWith('Python interpreter globals'))),
  );

  const b = setup([fence('x = 1'), finishCall], 'stateless', { globalsMessage: 'always' });
  await runEpisode(b.input);
  assert.deepEqual(
    b.model.requests.map((r) => r.at(-1)?.content),
    ['Python interpreter globals: []', 'Python interpreter globals: []'],
  );

  const c = setup([fence('x = 1'), finishCall], 'persistent', { globalsMessage: 'never' });
  const outcome = await runEpisode(c.input);
  assert.ok(
    c.model.requests.every((r) => !r.some((m) => m.content.startsWith('Python interpreter globals'))),
  );
  assert.equal(outcome.messages.filter((m) => m.transient).length, 0);
});

test('the message stack differs between modes only in the runtime note and few-shot block', async () => {
  const p = setup([finishCall], 'persistent');
  const s = setup([finishCall], 'stateless');
  const po = await runEpisode(p.input);
  const so = await runEpisode(s.input);
  const pack = defaultPromptPack();
  assert.deepEqual(po.systemPrompts.slice(0, 3), [
    pack.system,
    pack.runtime_persistent,
    pack.few_shot_persistent,
  ]);
  assert.deepEqual(so.systemPrompts.slice(0, 3), [
    pack.system,
    pack.runtime_stateless,
    pack.few_shot_stateless,
  ]);
  assert.equal(po.systemPrompts[3], so.systemPrompts[3]);
  assert.match(po.systemPrompts[3], /^Available tools:\ndef probe\(item_id: str\) -> str\n/);
  const first = p.model.requests[0];
  assert.deepEqual(
    first.map((m) => m.role),
    ['system', 'system', 'system', 'system', 'user', 'user'],
  );
  assert.equal(first[4].content, 'GOAL: do the thing');
});

test('the tool list announces the tool-call limit when one is set', async () => {
  const { input } = setup([finishCall], 'persistent', { maxToolCalls: 25 });
  const outcome = await runEpisode(input);
  // The reference's sentence, then the default pack's note on what counts toward the limit.
  const [tools, note] = outcome.systemPrompts[3].split(
    '\n The maximum number of tool calls allowed per turn is 25.\n',
  );
  assert.ok(tools.startsWith('Available tools:'));
  assert.equal(note, defaultPromptPack().tool_limit_note);
});

test('observations are Python json.dumps of success, result, output, error with ASCII escaping', async () => {
  const environment = new FakeEnvironment();
  const model = new CannedModel([fence('print("é")'), fence('1/0'), finishCall]);
  const session = finishingSession('persistent', environment, (code) =>
    code.includes('1/0')
      ? {
          success: false,
          output: 'partial\n',
          error: 'ZeroDivisionError: division by zero',
          error_type: 'ZeroDivisionError',
        }
      : { output: code.includes('é') ? 'é\n' : '' },
  );
  const outcome = await runEpisode({ environment, model, session, runtime: 'persistent' });
  const observations = outcome.messages.filter((m) => m.role === 'user' && m.content.startsWith('{'));
  assert.deepEqual(
    observations.map((m) => m.content),
    [
      '{"success": true, "result": null, "output": "\\u00e9\\n", "error": null}',
      '{"success": false, "result": null, "output": "partial\\n", "error": "ZeroDivisionError: division by zero"}',
      '{"success": true, "result": null, "output": "", "error": null}',
    ],
  );
  const steps = outcome.events.filter((e) => e.type === 'StepEvent');
  assert.equal(steps[1].type === 'StepEvent' && steps[1].data.error_type, 'ZeroDivisionError');
  assert.deepEqual(session.codes, ['print("é")', '1/0', 'finish()']);
});

test('several blocks run nothing and get the reference error message', async () => {
  const { session, model, input } = setup([`${fence('a = 1')}\n${fence('b = 2')}`, finishCall]);
  const outcome = await runEpisode(input);
  assert.deepEqual(session.codes, ['finish()']);
  assert.equal(model.requests[1].at(-2)?.content, MULTIPLE_BLOCKS_MESSAGE);
  const step = outcome.events.find((e) => e.type === 'StepEvent');
  assert.ok(step?.type === 'StepEvent');
  assert.equal(step.data.code, null);
  assert.deepEqual(step.data.interpreter_result, { error: MULTIPLE_BLOCKS_MESSAGE });
  assert.equal(step.data.observation, MULTIPLE_BLOCKS_MESSAGE);
});

test('default compat ends right after the step that called finish(), also on the last turn', async () => {
  const { input, model } = setup([fence('x = 1'), finishCall, 'never asked'], 'persistent', { maxTurns: 2 });
  const outcome = await runEpisode(input);
  assert.equal(model.requests.length, 2);
  assert.equal(outcome.stopReason, 'finish_tool');
  assert.equal(outcome.terminated, true);
  assert.equal(outcome.truncated, false);
  assert.equal(outcome.status, 'completed');
  const last = outcome.events.at(-1);
  assert.deepEqual(last?.type === 'FinishEvent' && last.data, {
    reason: 'finish_tool',
    token_usage: usage(20, 10),
  });
});

test('reference compat notices finish() at the next turn; on the last turn it reports max_turns', async () => {
  const early = setup([finishCall, 'never asked'], 'persistent', { compat: 'reference', maxTurns: 5 });
  const a = await runEpisode(early.input);
  assert.equal(early.model.requests.length, 1);
  assert.equal(a.stopReason, 'finish_tool');

  const late = setup([fence('x = 1'), finishCall], 'persistent', { compat: 'reference', maxTurns: 2 });
  const b = await runEpisode(late.input);
  assert.equal(b.stopReason, 'max_turns');
  assert.equal(b.terminated, false);
  assert.equal(b.truncated, true);
  const last = b.events.at(-1);
  assert.equal(last?.type === 'FinishEvent' && last.data.reason, 'max_turns');
});

test('max turns ends the episode with a max_turns FinishEvent', async () => {
  const { input, model, environment } = setup(['a', 'b', 'c', 'd'], 'persistent', { maxTurns: 3 });
  const outcome = await runEpisode(input);
  assert.equal(model.requests.length, 3);
  assert.equal(outcome.stopReason, 'max_turns');
  assert.equal(outcome.steps, 3);
  assert.equal(environment.evaluations, 1);
  assert.deepEqual(outcome.evaluation, {
    is_solved: false,
    score: 0.5,
    metrics: { agent_value: 3, capacity: 42 },
  });
});

test('the token budget stops the episode once the total reaches it', async () => {
  // Each canned reply costs 15 tokens: 15, 30 (>= 25) → stop after two turns.
  const { input, model } = setup(['a', 'b', 'c', 'd'], 'persistent', { tokenBudget: 25 });
  const outcome = await runEpisode(input);
  assert.equal(model.requests.length, 2);
  assert.equal(outcome.stopReason, 'token_budget');
  assert.equal(outcome.truncated, true);
  assert.equal(outcome.status, 'completed');
  const last = outcome.events.at(-1);
  assert.equal(last?.type === 'FinishEvent' && last.data.reason, 'token_budget');
});

test('a timeout abandons the model call in flight, emits no FinishEvent and closes the session', async () => {
  const { input, session } = setup([fence('x = 1'), 'hang'], 'persistent', { timeoutMs: 30 });
  const outcome = await runEpisode(input);
  assert.equal(outcome.stopReason, 'timeout');
  assert.equal(outcome.status, 'timeout');
  assert.equal(outcome.error, '');
  assert.equal(outcome.truncated, true);
  assert.equal(session.closed, 1);
  assert.ok(!outcome.events.some((e) => e.type === 'FinishEvent'));
  assert.equal(outcome.steps, 1);
});

test('a timeout abandons a step that never returns', async () => {
  const environment = new FakeEnvironment();
  const session = new FakeSession('persistent', () => 'hang');
  const outcome = await runEpisode({
    environment,
    model: new CannedModel([fence('while True: pass')]),
    session,
    runtime: 'persistent',
    timeoutMs: 30,
  });
  assert.equal(outcome.stopReason, 'timeout');
  assert.equal(outcome.steps, 0);
  assert.deepEqual(types(outcome.events), [
    'StartEvent',
    'SystemPromptEvent',
    'ModelCallEvent',
    'ModelResponseEvent',
  ]);
  assert.equal(session.closed, 1);
});

test('an aborted signal ends the episode as aborted', async () => {
  const controller = new AbortController();
  const { input } = setup([fence('x = 1'), 'hang'], 'persistent', {
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'StepEvent') controller.abort();
    },
  });
  const outcome = await runEpisode(input);
  assert.equal(outcome.aborted, true);
  assert.equal(outcome.stopReason, 'error');
  assert.equal(outcome.status, 'error');
});

test('a failed model call becomes an "LLM Call Failed" user turn without a StepEvent', async () => {
  const { input, model } = setup([{ throws: new Error('connection refused') }, finishCall]);
  const outcome = await runEpisode(input);
  assert.equal(model.requests[1].at(-2)?.content, 'LLM Call Failed: connection refused');
  assert.deepEqual(types(outcome.events), [
    'StartEvent',
    'SystemPromptEvent',
    'ErrorEvent',
    'ModelCallEvent',
    'ModelResponseEvent',
    'StepEvent',
    'FinishEvent',
  ]);
  const step = outcome.events.find((e) => e.type === 'StepEvent');
  assert.equal(step?.type === 'StepEvent' && step.data.turn, 1);
  assert.equal(outcome.stopReason, 'finish_tool');
});

const lengthReply: Completion = { text: 'cut off mid', finishReason: 'length', usage: usage(100, 50) };

test('finish_reason length: reply dropped, tokens counted by default', async () => {
  const { input, model } = setup([lengthReply, finishCall]);
  const outcome = await runEpisode(input);
  assert.equal(
    model.requests[1].at(-2)?.content,
    'LLM ended unexpectedly (reason: length). Please continue.',
  );
  assert.ok(!model.requests[1].some((m) => m.content === 'cut off mid'));
  assert.deepEqual(outcome.tokenUsage, usage(110, 55));
  assert.deepEqual(types(outcome.events).slice(2, 5), ['ModelCallEvent', 'ModelResponseEvent', 'ErrorEvent']);
});

test('finish_reason length in reference compat: tokens not counted, no model events', async () => {
  const { input } = setup([lengthReply, finishCall], 'persistent', { compat: 'reference' });
  const outcome = await runEpisode(input);
  assert.deepEqual(outcome.tokenUsage, usage(10, 5));
  assert.deepEqual(types(outcome.events).slice(2, 4), ['ErrorEvent', 'ModelCallEvent']);
});

test('events of a normal turn come in the reference order, with an ErrorEvent for a failed step', async () => {
  const environment = new FakeEnvironment();
  const session = finishingSession('persistent', environment, (code) =>
    code === 'boom' ? { success: false, error: 'NameError: name boom is not defined' } : {},
  );
  const outcome = await runEpisode({
    environment,
    model: new CannedModel([fence('boom'), finishCall]),
    session,
    runtime: 'persistent',
  });
  assert.deepEqual(types(outcome.events), [
    'StartEvent',
    'SystemPromptEvent',
    'ModelCallEvent',
    'ModelResponseEvent',
    'ErrorEvent',
    'StepEvent',
    'ModelCallEvent',
    'ModelResponseEvent',
    'StepEvent',
    'FinishEvent',
  ]);
  const step = outcome.events[5];
  assert.ok(step.type === 'StepEvent');
  assert.deepEqual(Object.keys(step.data), [
    'turn',
    'assistant_text',
    'code',
    'interpreter_result',
    'token_usage',
    'observation',
    'globals_message',
    'globals',
    'tool_calls',
    'error_type',
    'duration_ms',
    'incidents',
  ]);
  assert.equal(step.data.globals_message, 'Python interpreter globals: []');
});

test('a session that throws ends the episode with status error and a FinishEvent("error")', async () => {
  const environment = new FakeEnvironment();
  const session = new FakeSession('persistent', () => ({ throws: new Error('sandbox exploded') }));
  const outcome = await runEpisode({
    environment,
    model: new CannedModel([fence('x = 1')]),
    session,
    runtime: 'persistent',
  });
  assert.equal(outcome.status, 'error');
  assert.equal(outcome.error, 'sandbox exploded');
  assert.equal(outcome.stopReason, 'error');
  assert.deepEqual(types(outcome.events).slice(-2), ['ErrorEvent', 'FinishEvent']);
  assert.equal(environment.evaluations, 1);
});

test('stateless mode reports no globals even if the backend lists some', async () => {
  const environment = new FakeEnvironment();
  const session = new FakeSession('stateless', () => ({ globals: { x: '1' } }));
  const outcome = await runEpisode({
    environment,
    model: new CannedModel([fence('x = 1')]),
    session,
    runtime: 'stateless',
    globalsMessage: 'always',
    maxTurns: 2,
  });
  const steps = outcome.events.filter((e) => e.type === 'StepEvent');
  assert.deepEqual(
    steps.map((s) => s.type === 'StepEvent' && [s.data.globals, s.data.globals_message]),
    [
      [[], 'Python interpreter globals: []'],
      [[], 'Python interpreter globals: []'],
    ],
  );
});

test('bad limits are rejected before the episode starts', async () => {
  const { input } = setup([]);
  await assert.rejects(runEpisode({ ...input, maxTurns: 0 }), /maxTurns must be a positive integer/);
});

test('request options reach the model together with the episode signal', async () => {
  const { input, model } = setup([finishCall], 'persistent', {
    requestOptions: { temperature: 0.2, maxTokens: 12288 },
  });
  await runEpisode(input);
  assert.equal(model.options[0]?.temperature, 0.2);
  assert.equal(model.options[0]?.maxTokens, 12288);
  assert.ok(model.options[0]?.signal instanceof AbortSignal);
});
