import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runEpisode } from '../../src/agent/run-episode.js';
import { buildResult, buildTrace, type EpisodeMeta, summarizeEvents } from '../../src/agent/trace.js';
import { pyJsonDumps, pyJsonParse } from '../../src/python/json.js';
import { CannedModel, FakeEnvironment, fence, finishingSession, usage } from './fakes.js';

const meta: EpisodeMeta = {
  taskId: 'knapsack-0000000000',
  family: 'knapsack',
  seed: 2732704872,
  taskFile: 'tasks/knapsack/knapsack-0000000000.json',
  agent: 'test-agent',
  backend: 'pyodide',
};

async function solvedEpisode() {
  const environment = new FakeEnvironment();
  const session = finishingSession('persistent', environment, () => ({ globals: { x: '1' } }));
  return runEpisode({
    environment,
    model: new CannedModel([fence('x = 1'), fence('finish()')]),
    session,
    runtime: 'persistent',
  });
}

test('the trace has the reference keys in order, then the alr block', async () => {
  const trace = buildTrace(await solvedEpisode(), meta);
  assert.deepEqual(Object.keys(trace), ['started_at', 'finished_at', 'summary', 'events', 'alr']);
  assert.deepEqual(Object.keys(trace.summary), [
    'task',
    'system_prompts',
    'num_steps',
    'finish_reason',
    'errors',
    'token_usage',
  ]);
  assert.deepEqual(Object.keys(trace.alr), [
    'schema',
    'task_id',
    'family',
    'seed',
    'task_file',
    'runtime',
    'agent',
    'model',
    'backend',
    'compat',
    'globals_message',
    'stop_reason',
    'terminated',
    'truncated',
    'wall_time_s',
    'messages',
  ]);
  assert.deepEqual(trace.summary, {
    task: 'GOAL: do the thing',
    system_prompts: trace.alr.messages.filter((m) => m.role === 'system').map((m) => m.content),
    num_steps: 2,
    finish_reason: 'finish_tool',
    errors: [],
    token_usage: usage(20, 10),
  });
  for (const event of trace.events) {
    assert.deepEqual(Object.keys(event), ['type', 'data', 'timestamp']);
    assert.match(event.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
  }
  const call = trace.events.find((e) => e.type === 'ModelCallEvent');
  assert.ok(call);
  assert.match((call.data as { timestamp: string }).timestamp, /^\d{4}-.*T.*\+00:00$/);
  assert.equal(trace.alr.schema, 'alr.trace.v1');
  assert.equal(trace.alr.stop_reason, 'finish_tool');
});

test('the trace messages are the history the model saw, globals messages marked transient', async () => {
  const trace = buildTrace(await solvedEpisode(), meta);
  const tail = trace.alr.messages.slice(5);
  assert.deepEqual(tail, [
    { role: 'user', content: 'Python interpreter globals: []', transient: true },
    { role: 'assistant', content: fence('x = 1') },
    { role: 'user', content: '{"success": true, "result": null, "output": "", "error": null}' },
    { role: 'user', content: 'Python interpreter globals: ["x"]', transient: true },
    { role: 'assistant', content: fence('finish()') },
    { role: 'user', content: '{"success": true, "result": null, "output": "", "error": null}' },
  ]);
});

test('the result has the reference keys in order and writes the score as a Python float', async () => {
  const result = buildResult(await solvedEpisode(), meta);
  assert.deepEqual(Object.keys(result), ['status', 'error', 'result', 'finished_at', 'started_at', 'alr']);
  assert.deepEqual(Object.keys(result.result), ['is_solved', 'score', 'metrics']);
  assert.deepEqual(Object.keys(result.alr), [
    'task_id',
    'family',
    'runtime',
    'agent',
    'model',
    'stop_reason',
    'terminated',
    'truncated',
    'steps',
    'token_usage',
    'wall_time_s',
  ]);
  const text = pyJsonDumps(result, { indent: 2, ensureAscii: false });
  assert.match(
    text,
    /^{\n {2}"status": "completed",\n {2}"error": null,\n {2}"result": {\n {4}"is_solved": true,\n {4}"score": 1\.0,/,
  );
  const parsed = pyJsonParse(text) as { finished_at: unknown; started_at: unknown };
  assert.ok(Number(parsed.finished_at) >= Number(parsed.started_at));
  assert.deepEqual(result.alr.model, { name: 'canned-test-model', kind: 'scripted' });
  assert.equal(result.alr.steps, 2);
});

test('a timed-out episode has no finish_reason and sums the step usages, as the reference logger does', async () => {
  const environment = new FakeEnvironment();
  const outcome = await runEpisode({
    environment,
    model: new CannedModel([fence('x = 1'), 'plain', 'hang']),
    session: finishingSession('persistent', environment),
    runtime: 'persistent',
    timeoutMs: 30,
  });
  const trace = buildTrace(outcome, meta);
  assert.equal(trace.summary.finish_reason, null);
  assert.deepEqual(trace.summary.token_usage, usage(20, 10));
  const result = buildResult(outcome, meta);
  assert.equal(result.status, 'timeout');
  assert.equal(result.error, '');
  assert.equal(pyJsonDumps(result.result.score), '0.5');
});

test('summaries skip empty errors and have null usage when there is neither step nor finish', () => {
  const summary = summarizeEvents([
    { type: 'StartEvent', data: { task: 'T' }, at: 0 },
    { type: 'ErrorEvent', data: { error: '' }, at: 0 },
    { type: 'ErrorEvent', data: { error: 'LLM Call Failed: x' }, at: 0 },
  ]);
  assert.deepEqual(summary, {
    task: 'T',
    system_prompts: [],
    num_steps: 0,
    finish_reason: null,
    errors: ['LLM Call Failed: x'],
    token_usage: null,
  });
});
