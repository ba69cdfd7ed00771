import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createEnvironment,
  type KnapsackTask,
  listTaskFiles,
  loadTask,
  parseTask,
} from '../../src/tasks/index.js';
import { InputError } from '../../src/util/errors.js';
import { knapsackTaskJson, navigationTaskJson, ruleTaskJson } from './fixtures.js';
import { tempDir } from './helpers.js';

function rejects(json: unknown, field: string, pattern: RegExp): void {
  assert.throws(
    () => parseTask(json, 'tasks/bad.json'),
    (err: unknown) => {
      assert.ok(err instanceof InputError, String(err));
      assert.equal(err.file, 'tasks/bad.json');
      assert.equal(err.field, field);
      assert.ok(err.message.startsWith(`tasks/bad.json: field '${field}': `), err.message);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

function mutate(fn: (task: Record<string, any>) => void): Record<string, unknown> {
  const json = knapsackTaskJson() as Record<string, any>;
  fn(json);
  return json;
}

test('parseTask accepts the three families in the reference layout', () => {
  assert.equal(parseTask(knapsackTaskJson()).family, 'knapsack');
  assert.equal(parseTask(navigationTaskJson()).family, 'navigation');
  assert.equal(parseTask(ruleTaskJson('affine_mod')).family, 'rule_diagnosis');
});

test('the released-dataset variant loads: budget, valid_classes, no item_ids, no reference', () => {
  const released = mutate((t) => {
    t.public = { capacity: 10, budget: 3, valid_classes: ['A', 'B'] };
    delete t.reference;
  });
  const task = parseTask(released) as KnapsackTask;
  assert.equal(task.public.inspect_budget, 3);
  assert.deepEqual(task.public.allowed_classes, ['A', 'B']);
  assert.deepEqual(task.public.item_ids, ['item_a', 'item_b', 'item_c', 'item_d']);
  // The optimum is recomputed over the allowed items.
  assert.deepEqual(task.reference, {
    optimal_item_ids: ['item_a', 'item_b'],
    optimal_value: 55,
    optimal_weight: 10,
  });
  const env = createEnvironment(task);
  assert.equal(env.evaluate().metrics.optimal_value, 55);
});

test('malformed task files are rejected naming the field', () => {
  rejects(
    mutate((t) => t.public.item_ids.push('item_zz')),
    'public.item_ids[4]',
    /'item_zz' is not in private\.items/,
  );
  rejects(
    mutate((t) => (t.private.items.item_a.weight = -1)),
    'private.items.item_a.weight',
    /0/,
  );
  rejects(
    mutate((t) => delete t.public.capacity),
    'public.capacity',
    /expected number/,
  );
  rejects(
    mutate((t) => (t.public.capacity = 'ten')),
    'public.capacity',
    /expected number/,
  );
  rejects(
    mutate((t) => (t.reference.optimal_item_ids = ['ghost'])),
    'reference.optimal_item_ids[0]',
    /ghost/,
  );
  rejects(
    mutate((t) => (t.family = 'chess')),
    'family',
    /knapsack, navigation, rule_diagnosis/,
  );
  rejects(
    mutate((t) => (t.seed = 1.5)),
    'seed',
    /int/,
  );
  const nav = navigationTaskJson() as Record<string, any>;
  nav.public.goal_node = 'n9';
  rejects(nav, 'public.goal_node', /not in private\.adjacency/);
  const rule = ruleTaskJson('affine_mod') as Record<string, any>;
  delete rule.private.params.m;
  rejects(rule, 'private.params.m', /modulus/);
});

test('loadTask names the file for unreadable and non-JSON files', (t) => {
  const dir = tempDir(t);
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"family": ');
  assert.throws(
    () => loadTask(broken),
    (err: unknown) => err instanceof InputError && err.file === broken,
  );
  assert.throws(() => loadTask(join(dir, 'missing.json')), /missing\.json: cannot read \(ENOENT\)/);
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify(navigationTaskJson()));
  assert.equal(loadTask(good).family, 'navigation');
});

test('listTaskFiles: families in order, names sorted; released and flat layouts too', (t) => {
  const root = tempDir(t);
  const touch = (...parts: string[]) => {
    mkdirSync(join(root, ...parts.slice(0, -1)), { recursive: true });
    writeFileSync(join(root, ...parts), '{}');
  };
  touch('tasks', 'rule_diagnosis', 'rule_diagnosis-0000000000.json');
  touch('tasks', 'knapsack', 'knapsack-0000000010.json');
  touch('tasks', 'knapsack', 'knapsack-0000000002.json');
  touch('tasks', 'knapsack', 'notes.txt');
  touch('tasks', 'navigation', 'navigation-0000000000.json');
  const rel = (paths: string[]) => paths.map((p) => p.slice(root.length + 1));
  assert.deepEqual(rel(listTaskFiles(root)), [
    'tasks/knapsack/knapsack-0000000002.json',
    'tasks/knapsack/knapsack-0000000010.json',
    'tasks/navigation/navigation-0000000000.json',
    'tasks/rule_diagnosis/rule_diagnosis-0000000000.json',
  ]);
  // The families come in the order asked for, as the runner's `task_families` list.
  assert.deepEqual(rel(listTaskFiles(root, ['rule_diagnosis', 'knapsack'])), [
    'tasks/rule_diagnosis/rule_diagnosis-0000000000.json',
    'tasks/knapsack/knapsack-0000000002.json',
    'tasks/knapsack/knapsack-0000000010.json',
  ]);

  const released = tempDir(t);
  mkdirSync(join(released, 'knapsack'));
  writeFileSync(join(released, 'knapsack', 'knapsack-0000000001.json'), '{}');
  assert.equal(listTaskFiles(released).length, 1);

  const flat = tempDir(t);
  writeFileSync(join(flat, 'b.json'), '{}');
  writeFileSync(join(flat, 'a.json'), '{}');
  assert.deepEqual(rel2(flat, listTaskFiles(flat)), ['a.json', 'b.json']);
  assert.throws(() => listTaskFiles(join(flat, 'nope')), InputError);
});

function rel2(root: string, paths: string[]): string[] {
  return paths.map((p) => p.slice(root.length + 1));
}
