// The scripted policies play real knapsack tasks through the product's agent loop and sandbox
// (cpython backend): competence, style and determinism.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readConversation } from '../../src/models/scripted/conversation.js';
import { readKnapsack } from '../../src/models/scripted/knapsack.js';
import { ScriptedPolicy } from '../../src/models/scripted/policy.js';
import { loadTask } from '../../src/tasks/index.js';
import type { KnapsackTask } from '../../src/tasks/types.js';
import { referenceFixtures } from '../helpers/paths.js';
import { type PlayedEpisode, ScriptedEpisodes } from './helpers/scripted-episode.js';

const easyDir = join(referenceFixtures, 'task-sets', 'easy_100', 'tasks', 'knapsack');
const easyTasks = readdirSync(easyDir).map((f) => join(easyDir, f));
const hardTask = join(
  referenceFixtures,
  'task-sets',
  'hard',
  'tasks',
  'knapsack',
  'knapsack-0000000000.json',
);
const persistent = new ScriptedPolicy('scripted-persistent');
const stateless = new ScriptedPolicy('scripted-stateless');

function codeOf(reply: string): string {
  return (/```python\n(.*?)```/s.exec(reply)?.[1] ?? '').trim();
}

describe('scripted policies on knapsack', () => {
  const episodes = new ScriptedEpisodes();
  after(() => episodes.shutdown());
  const play = (policy: ScriptedPolicy, path: string, runtime: 'persistent' | 'stateless') =>
    episodes.play(policy.name, path, runtime);

  it('score high on the easy tasks, within the inspect budget, and finish', async (t) => {
    if (!episodes.available(t)) return;
    for (const [policy, runtime] of [
      [persistent, 'persistent'],
      [stateless, 'stateless'],
    ] as const) {
      const scores: number[] = [];
      for (const path of easyTasks) {
        const task = loadTask(path) as KnapsackTask;
        const ep = await play(policy, path, runtime);
        const result = ep.outcome.evaluation;
        scores.push(result.score);
        assert.ok(
          Number(result.metrics.inspected_count) <= task.public.inspect_budget,
          `${path}: over budget`,
        );
        assert.ok(Number(result.metrics.weight_used) <= task.public.capacity);
        assert.equal(ep.outcome.stopReason, 'finish_tool', `${policy.name} did not finish ${path}`);
        assert.ok(ep.outcome.steps < 40);
        // Spread: uses at least 75 % of the budget (or every item).
        const spread = Math.min(task.public.inspect_budget, task.public.item_ids.length);
        assert.ok(Number(result.metrics.inspected_count) >= 0.75 * spread);
        assert.ok(
          ep.steps.every((o) => o.success),
          `${policy.name} had a failing block on ${path}`,
        );
      }
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      assert.ok(mean >= 0.85, `${policy.name}: mean score ${mean}`);
    }
  });

  it('learn the allowed classes only from refusals, and never take a refused class twice', async (t) => {
    if (!episodes.available(t)) return;
    const task = loadTask(hardTask) as KnapsackTask;
    const ep = await play(stateless, hardTask, 'stateless');
    const refused = ep.steps.flatMap((o) =>
      [...o.output.matchAll(/Item class '([^']*)' not allowed/g)].map((m) => m[1]),
    );
    assert.ok(refused.length > 0, 'expected at least one refusal on a task with 3 of 11 classes allowed');
    assert.equal(new Set(refused).size, refused.length, 'a class was refused twice');
    for (const cls of refused) assert.ok(!task.public.allowed_classes.includes(cls as string));
    assert.ok(ep.outcome.evaluation.score > 0.5);
  });

  it('stateless blocks are self-contained: import json and literals copied from earlier outputs', async (t) => {
    if (!episodes.available(t)) return;
    const ep = await play(stateless, easyTasks[0] as string, 'stateless');
    const codes = ep.replies.map(codeOf);
    assert.ok(codes.every((c) => c.startsWith('import json')));
    const later = codes.slice(2);
    assert.ok(later.length > 0 && later.every((c) => /^info = \{"item_[0-9a-f]+": \{"class": /m.test(c)));
    // Everything learned is pasted into every later block, not only what the action reads: the ids
    // too, although take blocks never read them.
    assert.ok(codes.slice(1).every((c) => /^ids = \["item_/m.test(c)));
    // Each block prints the state it carries, and the next block pastes exactly that back.
    ep.steps.slice(0, -1).forEach((o, i) => {
      const carry = o.output.split('\n').find((line) => line.startsWith('{"carry": '));
      assert.ok(carry, `block ${i} printed its state`);
      const printed = (JSON.parse(carry) as { carry: { info?: unknown } }).carry;
      const next = codes[i + 1] as string;
      const pasted = /^info = (.*)$/m.exec(next)?.[1];
      assert.deepEqual(JSON.parse(pasted as string), printed.info ?? {});
    });
    // It pays for that in text: later blocks are longer than the persistent policy's.
    const pp = await play(persistent, easyTasks[0] as string, 'persistent');
    const length = (e: PlayedEpisode) => e.replies.reduce((n, r) => n + r.length, 0);
    assert.ok(length(ep) > 1.5 * length(pp));
  });

  it('persistent blocks refer back to earlier variables and never re-import', async (t) => {
    if (!episodes.available(t)) return;
    const ep = await play(persistent, easyTasks[0] as string, 'persistent');
    const codes = ep.replies.map(codeOf);
    assert.ok(codes.every((c) => !/^\s*(import|from)\s/m.test(c)));
    assert.match(codes[0] as string, /^ids = json\.loads\(list_items\(\)\)/m);
    for (const code of codes.slice(1)) {
      assert.ok(/\b(info|ids|taken)\b/.test(code));
      assert.ok(!/^info = /m.test(code), 'persistent code re-declared info');
    }
  });

  it('persistent policy in a stateless runtime: one NameError, then it carries state as literals', async (t) => {
    if (!episodes.available(t)) return;
    const ep = await play(persistent, easyTasks[0] as string, 'stateless');
    const nameErrors = ep.steps.map((o) => /NameError/.test(o.error ?? ''));
    const first = nameErrors.indexOf(true);
    assert.ok(first >= 0, 'the first block that reads earlier variables fails');
    assert.equal(nameErrors.lastIndexOf(true), first, 'after the NameError it never relies on old variables');
    const after = ep.replies.slice(first + 1).map(codeOf);
    assert.ok(after.length > 0);
    for (const code of after) {
      assert.match(code, /^import json\n/);
      assert.match(code, /^ids = \["item_/m);
      assert.match(code, /^info = \{/m);
      assert.match(code, /print\(json\.dumps\(\{"carry": /);
    }
    assert.ok(ep.steps.slice(first + 1).every((o) => o.success));
    // Still competent: the recovery keeps making progress.
    assert.ok(ep.outcome.evaluation.score >= 0.85);
  });
});

describe('scripted policy determinism', () => {
  it('gives the same reply for the same conversation', () => {
    const messages = [
      { role: 'system' as const, content: 'Available tools:\ndef take_item(item_id: str) -> None' },
      { role: 'user' as const, content: 'Knapsack capacity: 40\nInspect budget: 12 items' },
      { role: 'assistant' as const, content: 'x' },
      {
        role: 'user' as const,
        content:
          '{"success": true, "result": null, "output": "{\\"ids\\": [\\"item_a\\", \\"item_b\\"]}\\n", "error": null}',
      },
    ];
    for (const policy of [persistent, stateless])
      assert.equal(policy.reply(messages), policy.reply([...messages]));
    const view = readConversation(messages);
    assert.deepEqual(readKnapsack(view).ids, ['item_a', 'item_b']);
    assert.equal(readKnapsack(view).capacity, 40);
    assert.equal(readKnapsack(view).budget, 12);
  });
});
