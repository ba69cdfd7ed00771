import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareRuns } from '../../src/report/compare-runs.js';
import { cliPath } from '../helpers/paths.js';
import { stubAnalyzer } from '../metrics/fixtures.js';
import { TASKS, writeSyntheticRun } from './synthetic-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'alr-compare-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let runDir = '';
before(() => {
  runDir = writeSyntheticRun(tmp);
  // One task missing from B: it must be counted, not paired.
  rmSync(join(runDir, 'results', 'p-on-s', 'knapsack', `knapsack-${TASKS[0]}.json`));
  rmSync(join(runDir, 'results', 'p-on-s', 'knapsack', `knapsack-${TASKS[0]}.trace.json`));
});

describe('alr compare', () => {
  it('pairs by task id and tests every metric', async () => {
    const a = join(runDir, 'results', 'p-on-p', 'knapsack');
    const b = join(runDir, 'results', 'p-on-s', 'knapsack');
    const r = await compareRuns(a, b, { analyzer: stubAnalyzer });
    assert.equal(r.paired, TASKS.length - 1);
    assert.equal(r.only_in_a, 1);
    assert.equal(r.only_in_b, 0);
    const metrics = r.tests.map((t) => t.metric);
    for (const m of [
      'score',
      'total_tokens',
      'steps',
      'tool_calls',
      'state_utilization',
      'symbol_lifespan',
      'solved',
      'has_name_error',
    ])
      assert.ok(metrics.includes(m), m);
    const ne = r.tests.find((t) => t.metric === 'has_name_error');
    assert.equal(ne?.b01, TASKS.length - 1);
    assert.equal(ne?.b10, 0);
    const tokens = r.tests.find((t) => t.metric === 'total_tokens');
    assert.ok(
      tokens?.difference &&
        tokens.difference.lo <= tokens.difference.estimate &&
        tokens.difference.estimate <= tokens.difference.hi,
    );
    for (const t of r.tests) if (t.pvalue !== null) assert.ok((t.pvalue_holm as number) >= t.pvalue);
  });

  it('prints a table by default and JSON with --json', () => {
    const a = join(runDir, 'results', 's-on-p', 'knapsack');
    const b = join(runDir, 'results', 's-on-s', 'knapsack');
    const text = spawnSync(process.execPath, [cliPath, 'compare', a, b], { encoding: 'utf8' });
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /paired by task id: 6 · only in A: 0 · only in B: 0/);
    assert.match(text.stdout, /^score\s+6\s/m);
    const json = spawnSync(process.execPath, [cliPath, 'compare', a, b, '--json'], { encoding: 'utf8' });
    assert.equal(json.status, 0, json.stderr);
    const parsed = JSON.parse(json.stdout);
    assert.equal(parsed.paired, TASKS.length);
    assert.ok(Array.isArray(parsed.tests) && parsed.tests.length > 0);
  });

  it('refuses a folder holding several conditions, naming it', async () => {
    await assert.rejects(compareRuns(runDir, runDir, { analyzer: null }), /holds 4 conditions/);
  });
});
