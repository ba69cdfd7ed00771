// The agent loop with the real pieces: the knapsack environment of a reference task file, the
// sandboxed interpreter (pyodide backend; processes reused between these trusted episodes) and,
// for full episodes, the scripted policies.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runEpisode } from '../../src/agent/run-episode.js';
import { buildResult, buildTrace } from '../../src/agent/trace.js';
import { ScriptedPolicy } from '../../src/models/index.js';
import { pyJsonDumps } from '../../src/python/json.js';
import { createSandbox, type RuntimeMode, type Sandbox } from '../../src/sandbox/index.js';
import { createEnvironment, loadTask } from '../../src/tasks/index.js';
import { referenceFixtures } from '../helpers/paths.js';
import { CannedModel, fence } from './fakes.js';

const taskFile = join(
  referenceFixtures,
  'task-sets',
  'easy_100',
  'tasks',
  'knapsack',
  'knapsack-0000000000.json',
);

let sandbox: Sandbox;
before(() => {
  sandbox = createSandbox({ backend: 'pyodide', poolSize: 1, recycle: 'namespace' });
});
after(async () => {
  await sandbox?.shutdown();
});

async function episode(runtime: RuntimeMode, model: CannedModel | ScriptedPolicy, maxTurns = 40) {
  const environment = createEnvironment(loadTask(taskFile));
  const session = await sandbox.openSession({ mode: runtime, tools: environment.tools(), maxToolCalls: 25 });
  const outcome = await runEpisode({ environment, model, session, runtime, maxToolCalls: 25, maxTurns });
  return { outcome, environment };
}

const cannedTurns = () =>
  new CannedModel([
    `I list the items.\n${fence('ids = json.loads(list_items())\nprint(len(ids))')}`,
    `I inspect the first one.\n${fence('print(inspect(ids[0]))')}`,
    `Done.\n${fence('finish()')}`,
  ]);

test('persistent runtime: names survive, the globals message lists them, tools really run', async () => {
  const model = cannedTurns();
  const { outcome, environment } = await episode('persistent', model);
  assert.equal(outcome.stopReason, 'finish_tool');
  assert.equal(model.requests[1].at(-1)?.content, 'Python interpreter globals: ["ids"]');
  const steps = outcome.events.filter((e) => e.type === 'StepEvent');
  assert.equal(steps.length, 3);
  const [first, second] = steps.map((s) => (s.type === 'StepEvent' ? s.data : undefined));
  const count = (loadTask(taskFile) as { private: { items: Record<string, unknown> } }).private.items;
  assert.equal(
    first?.observation,
    pyJsonDumps({ success: true, result: null, output: `${Object.keys(count).length}\n`, error: null }),
  );
  assert.deepEqual(first?.globals, ['ids']);
  assert.equal(second?.interpreter_result?.error, null);
  assert.match(String(second?.observation), /\\"class\\":.*\\"value\\":.*\\"weight\\":/);
  assert.equal(second?.tool_calls.length, 1);
  assert.equal(second?.tool_calls[0].tool, 'inspect');
  assert.equal(environment.evaluate().metrics.inspected_count, 1);
  assert.equal(outcome.evaluation.metrics.inspected_count, 1);
});

test('stateless runtime: the same second step fails with a NameError the model sees', async () => {
  const model = cannedTurns();
  const { outcome } = await episode('stateless', model);
  assert.ok(model.requests.every((r) => !r.some((m) => m.content.startsWith('Python interpreter globals'))));
  const second = outcome.events.filter((e) => e.type === 'StepEvent')[1];
  assert.ok(second.type === 'StepEvent');
  assert.equal(second.data.error_type, 'NameError');
  assert.deepEqual(second.data.globals, []);
  const observation = JSON.parse(String(second.data.observation)) as { success: boolean; error: string };
  assert.equal(observation.success, false);
  assert.match(observation.error, /NameError: name 'ids' is not defined/);
  assert.ok(outcome.events.some((e) => e.type === 'ErrorEvent' && /NameError/.test(e.data.error)));
  assert.equal(outcome.stopReason, 'finish_tool');
});

for (const runtime of ['persistent', 'stateless'] as const) {
  test(`scripted-${runtime} plays a whole knapsack episode in its own runtime`, async () => {
    const { outcome } = await episode(runtime, new ScriptedPolicy(`scripted-${runtime}`));
    assert.equal(outcome.stopReason, 'finish_tool');
    assert.ok(outcome.evaluation.score >= 0.8, `score ${outcome.evaluation.score}`);
    const meta = {
      taskId: 'knapsack-0000000000',
      family: 'knapsack' as const,
      seed: null,
      taskFile,
      agent: `scripted-${runtime}`,
      backend: 'pyodide' as const,
    };
    const trace = buildTrace(outcome, meta);
    assert.equal(trace.summary.finish_reason, 'finish_tool');
    assert.equal(trace.summary.num_steps, outcome.steps);
    const result = buildResult(outcome, meta);
    assert.equal(result.result.score.value, outcome.evaluation.score);
    // Every message the model saw is recorded, and no step ran more than one block.
    assert.ok(trace.alr.messages.length > outcome.steps * 2);
    assert.ok(
      !trace.summary.errors.includes(
        'Error: You emitted multiple code blocks. Please provide only one executable code block per turn.',
      ),
    );
  });
}
