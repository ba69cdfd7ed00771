import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPath, repoRoot } from './helpers/paths.js';

test('alr --version prints the package version', () => {
  const result = spawnSync(process.execPath, [cliPath, '--version'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(result.stdout.trim(), pkg.version);
});

test('alr with an unknown command fails with a message', () => {
  const result = spawnSync(process.execPath, [cliPath, 'no-such-command'], { encoding: 'utf8' });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /error: (unknown command|too many arguments)/);
});

test('alr --help lists every command; a command given by name still has its own help', () => {
  const all = spawnSync(process.execPath, [cliPath, '--help'], { encoding: 'utf8' });
  assert.equal(all.status, 0, all.stderr);
  for (const name of ['bench', 'compare', 'exec', 'export', 'replay', 'report', 'run', 'stats', 'tasks'])
    assert.match(all.stdout, new RegExp(`^\\s+${name}\\b`, 'm'), `${name} missing from --help`);
  // Only compare's module is loaded for `alr compare`; its help and argument errors are unchanged.
  const one = spawnSync(process.execPath, [cliPath, 'compare', '--help'], { encoding: 'utf8' });
  assert.equal(one.status, 0, one.stderr);
  assert.match(one.stdout, /Usage: alr compare \[options\] <runA> <runB>/);
  const missing = spawnSync(process.execPath, [cliPath, 'compare'], { encoding: 'utf8' });
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /missing required argument 'runA'/);
});
