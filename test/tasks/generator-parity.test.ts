import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateTasks, loadSettings } from '../../src/tasks/index.js';
import { cliPath, referenceFixtures } from '../helpers/paths.js';
import { tempDir, withoutVolatileLines } from './helpers.js';

// Every recorded reference task file must come out byte-identical (apart from its timestamp) when
// the whole config beside it is generated with the reference's global stream emulated as Random(0).

const taskSets = join(referenceFixtures, 'task-sets');
const setNames = readdirSync(taskSets).sort();

function fixtureFiles(setDir: string): string[] {
  const files: string[] = [];
  for (const family of readdirSync(join(setDir, 'tasks')).sort())
    for (const name of readdirSync(join(setDir, 'tasks', family)).sort()) files.push(join(family, name));
  return files;
}

function compareSet(setDir: string, outDir: string): number {
  let compared = 0;
  for (const rel of fixtureFiles(setDir)) {
    const produced = join(outDir, 'tasks', rel);
    assert.ok(existsSync(produced), `${rel} was not generated`);
    const expected = readFileSync(join(setDir, 'tasks', rel), 'utf8');
    const actual = readFileSync(produced, 'utf8');
    assert.equal(withoutVolatileLines(actual), withoutVolatileLines(expected), `${rel} differs`);
    assert.match(actual, /\n {2}"generated_at": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z",\n/);
    compared++;
  }
  const manifest = readFileSync(join(outDir, 'manifest.json'), 'utf8');
  assert.equal(
    withoutVolatileLines(manifest),
    withoutVolatileLines(readFileSync(join(setDir, 'manifest.json'), 'utf8')),
    'manifest.json differs',
  );
  assert.match(manifest, /"created_at": "[^"]+\+00:00"/);
  return compared;
}

test('reference task fixtures are present', () => {
  assert.ok(setNames.length >= 5, `expected the five task sets, found ${setNames.join(', ')}`);
});

for (const name of setNames) {
  test(`generator reproduces the reference task set '${name}' (--reference-global-seed 0)`, (t) => {
    const setDir = join(taskSets, name);
    const out = tempDir(t);
    const summary = generateTasks(loadSettings(join(setDir, 'config.json')), {
      outDir: out,
      referenceGlobalSeed: 0,
    });
    assert.equal(summary.failed, 0);
    assert.ok(compareSet(setDir, out) > 0);
  });
}

test('the CLI reproduces a reference task set', (t) => {
  const setDir = join(taskSets, 'hard');
  const out = tempDir(t);
  const result = spawnSync(
    process.execPath,
    [
      cliPath,
      'tasks',
      'generate',
      '--config',
      join(setDir, 'config.json'),
      '--out',
      out,
      '--reference-global-seed',
      '0',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /70 written, 0 already present, 0 failed/);
  compareSet(setDir, out);
});
