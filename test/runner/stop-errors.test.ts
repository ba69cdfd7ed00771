// An episode that ends in error after a stop request (Ctrl-C, or a cluster engine cancelling the
// job, which signals the interpreters too) is not recorded, so that resuming plays it again.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pyFloat } from '../../src/python/json.js';
import { benchmarkConfigSchema } from '../../src/runner/config.js';
import type { AgentExecutor, EpisodeJob, ExecutorFactory } from '../../src/runner/episode.js';
import { resultPath, runLayout } from '../../src/runner/layout.js';
import { listFamilyTasks } from '../../src/runner/list-tasks.js';
import { runBenchmark } from '../../src/runner/run-benchmark.js';
import { generateSmallTaskSet } from '../helpers/small-task-set.js';

const scratch = mkdtempSync(join(tmpdir(), 'alr-stop-errors-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const tasksDir = generateSmallTaskSet(join(scratch, 'tasks'), 2, ['knapsack']);

/** Plays the first episode normally, then stops the run and fails the second as a killed interpreter would. */
function factory(stop: AbortController): ExecutorFactory {
  let calls = 0;
  return async () =>
    ({
      async run(_job: EpisodeJob) {
        calls += 1;
        const failing = calls > 1;
        if (failing) stop.abort();
        const status = failing ? 'error' : 'completed';
        return {
          status,
          result: {
            status,
            error: failing ? 'the interpreter stopped: process exited (signal SIGTERM)' : null,
            result: { is_solved: !failing, score: pyFloat(failing ? 0 : 1), metrics: {} },
            finished_at: pyFloat(2),
            started_at: pyFloat(1),
          },
          trace: { summary: { num_steps: 1 }, events: [] },
          totalTokens: 0,
          steps: 1,
        };
      },
      async close() {},
    }) satisfies AgentExecutor;
}

describe('errors after a stop request', () => {
  it('are left unrecorded (resume replays them); episodes before the stop are kept', async () => {
    const config = benchmarkConfigSchema.parse({
      output_dir: join(scratch, 'out'),
      run_name: 'r',
      cache_db_path: join(scratch, 'cache.sqlite'),
      max_concurrent_runs: 1,
      task_families: ['knapsack'],
      agents: [{ name: 'a', llm: { model: 'scripted-persistent' } }],
    });
    const stop = new AbortController();
    const outcome = await runBenchmark({
      config,
      tasksDir,
      listTasks: listFamilyTasks,
      executorFactory: factory(stop),
      stop: stop.signal,
    });
    const [first, second] = listFamilyTasks(tasksDir, 'knapsack');
    const layout = runLayout(config.output_dir, 'r');
    assert.ok(existsSync(resultPath(layout, 'a', 'knapsack', first.taskId)));
    assert.ok(!existsSync(resultPath(layout, 'a', 'knapsack', second.taskId)), 'the error is not recorded');
    assert.equal(outcome.interrupted, true);
    assert.equal(outcome.errors, 0);
  });
});
