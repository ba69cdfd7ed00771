// The scripted policies through the real CodeAct loop and the real sandbox (default backend): the
// observations they parse are the ones the agent really sends.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runEpisode } from '../../src/agent/index.js';
import { ScriptedPolicy } from '../../src/models/scripted/policy.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createEnvironment, loadTask } from '../../src/tasks/index.js';
import { referenceFixtures } from '../helpers/paths.js';

const taskPath = join(
  referenceFixtures,
  'task-sets',
  'easy_100',
  'tasks',
  'knapsack',
  'knapsack-0000000002.json',
);
const sandbox = createSandbox({ isolation: 'auto' });
after(() => sandbox.shutdown());

async function play(
  policy: 'scripted-persistent' | 'scripted-stateless',
  runtime: 'persistent' | 'stateless',
) {
  const environment = createEnvironment(loadTask(taskPath));
  const session = await sandbox.openSession({ mode: runtime, tools: environment.tools(), maxToolCalls: 25 });
  return runEpisode({
    environment,
    model: new ScriptedPolicy(policy),
    session,
    runtime,
    maxTurns: 40,
    maxToolCalls: 25,
  });
}

describe('scripted policies in the agent loop', () => {
  it('persistent policy, persistent runtime: solves the task with no errors and reports Qwen3 usage', async () => {
    const outcome = await play('scripted-persistent', 'persistent');
    assert.equal(outcome.stopReason, 'finish_tool');
    assert.equal(outcome.evaluation.score, 1);
    assert.equal(outcome.model.kind, 'scripted');
    assert.ok(outcome.tokenUsage.prompt_tokens > 0 && outcome.tokenUsage.completion_tokens > outcome.steps);
    const errors = outcome.events.filter((e) => e.type === 'ErrorEvent');
    assert.equal(errors.length, 0);
  });

  it('persistent policy, stateless runtime: one NameError, then it carries state and finishes', async () => {
    const outcome = await play('scripted-persistent', 'stateless');
    assert.equal(outcome.stopReason, 'finish_tool');
    const nameErrors = outcome.messages.filter((m) => m.role === 'user' && m.content.includes('NameError'));
    assert.equal(nameErrors.length, 1);
    assert.equal(outcome.evaluation.score, 1);
  });
});
