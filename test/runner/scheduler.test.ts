import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pyFloat } from '../../src/python/json.js';
import { parseBenchmarkConfig } from '../../src/runner/config.js';
import type { AgentExecutor, EpisodeJob, EpisodeOutput, ExecutorFactory } from '../../src/runner/episode.js';
import { listFamilyTasks } from '../../src/runner/list-tasks.js';
import { type RunOptions, runBenchmark } from '../../src/runner/run-benchmark.js';
import { limitPerFamily, parseShard, shardTasks, type TaskRef } from '../../src/runner/task-selection.js';
import { InputError } from '../../src/util/errors.js';
import { referenceFixtures } from '../helpers/paths.js';

const tasksDir = join(referenceFixtures, 'task-sets', 'easy_100');
const scratch = mkdtempSync(join(tmpdir(), 'alr-runner-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A deterministic stand-in for the agent: numbers derived from the task index. */
function fakeOutput(job: EpisodeJob): EpisodeOutput {
  const index = Number(job.task.taskId.split('-').pop());
  const score = [1, 0.5, 0.75, 0.25][index % 4];
  const steps = 3 + index;
  const tokens = 1000 + 10 * index;
  return {
    status: 'completed',
    result: {
      status: 'completed',
      error: null,
      result: {
        is_solved: score === 1,
        score: pyFloat(score),
        metrics: { agent_value: 100 * score, optimal_value: 100, flag: true, note: 'x' },
      },
      finished_at: pyFloat(10 + index + 0.5 * steps),
      started_at: pyFloat(10 + index),
    },
    trace: {
      started_at: 'a',
      finished_at: 'b',
      summary: {
        num_steps: steps,
        token_usage: { prompt_tokens: tokens - 100, completion_tokens: 100, total_tokens: tokens },
      },
      events: [],
    },
    totalTokens: tokens,
    steps,
  };
}

function factory(played: string[], failOn = new Set<string>()): ExecutorFactory {
  return async () =>
    ({
      async run(job: EpisodeJob) {
        played.push(`${job.agent.name}/${job.task.taskId}`);
        await new Promise((r) => setTimeout(r, 2));
        if (failOn.has(job.task.taskId)) throw new Error(`sandbox crashed on ${job.task.taskId}`);
        return fakeOutput(job);
      },
      async close() {},
    }) satisfies AgentExecutor;
}

function config(out: string, families = '[knapsack, rule_diagnosis]') {
  return parseBenchmarkConfig(
    `output_dir: ${out}\nrun_name: r\ncache_db_path: c\nmax_concurrent_runs: 2\ntask_families: ${families}\nagents:\n  - {name: p, llm: {model: scripted-persistent}}\n  - {name: s, persistent_state: false, llm: {model: scripted-stateless}}\n`,
    'test.yaml',
  );
}

function options(out: string, played: string[], extra: Partial<RunOptions> = {}): RunOptions {
  return {
    config: config(out),
    tasksDir,
    listTasks: listFamilyTasks,
    executorFactory: factory(played),
    ...extra,
  };
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('scheduler', () => {
  it('writes the reference layout, task_status and summary files', async () => {
    const out = join(scratch, 'full');
    const played: string[] = [];
    const outcome = await runBenchmark(options(out, played));
    assert.equal(outcome.interrupted, false);
    assert.equal(played.length, 2 * (3 + 2));
    const runDir = join(out, 'r');
    const files = readdirSync(join(runDir, 'results', 'p', 'knapsack')).sort();
    assert.deepEqual(files, [
      'knapsack-knapsack-0000000000.json',
      'knapsack-knapsack-0000000000.trace.json',
      'knapsack-knapsack-0000000001.json',
      'knapsack-knapsack-0000000001.trace.json',
      'knapsack-knapsack-0000000002.json',
      'knapsack-knapsack-0000000002.trace.json',
    ]);
    for (const f of [
      'config.yaml',
      'run.json',
      'summary_p-knapsack.json',
      'task_status_s-rule_diagnosis.json',
    ])
      assert.ok(existsSync(join(runDir, f)), f);
    assert.ok(
      !existsSync(join(runDir, 'summary_p-navigation.json')),
      'families outside the config are not run',
    );

    const statusText = readFileSync(join(runDir, 'task_status_p-knapsack.json'), 'utf8');
    assert.equal(statusText, '{\n  "completed": 3\n}');
    const resultText = readFileSync(
      join(runDir, 'results/p/knapsack/knapsack-knapsack-0000000000.json'),
      'utf8',
    );
    assert.ok(resultText.includes('"score": 1.0'), 'Python float repr');
    assert.ok(!resultText.endsWith('\n'), 'no trailing newline, as json.dumps writes');

    // The summary, recomputed here from the files on disk.
    const dir = join(runDir, 'results', 'p', 'knapsack');
    const results = ['0', '1', '2'].map((i) => readJson(join(dir, `knapsack-knapsack-000000000${i}.json`)));
    const traces = ['0', '1', '2'].map((i) =>
      readJson(join(dir, `knapsack-knapsack-000000000${i}.trace.json`)),
    );
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const scores = results.map((r) => r.result.score);
    const summaryText = readFileSync(join(runDir, 'summary_p-knapsack.json'), 'utf8');
    const summary = JSON.parse(summaryText);
    assert.deepEqual(Object.keys(summary), [
      'average_is_solved',
      'average_runtime',
      'average_steps',
      'average_total_tokens',
      'metrics',
      'num_tasks_executed',
      'num_tasks_solved',
    ]);
    assert.equal(summary.num_tasks_executed, 3);
    assert.equal(summary.num_tasks_solved, results.filter((r) => r.result.is_solved === true).length);
    assert.equal(summary.average_is_solved, summary.num_tasks_solved / 3);
    assert.equal(summary.average_runtime, mean(results.map((r) => r.finished_at - r.started_at)));
    assert.equal(summary.average_steps, mean(traces.map((t) => t.summary.num_steps)));
    assert.equal(summary.average_total_tokens, mean(traces.map((t) => t.summary.token_usage.total_tokens)));
    // Numeric metrics in first-appearance order, score last; bools and strings left out.
    assert.deepEqual(Object.keys(summary.metrics), ['agent_value', 'optimal_value', 'score']);
    const sorted = [...scores].sort((a, b) => a - b);
    assert.deepEqual(summary.metrics.score, {
      mean: mean(scores),
      median: sorted[1],
      min: sorted[0],
      max: sorted[2],
    });
    assert.match(summaryText, /"optimal_value": \{\n {6}"mean": 100\.0,/, 'floats print as Python floats');

    const run = readJson(join(runDir, 'run.json'));
    assert.equal(run.schema, 'alr.run.v1');
    assert.deepEqual(
      run.agents.map(
        (a: { name: string; runtime: string; policy_style: string; model: { kind: string } }) => [
          a.name,
          a.runtime,
          a.policy_style,
          a.model.kind,
        ],
      ),
      [
        ['p', 'persistent', 'persistent', 'scripted'],
        ['s', 'stateless', 'stateless', 'scripted'],
      ],
    );
  });

  it('resumes: finished episodes are skipped, missing ones are played once', async () => {
    const out = join(scratch, 'resume');
    await runBenchmark(options(out, []));
    const dir = join(out, 'r', 'results', 'p', 'knapsack');
    rmSync(join(dir, 'knapsack-knapsack-0000000001.json'));
    const played: string[] = [];
    const outcome = await runBenchmark(options(out, played));
    assert.deepEqual(played, ['p/knapsack-0000000001']);
    assert.deepEqual(Object.keys(outcome.groups[0].statuses), ['skipped', 'completed']);
    assert.deepEqual(
      readJson(join(out, 'r', 'task_status_p-knapsack.json')),
      { skipped: 2, completed: 1 },
      'a counter in order of first appearance',
    );
    assert.equal(readdirSync(dir).filter((f) => !f.endsWith('.trace.json')).length, 3);
    assert.equal(readJson(join(out, 'r', 'summary_p-knapsack.json')).num_tasks_executed, 3);
  });

  it('records a failing episode as an error and goes on', async () => {
    const out = join(scratch, 'errors');
    const played: string[] = [];
    const outcome = await runBenchmark(
      options(out, played, { executorFactory: factory(played, new Set(['knapsack-0000000001'])) }),
    );
    assert.equal(played.length, 10);
    assert.equal(outcome.errors, 2);
    const failed = readJson(join(out, 'r', 'results', 's', 'knapsack', 'knapsack-knapsack-0000000001.json'));
    assert.equal(failed.status, 'error');
    assert.match(failed.error, /sandbox crashed/);
    assert.deepEqual(readJson(join(out, 'r', 'task_status_s-knapsack.json')), { completed: 2, error: 1 });
    // Errors are kept on resume unless asked to retry them.
    const again: string[] = [];
    await runBenchmark(options(out, again));
    assert.equal(again.length, 0);
    await runBenchmark(options(out, again, { retryErrors: true }));
    assert.deepEqual(again.sort(), ['p/knapsack-0000000001', 's/knapsack-0000000001']);
  });

  it('stops scheduling when asked and leaves no result for unplayed tasks', async () => {
    const out = join(scratch, 'stop');
    const stop = new AbortController();
    const played: string[] = [];
    const base = options(out, played);
    const outcome = await runBenchmark({
      ...base,
      config: { ...base.config, max_concurrent_runs: 1 },
      stop: stop.signal,
      executorFactory: async (agent, ctx) => {
        const inner = await factory(played)(agent, ctx);
        return {
          run: async (job, signal) => {
            const output = await inner.run(job, signal);
            if (played.length === 2) stop.abort();
            return output;
          },
          close: inner.close,
        };
      },
    });
    assert.equal(outcome.interrupted, true);
    assert.equal(played.length, 2);
    const dir = join(out, 'r', 'results', 'p', 'knapsack');
    assert.equal(readdirSync(dir).filter((f) => /\d\.json$/.test(f)).length, 2);
  });

  it('limits per family and partitions tasks into disjoint shards', () => {
    const tasks = listFamilyTasks(tasksDir, 'knapsack').concat(listFamilyTasks(tasksDir, 'navigation'));
    assert.deepEqual(
      limitPerFamily(tasks, 1).map((t) => t.taskId),
      ['knapsack-0000000000', 'navigation-0000000000'],
    );
    const many: TaskRef[] = Array.from({ length: 23 }, (_, i) => ({
      family: 'knapsack',
      taskId: `k-${i}`,
      file: `f${i}`,
    }));
    for (const n of [1, 2, 3, 5]) {
      const shards = Array.from({ length: n }, (_, i) => shardTasks(many, parseShard(`${i + 1}/${n}`)));
      const all = shards.flat().map((t) => t.taskId);
      assert.equal(all.length, many.length);
      assert.equal(new Set(all).size, many.length);
      assert.ok(Math.max(...shards.map((s) => s.length)) - Math.min(...shards.map((s) => s.length)) <= 1);
    }
    for (const bad of ['0/2', '3/2', '1/0', 'a/b', '1'])
      assert.throws(() => parseShard(bad), InputError, bad);
  });
});

describe('pool', () => {
  it('after a failing job starts nothing new, lets running jobs finish, then throws', async () => {
    const { runPool } = await import('../../src/runner/pool.js');
    const started: number[] = [];
    const finished: number[] = [];
    await assert.rejects(
      runPool(
        [0, 1, 2, 3, 4],
        async (job) => {
          started.push(job);
          await new Promise((r) => setTimeout(r, job === 0 ? 30 : 5));
          if (job === 1) throw new Error('fatal');
          finished.push(job);
          return job;
        },
        { concurrency: 2 },
      ),
      /fatal/,
    );
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual(finished, [0], 'the running job finished before the error was passed on');
  });
});
