// The studies across the spectrum end to end: `alr experiment --plan semantics` (few tasks), a
// counterfactual `alr replay --runtime SPEC`, and the token-matched `alr export --match-tokens`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readConditionTable } from '../../src/formats/condition-table.js';
import { cpythonAvailable } from '../../src/sandbox/index.js';
import { subsampleByTask } from '../../src/training/token-match.js';
import { cliPath } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'alr-runtime-study-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'semantics');
const backend = cpythonAvailable() ? 'cpython' : 'pyodide';
const RUNTIMES = [
  'persistent',
  'stateless',
  'stateless+summary',
  'persistent:ttl=2',
  'persistent:keep=functions',
  'persistent:restart=0.2',
];

function alr(args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: 900_000 });
}

before(() => {
  const run = alr([
    'experiment',
    '--plan',
    'semantics',
    '--limit',
    '3',
    '--backend',
    backend,
    '--out',
    out,
    '--no-progress',
  ]);
  assert.equal(run.status, 0, run.stderr);
});

test('the semantics plan runs 12 conditions and its report shows all six runtimes', () => {
  const { conditions } = readConditionTable(join(out, 'eval', 'conditions.json'));
  assert.equal(conditions.length, 12);
  const table = readFileSync(join(out, 'report', 'table.md'), 'utf8');
  const html = readFileSync(join(out, 'report', 'report.html'), 'utf8');
  const figure = readFileSync(join(out, 'report', 'runtime-spectrum.vl.json'), 'utf8');
  for (const runtime of RUNTIMES) {
    assert.ok(table.toLowerCase().includes(`| ${runtime} |`), `table shows ${runtime}`);
    assert.ok(html.toLowerCase().includes(runtime.replace('+', '+')), `html shows ${runtime}`);
    assert.ok(figure.includes(`"${runtime}"`), `figure shows ${runtime}`);
  }
  assert.ok(existsSync(join(out, 'report', 'runtime-spectrum.svg')));
  // run.json records the full spec.
  const runJson = JSON.parse(
    readFileSync(join(out, 'eval', 'scripted-persistent_persistent:ttl=2_easy', 'run.json'), 'utf8'),
  ) as { agents: { runtime: string }[] };
  assert.equal(runJson.agents[0]?.runtime, 'persistent:ttl=2');
  // A persistent-style policy in a stateless runtime meets NameErrors; in a persistent one it does not.
  const metrics = JSON.parse(readFileSync(join(out, 'report', 'metrics.json'), 'utf8'));
  const text = JSON.stringify(metrics);
  assert.ok(text.includes('persistent:restart=0.2'));
});

test('replay re-executes a run under another spec, and a restart run replays without divergence', () => {
  const restartRun = join(out, 'eval', 'scripted-persistent_persistent:restart=0.2_easy');
  const same = alr(['replay', restartRun, '--runtime', 'persistent:restart=0.2', '--backend', backend]);
  assert.equal(same.status, 0, same.stderr);
  const report = JSON.parse(readFileSync(join(restartRun, 'replay_persistent:restart=0.2.json'), 'utf8'));
  assert.equal(report.runtime, 'persistent:restart=0.2');
  assert.equal(report.summary.diverged, 0);
  const plainRun = join(out, 'eval', 'scripted-persistent_persistent_easy');
  const counter = alr(['replay', plainRun, '--runtime', 'persistent:restart=1', '--backend', backend]);
  assert.equal(counter.status, 0, counter.stderr);
  const counterfactual = JSON.parse(readFileSync(join(plainRun, 'replay_persistent:restart=1.json'), 'utf8'));
  assert.ok(counterfactual.summary.with_name_errors > 0);
  assert.ok(counterfactual.summary.diverged > 0);
});

test('the token-matched export leaves totals less than one example apart', () => {
  const a = join(out, 'eval', 'scripted-persistent_persistent_easy');
  const b = join(out, 'eval', 'scripted-persistent_stateless_easy');
  const matched = join(dir, 'matched');
  const run = alr(['export', a, b, '--match-tokens', '--out', matched]);
  assert.equal(run.status, 0, run.stderr);
  const totals = ['scripted-persistent_persistent_easy', 'scripted-persistent_stateless_easy'].map((name) => {
    const prov = readFileSync(join(matched, `${name}.provenance.jsonl`), 'utf8')
      .trim()
      .split('\n');
    const lines = readFileSync(join(matched, `${name}.jsonl`), 'utf8')
      .trim()
      .split('\n');
    assert.equal(prov.length, lines.length);
    return prov.map((l) => JSON.parse(l).tokens as number);
  });
  const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
  const longest = Math.max(...totals.flat());
  const report = JSON.parse(readFileSync(join(matched, 'token-match.json'), 'utf8'));
  assert.ok(
    Math.abs(sum(totals[0] as number[]) - sum(totals[1] as number[])) < Math.max(longest, report.bound),
  );
  assert.equal(report.difference, Math.abs(sum(totals[0] as number[]) - sum(totals[1] as number[])));
  assert.equal(report.within_bound, true);
  // Deterministic: a second export writes the same files.
  const again = alr(['export', a, b, '--match-tokens', '--out', join(dir, 'matched-2')]);
  assert.equal(again.status, 0, again.stderr);
  for (const name of ['scripted-persistent_persistent_easy', 'scripted-persistent_stateless_easy'])
    assert.equal(
      readFileSync(join(matched, `${name}.jsonl`), 'utf8'),
      readFileSync(join(dir, 'matched-2', `${name}.jsonl`), 'utf8'),
    );
});

test('subsampling by task stays under the target and within one task of it', () => {
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  for (let trial = 0; trial < 50; trial++) {
    const examples = Array.from({ length: 5 + Math.floor(random() * 60) }, (_, i) => ({
      line: `l${i}`,
      provenance: `p${i}`,
      taskId: `task-${i}`,
      tokens: 100 + Math.floor(random() * 5000),
    }));
    const totalTokens = examples.reduce((a, e) => a + e.tokens, 0);
    const target = Math.floor(totalTokens * (0.2 + random() * 0.6));
    const kept = subsampleByTask(examples, target, trial);
    const keptTokens = kept.reduce((a, e) => a + e.tokens, 0);
    const longest = Math.max(...examples.map((e) => e.tokens));
    assert.ok(keptTokens <= target);
    assert.ok(target - keptTokens < longest, `trial ${trial}: ${target - keptTokens} ≥ ${longest}`);
    assert.deepEqual(subsampleByTask(examples, target, trial), kept);
  }
});
