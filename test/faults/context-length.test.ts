// A served model whose context window runs out: a whole run through the HTTP backend records the
// episode as stopped by `context_exceeded` after one request (no retries), and the experiment table
// and the report count it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { conditionRow, formatConditionTable } from '../../src/experiment/condition-table.js';
import { startPolicyServer } from '../../src/models/index.js';
import { generateReport } from '../../src/report/index.js';
import { agentExecutorFactory } from '../../src/runner/agent-executor.js';
import { loadBenchmarkConfig } from '../../src/runner/config.js';
import { listFamilyTasks } from '../../src/runner/list-tasks.js';
import { runBenchmark } from '../../src/runner/run-benchmark.js';
import { knapsackTasks, readEpisodes, scratchDir, writeConfig } from './helpers.js';

const scratch = scratchDir('context');

it('a context-length 400 ends the episode once, and the table and report count it', async () => {
  const tasksDir = knapsackTasks(join(scratch, 'tasks'), 2);
  // Every request of the run is answered with SGLang's context-length error.
  const server = await startPolicyServer({
    policy: 'scripted-persistent',
    faults: { probability: 1, kinds: [{ kind: 'context-length', wording: 'sglang' }] },
  });
  const out = join(scratch, 'run');
  try {
    const config = loadBenchmarkConfig(
      writeConfig(join(scratch, 'config.yaml'), {
        out,
        model: 'served',
        baseUrl: server.url,
        llm: ['max_retries: 3', 'backoff_base_s: 0.01', 'backoff_max_s: 0.02', 'jitter_s: 0'],
      }),
    );
    const outcome = await runBenchmark({
      config,
      tasksDir,
      listTasks: listFamilyTasks,
      executorFactory: agentExecutorFactory,
    });
    assert.equal(outcome.errors, 0);
    assert.equal(server.requests(), 2, 'one request per episode, none retried');
  } finally {
    await server.close();
  }
  const { results } = readEpisodes(out);
  for (const result of results.values()) {
    assert.equal(result.status, 'completed');
    const alr = result.alr as { stop_reason: string; truncated: boolean; steps: number };
    assert.equal(alr.stop_reason, 'context_exceeded');
    assert.equal(alr.truncated, true);
    assert.equal(alr.steps, 0);
  }
  const row = await conditionRow('served', join(out, 'r'));
  assert.equal(row.contextExceeded, 2);
  assert.match(formatConditionTable([row]), /ctx exceeded[\s\S]*2\/2/);
  const report = join(scratch, 'report');
  await generateReport([join(out, 'r')], report);
  assert.match(
    readFileSync(join(report, 'report.html'), 'utf8'),
    /context_exceeded\), scored on their final state: .* 2 of 2/,
  );
});
