import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  familySeedOffset,
  generateTasks,
  type KnapsackTask,
  listTaskFiles,
  loadTask,
  parseSettings,
  sampleKnapsack,
  solveKnapsack,
} from '../../src/tasks/index.js';
import { cliPath } from '../helpers/paths.js';
import { tempDir, withoutVolatileLines } from './helpers.js';

const small = {
  run_name: 'unit',
  seed_start: 5,
  knapsack: {
    num_tasks: 4,
    n_items_range: [25, 40],
    weight_range: [5, 20],
    value_range: [10, 100],
    classes: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O'],
    num_allowed_classes: 3,
    capacity_ratio_range: [0.35, 0.5],
  },
  navigation: { num_tasks: 2 },
  rule_diagnosis: { num_tasks: 2 },
};

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

test('family seed offsets are the reference constants', () => {
  assert.equal(familySeedOffset('knapsack'), 2732704872);
  assert.equal(familySeedOffset('navigation'), 3607976569);
  assert.equal(familySeedOffset('rule_diagnosis'), 4250810996);
});

test('without a global seed every task is reproducible from its own seed', (t) => {
  const settings = parseSettings(small);
  const a = tempDir(t);
  const b = tempDir(t);
  generateTasks(settings, { outDir: a });
  // Generating only the last knapsack task still gives the same file: nothing depends on job order.
  generateTasks(settings, { outDir: b, families: ['knapsack'] });
  for (const rel of ['knapsack-0000000000.json', 'knapsack-0000000003.json']) {
    const x = readFileSync(join(a, 'tasks', 'knapsack', rel), 'utf8');
    const y = readFileSync(join(b, 'tasks', 'knapsack', rel), 'utf8');
    assert.equal(withoutVolatileLines(x), withoutVolatileLines(y));
  }
  const task = loadTask(join(a, 'tasks', 'knapsack', 'knapsack-0000000003.json')) as KnapsackTask;
  assert.equal(task.seed, 5 + 2732704872 + 3);
  const again = sampleKnapsack(task.seed, settings.knapsack);
  assert.deepEqual(again.public, task.public);
  assert.equal(existsSync(join(b, 'tasks', 'navigation')), false);
});

test('generated knapsack tasks satisfy the generator invariants', (t) => {
  const out = tempDir(t);
  generateTasks(parseSettings(small), { outDir: out, families: ['knapsack'], numTasks: 6 });
  for (const name of readdirSync(join(out, 'tasks', 'knapsack'))) {
    const task = loadTask(join(out, 'tasks', 'knapsack', name)) as KnapsackTask;
    const items = task.private.items;
    const allowed = new Set(task.public.allowed_classes);
    assert.equal(allowed.size, 3);
    assert.ok(
      allowed.has(items[task.public.item_ids[0] as string]?.class as string),
      'item 0 is of an allowed class',
    );
    const candidates = task.public.item_ids
      .filter((id) => allowed.has(items[id]?.class as string))
      .map((id) => ({ id, weight: items[id]?.weight as number, value: items[id]?.value as number }));
    const optimum = solveKnapsack(candidates, task.public.capacity);
    assert.equal(task.reference.optimal_value, optimum.value);
    assert.deepEqual(task.reference.optimal_item_ids, optimum.itemIds);
    assert.ok(task.reference.optimal_item_ids.length >= 3);
    assert.ok(task.public.inspect_budget >= 5 && task.public.inspect_budget <= task.public.item_ids.length);
  }
});

test('resume keeps existing files and regenerates missing ones identically', (t) => {
  const out = tempDir(t);
  const settings = parseSettings(small);
  generateTasks(settings, { outDir: out });
  const victim = join(out, 'tasks', 'knapsack', 'knapsack-0000000001.json');
  const kept = join(out, 'tasks', 'navigation', 'navigation-0000000000.json');
  const before = readFileSync(victim, 'utf8');
  rmSync(victim);
  writeFileSync(kept, 'user edit\n');
  const summary = generateTasks(settings, { outDir: out });
  assert.deepEqual([summary.written, summary.skipped, summary.failed], [1, 7, 0]);
  assert.equal(readFileSync(kept, 'utf8'), 'user edit\n');
  assert.equal(withoutVolatileLines(readFileSync(victim, 'utf8')), withoutVolatileLines(before));
});

test('failing jobs go to logs/errors.jsonl, the rest is written, no temporary files remain', (t) => {
  const out = tempDir(t);
  // The reference's default knapsack config is invalid: 10 allowed classes out of 3.
  const summary = generateTasks(
    parseSettings({
      knapsack: { num_tasks: 2 },
      navigation: { num_tasks: 1 },
      rule_diagnosis: { num_tasks: 1 },
    }),
    {
      outDir: out,
    },
  );
  assert.deepEqual([summary.written, summary.failed], [2, 2]);
  const lines = readFileSync(join(out, 'logs', 'errors.jsonl'), 'utf8')
    .trimEnd()
    .split('\n');
  assert.equal(lines.length, 2);
  const record = JSON.parse(lines[0] as string);
  assert.deepEqual(Object.keys(record), ['ts', 'worker', 'family', 'task_id', 'seed', 'error']);
  assert.equal(record.family, 'knapsack');
  assert.equal(record.task_id, 'knapsack-0000000000');
  assert.equal(record.seed, 2732704872);
  assert.equal(record.error, "ValueError('Sample larger than population or is negative')");
  assert.match(record.ts, /\+00:00$/);
  assert.match(lines[0] as string, /^\{"ts": "/); // Python's default separators
  const files = allFiles(out);
  assert.ok(!files.some((f) => f.endsWith('.tmp')), files.join(', '));
  assert.ok(files.includes(join('tasks', 'navigation', 'navigation-0000000000.json')));
  assert.equal(existsSync(join(out, 'tasks', 'knapsack', 'knapsack-0000000000.json')), false);
});

test('a run killed mid-way leaves only whole task files, and a rerun completes the set', async (t) => {
  const out = tempDir(t);
  const config = join(out, 'config.json');
  writeFileSync(config, JSON.stringify({ ...small, knapsack: { ...small.knapsack, num_tasks: 1000 } }));
  const args = [
    cliPath,
    'tasks',
    'generate',
    '--config',
    config,
    '--out',
    join(out, 'set'),
    '--families',
    'knapsack',
  ];
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  const folder = join(out, 'set', 'tasks', 'knapsack');
  for (let i = 0; i < 400 && !(existsSync(folder) && readdirSync(folder).length >= 20); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  const listed = listTaskFiles(join(out, 'set'));
  for (const path of listed) loadTask(path); // throws on a truncated file
  const rerun = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(rerun.status, 0, rerun.stderr);
  assert.match(rerun.stdout, new RegExp(`${1000 - listed.length} written, ${listed.length} already present`));
  assert.equal(listTaskFiles(join(out, 'set')).length, 1000);
});

test('CLI: --families and --num-tasks, bad flags are input errors', (t) => {
  const out = tempDir(t);
  const config = join(out, 'config.json');
  writeFileSync(config, JSON.stringify(small));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [cliPath, 'tasks', 'generate', '--config', config, ...args], {
      encoding: 'utf8',
    });
  const ok = run('--out', join(out, 'set'), '--families', 'rule_diagnosis,navigation', '--num-tasks', '3');
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(readdirSync(join(out, 'set', 'tasks')).sort(), ['navigation', 'rule_diagnosis']);
  assert.equal(readdirSync(join(out, 'set', 'tasks', 'navigation')).length, 3);
  const manifest = JSON.parse(readFileSync(join(out, 'set', 'manifest.json'), 'utf8'));
  assert.equal(manifest.settings.navigation.num_tasks, 3);
  assert.equal(manifest.settings.out_dir, join(out, 'set'));
  const bad = run('--out', join(out, 'x'), '--families', 'chess');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^alr: --families: unknown family 'chess'/);
  const missingOut = run();
  assert.notEqual(missingOut.status, 0);
  assert.match(missingOut.stderr, /--out/);
  writeFileSync(config, JSON.stringify({ knapsack: { n_items_range: [1, 'x'] } }));
  const badConfig = run('--out', join(out, 'y'));
  assert.equal(badConfig.status, 1);
  assert.ok(badConfig.stderr.includes(`${config}: field 'knapsack.n_items_range[1]'`), badConfig.stderr);
});
