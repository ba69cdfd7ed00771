// The runtime specs end to end through `alr exec` (the "Must show" checks): restart, ttl,
// keep, summary, and the plain bases unchanged. cpython when python3 is there (fast to start), and
// one combined check on pyodide.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cpythonAvailable } from '../../src/sandbox/index.js';
import { cliPath } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'alr-runtime-exec-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const backend = cpythonAvailable() ? 'cpython' : 'pyodide';
let task = '';

before(() => {
  const config = join(dir, 'settings.json');
  writeFileSync(
    config,
    JSON.stringify({
      run_name: 'semantics',
      seed_start: 11,
      knapsack: {
        num_tasks: 1,
        n_items_range: [25, 40],
        weight_range: [5, 20],
        value_range: [10, 100],
        classes: ['A', 'B', 'C', 'D', 'E'],
        num_allowed_classes: 3,
        capacity_ratio_range: [0.35, 0.5],
      },
    }),
  );
  const out = join(dir, 'tasks');
  const gen = spawnSync(
    process.execPath,
    [cliPath, 'tasks', 'generate', '--config', config, '--out', out, '--families', 'knapsack'],
    { encoding: 'utf8' },
  );
  assert.equal(gen.status, 0, gen.stderr);
  const folder = join(out, 'tasks', 'knapsack');
  task = join(folder, readdirSync(folder)[0] as string);
});

interface StepLine {
  step: number;
  success: boolean;
  output: string;
  error_type: string | null;
  globals: string[];
  runtime_message: string | null;
}

let counter = 0;
function exec(runtime: string, steps: string[], on = backend): StepLine[] {
  const file = join(dir, `steps-${counter++}.json`);
  writeFileSync(file, JSON.stringify({ steps }));
  const run = spawnSync(
    process.execPath,
    [cliPath, 'exec', '--task', task, '--runtime', runtime, '--steps', file, '--backend', on],
    { encoding: 'utf8', timeout: 180_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok('evaluation' in lines[lines.length - 1]);
  return lines.slice(0, -1) as StepLine[];
}

test('restart=1: the second step fails with NameError and carries the restart notice; restart=0 keeps x', () => {
  const restarted = exec('persistent:restart=1', ['x = 1', 'print(x)']);
  assert.equal(restarted[0]?.runtime_message, null);
  assert.equal(restarted[1]?.error_type, 'NameError');
  assert.match(restarted[1]?.runtime_message ?? '', /restarted/);
  const kept = exec('persistent:restart=0', ['x = 1', 'print(x)']);
  assert.equal(kept[1]?.output, '1\n');
  assert.equal(kept[1]?.runtime_message, null);
});

test('ttl=1 forgets x after a step that did not use it; ttl=2 keeps it', () => {
  const steps = ['x = 1', 'y = 2', 'print(x)'];
  const short = exec('persistent:ttl=1', steps);
  assert.deepEqual(short[1]?.globals, ['y']);
  assert.equal(short[2]?.error_type, 'NameError');
  const long = exec('persistent:ttl=2', steps);
  assert.equal(long[2]?.output, '1\n');
  // A read renews the lease: x read in step 3 survives ttl=1 into step 4.
  const renewed = exec('persistent:ttl=1', ['x = 1', 'print(x)', 'print(x)']);
  assert.equal(renewed[2]?.output, '1\n');
});

test('keep=functions keeps f and drops z', () => {
  const lines = exec('persistent:keep=functions', [
    'def f():\n    return 7\nz = 5',
    'print(f())',
    'print(z)',
  ]);
  assert.deepEqual(lines[0]?.globals, ['f']);
  assert.equal(lines[1]?.output, '7\n');
  assert.equal(lines[2]?.error_type, 'NameError');
});

test('stateless+summary names q and its value; the interpreter keeps nothing', () => {
  const lines = exec('stateless+summary', ['q = 41', 'print(q)']);
  assert.match(lines[0]?.runtime_message ?? '', /\bq\b.*\bint\b.*41/);
  assert.equal(lines[1]?.error_type, 'NameError');
});

test('stateless+summary describes every step, also when each step runs in a fresh interpreter', () => {
  const lines = exec('stateless+summary', ['q = 41', 'r = 5', 's = 6']);
  assert.deepEqual(
    lines.map((l) => /- (\w) \(int\) = (\d+)/.exec(l.runtime_message ?? '')?.slice(1)),
    [
      ['q', '41'],
      ['r', '5'],
      ['s', '6'],
    ],
  );
});

test('the summary never calls model-defined dunders and caps long values', () => {
  const lines = exec('stateless+summary', [
    'class Loud:\n    def __repr__(self):\n        raise SystemExit(3)\n    def __getattr__(self, n):\n        raise SystemExit(4)\nloud = Loud()\nlong = "a" * 100000\nnested = []\nfor _ in range(50000):\n    nested = [nested]',
  ]);
  const message = lines[0]?.runtime_message ?? '';
  assert.match(message, /loud \(Loud\) = <Loud object>/);
  assert.ok(message.length < 2000, `summary of ${message.length} characters`);
});

test('plain runtimes print no runtime message', () => {
  for (const runtime of ['persistent', 'stateless']) {
    const lines = exec(runtime, ['x = 1', 'print(x)']);
    assert.deepEqual(
      lines.map((l) => l.runtime_message),
      [null, null],
    );
    assert.equal(lines[1]?.success, runtime === 'persistent');
  }
});

test('a bad spec is refused with the grammar', () => {
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ steps: ['x = 1'] }));
  const run = spawnSync(
    process.execPath,
    [cliPath, 'exec', '--task', task, '--runtime', 'persistent:ttl=-1', '--steps', file],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 1);
  assert.match(run.stderr, /ttl must be a positive integer.*Grammar: BASE\[\+summary\]/);
});

test('the specs combine on pyodide too', () => {
  const lines = exec(
    'persistent+summary:ttl=1,keep=functions',
    ['def f():\n    return 3\nv = 1', 'print(f())', 'w = 2', 'print(f())'],
    'pyodide',
  );
  assert.deepEqual(lines[0]?.globals, ['f']);
  assert.match(lines[0]?.runtime_message ?? '', /- v \(int\) = 1/);
  assert.equal(lines[1]?.output, '3\n');
  // f was not used by step 3, so ttl=1 forgets it.
  assert.equal(lines[3]?.error_type, 'NameError');
});
