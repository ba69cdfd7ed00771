// `alr exec` end to end: JSON lines per step, the evaluation line, exit codes and input errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliPath, referenceFixtures } from '../helpers/paths.js';
import { backendAvailable } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'alr-exec-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const task = join(referenceFixtures, 'task-sets/easy_100/tasks/knapsack/knapsack-0000000000.json');

function exec(args: string[]) {
  return spawnSync(process.execPath, [cliPath, 'exec', ...args], { encoding: 'utf8', timeout: 120_000 });
}

for (const backend of ['pyodide', 'cpython'] as const) {
  test(`alr exec runs every step and prints the evaluation (${backend})`, (t) => {
    if (!backendAvailable(t, backend)) return;
    const steps = join(dir, `steps-${backend}.json`);
    writeFileSync(
      steps,
      JSON.stringify({
        steps: [
          'x = 1\ntake_item("item_02d5c78889d2")',
          'print(x)',
          'for _ in range(3):\n    list_items()',
          'finish()',
        ],
      }),
    );
    const runtime = backend === 'pyodide' ? 'persistent' : 'stateless';
    const run = exec([
      '--task',
      task,
      '--runtime',
      runtime,
      '--steps',
      steps,
      '--backend',
      backend,
      '--max-tool-calls',
      '2',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 5);
    assert.deepEqual(Object.keys(lines[0]), [
      'step',
      'success',
      'output',
      'error',
      'error_type',
      'duration_ms',
      'globals',
      'runtime_message',
    ]);
    assert.deepEqual(
      lines.slice(0, 4).map((l) => l.step),
      [1, 2, 3, 4],
    );
    assert.equal(lines[0].success, true);
    if (runtime === 'persistent') {
      assert.equal(lines[1].output, '1\n');
      assert.deepEqual(lines[1].globals, ['x']);
    } else {
      assert.equal(lines[1].error_type, 'NameError');
      assert.deepEqual(lines[1].globals, []);
    }
    assert.equal(lines[2].error, 'Tool call limit exceeded: allowed 2 per run.');
    assert.equal(lines[3].success, true);
    assert.equal(lines[4].evaluation.metrics.items_taken_count, 1);
    assert.equal(lines[4].evaluation.metrics.weight_used, 13);
  });
}

test('alr exec rejects bad input with a message naming the file and field', () => {
  const steps = join(dir, 'bad.json');
  writeFileSync(steps, JSON.stringify({ steps: ['print(1)', 42] }));
  const bad = exec(['--task', task, '--runtime', 'persistent', '--steps', steps]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /bad\.json: field 'steps\.1'/);
  const mode = exec(['--task', task, '--runtime', 'sometimes', '--steps', steps]);
  assert.equal(mode.status, 1);
  assert.match(mode.stderr, /--runtime: invalid runtime 'sometimes': unknown base.*Grammar:/);
});
