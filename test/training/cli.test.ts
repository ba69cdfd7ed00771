import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPath } from '../helpers/paths.js';
import { buildRun, persistentEpisode } from './build-run.js';

function alr(...args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
}

test('alr export, --stats, train-config and serve-config work end to end from the command line', () => {
  const runDir = buildRun([persistentEpisode('knapsack-0000000001', { score: 0.5, solved: false })]);
  const out = join(runDir, '..', 'cli.jsonl');
  const exported = alr('export', runDir, '--out', out, '--format', 'sharegpt');
  assert.equal(exported.status, 0, exported.stderr);
  assert.match(exported.stdout, /1 training examples/);
  assert.ok(existsSync(join(runDir, '..', 'cli.provenance.jsonl')));

  const stats = alr('export', runDir, '--stats', '--json');
  assert.equal(stats.status, 0, stats.stderr);
  assert.equal(JSON.parse(stats.stdout).meanOptimality, 0.5);

  const cfg = alr('train-config', '--export', out, '--out', join(runDir, '..', 'cfg'));
  assert.equal(cfg.status, 0, cfg.stderr);
  const yaml = readFileSync(join(runDir, '..', 'cfg', 'axolotl.yaml'), 'utf8');
  assert.match(yaml, /field_messages: conversations/);

  const tooShort = alr(
    'train-config',
    '--export',
    out,
    '--out',
    join(runDir, '..', 'cfg2'),
    '--sequence-length',
    '32',
  );
  assert.equal(tooShort.status, 1);
  assert.match(tooShort.stderr, /renders to \d+ Qwen3 tokens > 32/);

  const clash = alr('serve-config', '--out', join(runDir, '..', 'srv'), '--adapter', 'qwen3-8b=somewhere');
  assert.equal(clash.status, 1);
  assert.match(clash.stderr, /^alr: adapter name 'qwen3-8b' equals the base model's served name/);
});

test('bad input names the file or flag at fault', () => {
  const missing = alr('export', 'no-such-run-folder', '--out', 'x.jsonl');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^alr: no-such-run-folder: no such folder/);
  const badFormat = alr('export', '.', '--out', 'x.jsonl', '--format', 'csv');
  assert.equal(badFormat.status, 1);
  assert.match(badFormat.stderr, /--format must be one of messages, sharegpt/);
  const badRuntime = alr('replay', '.', '--runtime', 'forgetful');
  assert.equal(badRuntime.status, 1);
  assert.match(badRuntime.stderr, /--runtime: invalid runtime 'forgetful'.*Grammar:/);
});
