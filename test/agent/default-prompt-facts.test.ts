// Issue 16: the default prompts state the facts real models were unsure of (json pre-loaded,
// refused tool calls count toward the limit, nothing is shown after finish(), the globals list
// includes loop variables). Read from the message stack a real episode sends, per family and runtime.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromptPack } from '../../src/agent/prompts/prompt-pack.js';
import { runEpisode } from '../../src/agent/run-episode.js';
import type { ChatMessage } from '../../src/models/model.js';
import type { RuntimeMode } from '../../src/sandbox/interpreter.js';
import { createEnvironment, parseTask } from '../../src/tasks/index.js';
import { knapsackTaskJson, navigationTaskJson, ruleTaskJson } from '../tasks/fixtures.js';
import { CannedModel, FakeSession } from './fakes.js';

const tasks = {
  knapsack: knapsackTaskJson,
  navigation: navigationTaskJson,
  rule_diagnosis: () => ruleTaskJson('linear_int'),
};

async function firstRequest(
  family: keyof typeof tasks,
  runtime: RuntimeMode,
  extra: { prompts?: ReturnType<typeof parsePromptPack>; compat?: 'reference' } = {},
): Promise<ChatMessage[]> {
  const environment = createEnvironment(parseTask(tasks[family]()));
  const model = new CannedModel(['no code this turn']);
  await runEpisode({
    environment,
    model,
    session: new FakeSession(runtime),
    runtime,
    maxTurns: 1,
    maxToolCalls: 25,
    ...extra,
  });
  return model.requests[0];
}

const systemText = (messages: ChatMessage[]) =>
  messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n');

for (const family of Object.keys(tasks) as (keyof typeof tasks)[]) {
  for (const runtime of ['persistent', 'stateless'] as const) {
    test(`default prompts state the four facts: ${family}, ${runtime}`, async () => {
      const messages = await firstRequest(family, runtime);
      const system = systemText(messages);
      // json is already there (both runtime notes say so).
      assert.match(system, /`json` module[^.]*already imported/);
      // Refused calls count toward the limit, in the tool list right after the limit sentence.
      const tools = messages.find((m) => m.role === 'system' && m.content.startsWith('Available tools:'));
      assert.ok(tools, 'the tool list is a system message');
      assert.match(
        tools.content,
        /allowed per turn is 25\.\nEvery tool call counts toward this limit, including calls that are refused or that raise an\s+error/,
      );
      // Nothing is shown after finish().
      assert.match(system, /Nothing is shown to you after the block that calls finish\(\)/);
      if (runtime === 'persistent') {
        assert.match(system, /loop\s+variables and temporary names included/);
      } else {
        // The stateless runtime has no globals list, so no line about it.
        assert.doesNotMatch(system, /loop\s+variables/);
      }
    });
  }
}

test('without a tool-call limit the limit note is not sent', async () => {
  const environment = createEnvironment(parseTask(knapsackTaskJson()));
  const model = new CannedModel(['no code']);
  await runEpisode({
    environment,
    model,
    session: new FakeSession('persistent'),
    runtime: 'persistent',
    maxTurns: 1,
  });
  assert.doesNotMatch(systemText(model.requests[0]), /Every tool call counts/);
});

test('a user pack gets none of the added sentences; compat reference sends the same stack', async () => {
  const pack = parsePromptPack({ system: 'S', runtime_persistent: 'RP', runtime_stateless: 'RS' }, 'p.json');
  const messages = await firstRequest('knapsack', 'persistent', { prompts: pack });
  const system = systemText(messages);
  assert.doesNotMatch(system, /already imported|Every tool call counts|Nothing is shown|loop\s+variables/);
  assert.match(system, / The maximum number of tool calls allowed per turn is 25\.\n$/);
  assert.deepEqual(
    await firstRequest('navigation', 'stateless', { compat: 'reference' }),
    await firstRequest('navigation', 'stateless'),
  );
});
