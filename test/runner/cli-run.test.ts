// End-to-end `alr run` as a child process with a scripted policy: the reference layout, resume after
// SIGKILL, a clean stop on SIGINT. Uses the cpython backend when python3 is there (fast to start),
// else pyodide.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cpythonAvailable } from '../../src/sandbox/index.js';
import { cliPath, referenceFixtures } from '../helpers/paths.js';
import { envWithTempDir } from '../helpers/scratch.js';
import { writeScriptedConfig } from '../helpers/scripted-config.js';

const tasksDir = join(referenceFixtures, 'task-sets', 'easy_100');
const backend = cpythonAvailable() ? 'cpython' : 'pyodide';
const scratch = mkdtempSync(join(tmpdir(), 'alr-cli-run-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function writeConfig(name: string, concurrency = 1, families = ['knapsack', 'rule_diagnosis']): string {
  return writeScriptedConfig(join(scratch, `${name}.yaml`), {
    outputDir: join(scratch, name),
    cacheDb: join(scratch, 'cache.sqlite'),
    concurrency,
    families,
    agentKeys: ['max_turns: 40', 'max_tool_calls: 25'],
  });
}

const args = (config: string) => [
  cliPath,
  'run',
  '--config',
  config,
  '--tasks',
  tasksDir,
  '--backend',
  backend,
];

function resultFiles(out: string): string[] {
  const root = join(out, 'r', 'results', 'sp');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((family) =>
    readdirSync(join(root, family))
      .filter((f) => /\d\.json$/.test(f))
      .map((f) => join(root, family, f)),
  );
}

/** Resolves once `predicate` holds (polled), or rejects when the child exits first. */
function when(child: ChildProcess, predicate: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (predicate()) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    child.once('exit', () => {
      clearInterval(timer);
      if (predicate()) resolve();
      else reject(new Error('the run ended before the condition held'));
    });
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe(`alr run (${backend} backend)`, () => {
  it('plays the tasks with a scripted policy into the reference layout', () => {
    const config = writeConfig('full');
    const run = spawnSync(process.execPath, [...args(config), '--limit', '2', '--no-progress'], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const runDir = join(scratch, 'full', 'r');
    const results = resultFiles(join(scratch, 'full'));
    assert.equal(results.length, 4, 'two knapsack and two rule tasks');
    for (const file of results) {
      const text = readFileSync(file, 'utf8');
      const result = JSON.parse(text);
      assert.deepEqual(Object.keys(result), [
        'status',
        'error',
        'result',
        'finished_at',
        'started_at',
        'alr',
      ]);
      assert.equal(result.status, 'completed');
      assert.equal(result.alr.model.kind, 'scripted');
      assert.match(text, /"score": \d+\.\d+/, 'the score is written as a Python float');
      const trace = JSON.parse(readFileSync(file.replace(/\.json$/, '.trace.json'), 'utf8'));
      assert.deepEqual(Object.keys(trace), ['started_at', 'finished_at', 'summary', 'events', 'alr']);
      assert.equal(trace.summary.num_steps, result.alr.steps);
      assert.equal(trace.alr.runtime, 'persistent');
    }
    const summary = JSON.parse(readFileSync(join(runDir, 'summary_sp-knapsack.json'), 'utf8'));
    assert.equal(summary.num_tasks_executed, 2);
    assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'task_status_sp-rule_diagnosis.json'), 'utf8')), {
      completed: 2,
    });
    assert.match(run.stdout, /sp knapsack: solved \d\/2/);
  });

  it('after SIGKILL mid-run, the same command completes every task exactly once', async () => {
    const config = writeConfig('killed', 2);
    const out = join(scratch, 'killed');
    // Its temp folders (removed on a normal exit) stay in the scratch folder when it is killed.
    const child = spawn(process.execPath, [...args(config), '--no-progress'], {
      stdio: 'ignore',
      env: envWithTempDir(scratch),
    });
    await when(child, () => resultFiles(out).length >= 1);
    child.kill('SIGKILL');
    await exited(child);
    const before = resultFiles(out).length;
    assert.ok(before < 5, 'killed before the end');

    const rerun = spawnSync(process.execPath, [...args(config), '--no-progress'], { encoding: 'utf8' });
    assert.equal(rerun.status, 0, rerun.stderr);
    const results = resultFiles(out);
    assert.equal(results.length, 5, 'three knapsack and two rule tasks');
    for (const file of results) {
      const result = JSON.parse(readFileSync(file, 'utf8'));
      assert.ok(['completed', 'timeout'].includes(result.status), file);
      JSON.parse(readFileSync(file.replace(/\.json$/, '.trace.json'), 'utf8'));
    }
    const leftovers = readdirSync(join(out, 'r', 'results', 'sp', 'knapsack')).filter((f) =>
      f.endsWith('.tmp'),
    );
    assert.deepEqual(leftovers, [], 'temporary files of the killed writer are cleaned up');
    const status = JSON.parse(readFileSync(join(out, 'r', 'task_status_sp-knapsack.json'), 'utf8'));
    assert.equal((status.skipped ?? 0) + (status.completed ?? 0) + (status.timeout ?? 0), 3);
    assert.ok(status.skipped >= 1, 'finished episodes were not played again');
  });

  it('stops cleanly on SIGINT and says how to resume', async () => {
    const config = writeConfig('interrupted', 1, ['knapsack', 'navigation', 'rule_diagnosis']);
    const out = join(scratch, 'interrupted');
    const child = spawn(process.execPath, [...args(config), '--no-progress'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    await when(child, () => resultFiles(out).length >= 1);
    child.kill('SIGINT');
    const code = await exited(child);
    const results = resultFiles(out);
    assert.ok(results.length < 7, 'stopped before the end');
    assert.equal(code, 130, stderr);
    assert.match(stderr, /no new episodes will start/);
    assert.match(stderr, /Resume with the same command: alr run --config/);
    for (const file of results) JSON.parse(readFileSync(file, 'utf8'));
    assert.ok(existsSync(join(out, 'r', 'summary_sp-knapsack.json')), 'summaries are written for what ran');
  });
});
