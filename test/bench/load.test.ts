// A small run of the load benchmark end to end (served scripted policy, real runner, interpreters
// through the launcher): the JSON it prints has the fields docs/performance.md describes and
// figures consistent with each other. Speed itself is not asserted here (see alr bench).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { cliPath } from '../helpers/paths.js';

const run = promisify(execFile);

test('alr bench load prints one consistent row per level', { timeout: 180_000 }, async () => {
  const settings = ['levels=2,3', 'episodes=6', 'latency_ms=50'];
  const { stdout } = await run(
    process.execPath,
    [cliPath, 'bench', 'load', '--json', ...settings.flatMap((s) => ['--set', s])],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const rows = JSON.parse(stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(
    rows.map((r) => r.concurrency),
    [2, 3],
  );
  for (const row of rows) {
    for (const key of [
      'concurrency',
      'latency_ms',
      'episodes',
      'throughput_eps',
      'ideal_eps',
      'efficiency',
      'peak_rss_mb',
      'harness_cpu_ms_per_step',
      'overhead_pct',
    ])
      assert.equal(typeof row[key], 'number', `${key} in ${JSON.stringify(row)}`);
    assert.equal(row.latency_ms, 50);
    assert.equal(row.episodes, 6);
    assert.deepEqual(row.statuses, { completed: 6 });
    assert.equal(row.errors, 0);
    const turns = Number(row.mean_turns);
    assert.ok(turns >= 2, `mean turns ${turns}`);
    const ideal = Number(row.concurrency) / (turns * 0.05);
    assert.ok(Math.abs(Number(row.ideal_eps) - ideal) < 0.01, `ideal ${row.ideal_eps} vs ${ideal}`);
    assert.ok(Math.abs(Number(row.efficiency) - Number(row.throughput_eps) / Number(row.ideal_eps)) < 0.01);
    assert.ok(Number(row.throughput_eps) > 0 && Number(row.whole_run_throughput_eps) > 0);
    assert.ok(Number(row.peak_rss_mb) > Number(row.peak_harness_rss_mb), 'interpreters counted in the peak');
    assert.ok(Number(row.peak_interpreter_processes) >= 1);
    assert.ok(Number(row.harness_cpu_ms_per_step) > 0);
    // Per step as a share of the 50 ms latency.
    assert.ok(Math.abs(Number(row.overhead_pct) - 2 * Number(row.harness_cpu_ms_per_step)) < 0.02);
  }
});
