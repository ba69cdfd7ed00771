// A run folder keeps what played it: re-running it with another model or runtime is refused before
// anything is written; --relabel allows it and records the change in run.json.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readRunJson } from '../../src/formats/run-json.js';
import { cpythonAvailable } from '../../src/sandbox/index.js';
import { cliPath, referenceFixtures } from '../helpers/paths.js';
import { runOneTaskArgs, writeScriptedConfig } from '../helpers/scripted-config.js';

const scratch = mkdtempSync(join(tmpdir(), 'alr-identity-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const tasksDir = join(referenceFixtures, 'task-sets', 'easy_100');
const backend = cpythonAvailable() ? 'cpython' : 'pyodide';
const config = writeScriptedConfig(join(scratch, 'config.yaml'), {
  outputDir: scratch,
  cacheDb: join(scratch, 'cache.sqlite'),
  families: ['knapsack'],
  agent: 'a',
});
const runDir = join(scratch, 'r');
const runJson = join(runDir, 'run.json');

function alrRun(...extra: string[]) {
  return spawnSync(process.execPath, [cliPath, ...runOneTaskArgs(config, tasksDir, backend, ...extra)], {
    encoding: 'utf8',
    timeout: 180_000,
  });
}

describe('a run folder keeps its identity', { concurrency: false }, () => {
  it('records the agent, model, runtime and backend that played it', () => {
    const first = alrRun();
    assert.equal(first.status, 0, first.stderr);
    const run = readRunJson(runJson);
    assert.deepEqual(
      run.agents.map((a) => [a.name, a.model?.name, a.runtime, a.backend]),
      [['a', 'scripted-persistent', 'persistent', backend]],
    );
  });

  it('refuses another model and leaves run.json, config.yaml and the summary untouched', () => {
    const before = ['run.json', 'config.yaml', 'summary_a-knapsack.json'].map((f) =>
      readFileSync(join(runDir, f), 'utf8'),
    );
    const other = alrRun('--model', 'scripted-stateless');
    assert.equal(other.status, 1, other.stderr);
    assert.match(
      other.stderr,
      /^alr: .*run\.json: .*agent 'a' model was 'scripted-persistent', now 'scripted-stateless'/m,
    );
    assert.doesNotMatch(other.stderr, /^\s+at /m);
    const after = ['run.json', 'config.yaml', 'summary_a-knapsack.json'].map((f) =>
      readFileSync(join(runDir, f), 'utf8'),
    );
    assert.deepEqual(after, before);
  });

  it('refuses another runtime, naming it', () => {
    const other = alrRun('--runtime', 'stateless');
    assert.equal(other.status, 1, other.stderr);
    assert.match(other.stderr, /agent 'a' runtime was 'persistent', now 'stateless'/);
  });

  it('the same identity resumes as before', () => {
    const again = alrRun();
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readRunJson(runJson).identity_changes, undefined);
  });

  it('--relabel allows the change and records it', () => {
    const relabeled = alrRun('--model', 'scripted-stateless', '--relabel');
    assert.equal(relabeled.status, 0, relabeled.stderr);
    const run = readRunJson(runJson);
    assert.equal(run.agents[0]?.model?.name, 'scripted-stateless');
    assert.deepEqual(
      run.identity_changes?.map((c) => [c.agent, c.field, c.from, c.to]),
      [['a', 'model', 'scripted-persistent', 'scripted-stateless']],
    );
  });
});
