// Several replicas of one model: a run whose base_url lists three `alr serve` processes, one killed
// (SIGKILL) mid-run, completes every episode without a single failed model turn.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { agentExecutorFactory } from '../../src/runner/agent-executor.js';
import { loadBenchmarkConfig } from '../../src/runner/config.js';
import { listFamilyTasks } from '../../src/runner/list-tasks.js';
import { runBenchmark } from '../../src/runner/run-benchmark.js';
import { cliPath } from '../helpers/paths.js';
import { assertExactlyOnce, episodeDir, knapsackTasks, scratchDir, taskIds, writeConfig } from './helpers.js';

const scratch = scratchDir('replicas');

/** Starts `alr serve` on a free port; resolves with the process and its URL. */
function serve(latencyMs: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    // Approximate usage keeps the servers cheap on a loaded machine (no tokenizer per request).
    [
      cliPath,
      'serve',
      '--policy',
      'scripted-persistent',
      '--port',
      '0',
      '--latency-ms',
      String(latencyMs),
      '--usage',
      'approximate',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`alr serve exited (${code}) before listening`)));
  });
}

describe('several model replicas', () => {
  it('three `alr serve` replicas, one killed mid-run: every episode completes, no LLM Call Failed turn', async () => {
    const tasksDir = knapsackTasks(join(scratch, 'tasks'), 6);
    const ids = taskIds(tasksDir);
    const replicas = await Promise.all([0, 1, 2].map(() => serve(25)));
    const out = join(scratch, 'run');
    try {
      const config = loadBenchmarkConfig(
        writeConfig(join(scratch, 'config.yaml'), {
          out,
          concurrency: 3,
          model: 'served-policy',
          // No retries: without the replica pool, the killed replica's requests would fail turns.
          llm: [`base_url: ${JSON.stringify(replicas.map((r) => r.url))}`, 'max_retries: 0', 'timeout_s: 60'],
        }),
      );
      const running = runBenchmark({
        config,
        tasksDir,
        listTasks: listFamilyTasks,
        executorFactory: agentExecutorFactory,
      });
      // Kill a replica once the run is under way (the first episode is on disk, others are running).
      const victim = replicas[1].child;
      const killer = setInterval(() => {
        const dir = episodeDir(out);
        if (existsSync(dir) && readdirSync(dir).some((f) => /\d\.json$/.test(f))) {
          victim.kill('SIGKILL');
          clearInterval(killer);
        }
      }, 20);
      const outcome = await running.finally(() => clearInterval(killer));
      assert.equal(victim.signalCode, 'SIGKILL', 'the replica was killed during the run');
      assert.equal(outcome.errors, 0);
      assertExactlyOnce(out, ids);
      const done = readdirSync(episodeDir(out)).filter((f) => f.endsWith('.trace.json'));
      assert.ok(done.length < ids.length * 2);
      for (const file of done) {
        const trace = readFileSync(join(episodeDir(out), file), 'utf8');
        assert.doesNotMatch(trace, /LLM Call Failed/, file);
      }
    } finally {
      for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill();
    }
  });
});
