// `alr run` is SIGKILLed at seeded random moments and restarted, over and over (at least 20 kills
// that land while it runs), then allowed to finish: no episode is lost or written twice, nothing
// half-written is ever visible, no interpreter outlives its killed harness, and the summary counts
// each task once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startPolicyServer } from '../../src/models/index.js';
import { descendantPids as descendants } from '../../src/util/process-tree.js';
import { cliPath } from '../helpers/paths.js';
import { alive, waitWhile } from '../helpers/processes.js';
import { envWithTempDir } from '../helpers/scratch.js';
import {
  assertExactlyOnce,
  knapsackTasks,
  readEpisodes,
  scratchDir,
  taskIds,
  writeConfig,
} from './helpers.js';

const KILLS = 20;
/**
 * Enough work (about 45 s of model latency, two episodes at a time) that the run is still going
 * after 20 kills, each 0.3-4.5 s after a start (40 tasks with 100 ms turns, about 18 s in all,
 * were finished before the 20th kill).
 */
const TASKS = 60;
/** Each model turn waits this long, so that episodes last long enough to be cut in the middle. */
const LATENCY_MS = 200;
const scratch = scratchDir('sigkill');

/** Seeded uniform numbers in [0, 1) (mulberry32), so that a failing schedule can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function gone(pids: number[], withinMs: number): Promise<number[]> {
  await waitWhile(() => pids.some(alive), withinMs);
  return pids.filter(alive);
}

describe('alr run killed with SIGKILL again and again', () => {
  it(`${KILLS} kills at random moments, then a run to the end: every episode exactly once`, async () => {
    const tasksDir = knapsackTasks(join(scratch, 'tasks'), TASKS);
    const ids = taskIds(tasksDir);
    const out = join(scratch, 'out');
    const server = await startPolicyServer({ policy: 'scripted-persistent', latencyMs: LATENCY_MS });
    after(() => server.close());
    const config = writeConfig(join(scratch, 'config.yaml'), {
      out,
      concurrency: 2,
      model: 'served-policy',
      baseUrl: server.url,
    });
    const args = [cliPath, 'run', '--config', config, '--tasks', tasksDir, '--no-progress'];
    const random = seeded(20_240_601);
    let kills = 0;
    let attempts = 0;
    /** Each result as first seen: a replayed episode would rewrite it. */
    const seen = new Map<string, string>();
    while (kills < KILLS) {
      attempts += 1;
      assert.ok(attempts <= 3 * KILLS, 'the run kept finishing before it could be killed');
      // Its temp folders (removed on a normal exit) stay in the scratch folder when it is killed.
      const child = spawn(process.execPath, args, { stdio: 'ignore', env: envWithTempDir(scratch) });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_, s) => resolve(s)),
      );
      // Between 0.3 and 4.5 s: from start-up (loading, first interpreters) to the middle of episodes.
      const delay = 300 + random() * 4200;
      const early = await Promise.race([
        exited.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), delay)),
      ]);
      if (early) continue; // finished on its own: every later attempt would too
      const interpreters = descendants(child.pid as number);
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');
      kills += 1;
      assert.deepEqual(await gone(interpreters, 5000), [], 'interpreters die with their harness');
      // Whatever is visible is whole: every result parses and its trace (written first) is there.
      const files = readEpisodes(out);
      for (const id of files.results.keys()) {
        assert.ok(
          files.traces.has(id),
          `${id}: a result without its trace: ${JSON.stringify(files.results.get(id)).slice(0, 400)}`,
        );
        const text = JSON.stringify(files.results.get(id));
        if (!seen.has(id)) seen.set(id, text);
        assert.equal(text, seen.get(id), `${id} was played again after it had finished`);
      }
    }
    assert.ok(kills >= KILLS);
    const before = readEpisodes(out).results.size;

    const final = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      child.once('exit', (status) => resolve({ status, stderr }));
    });
    assert.equal(final.status, 0, final.stderr);
    assertExactlyOnce(out, ids);
    const last = readEpisodes(out).results;
    for (const [id, text] of seen) assert.equal(JSON.stringify(last.get(id)), text, `${id} was replayed`);
    const status = JSON.parse(readFileSync(join(out, 'r', 'task_status_a-knapsack.json'), 'utf8')) as Record<
      string,
      number
    >;
    assert.equal(status.skipped ?? 0, before, 'episodes finished before the last run were not replayed');
    assert.equal((status.completed ?? 0) + (status.skipped ?? 0), TASKS);
    assert.ok(existsSync(join(out, 'r', 'summary_a-knapsack.json')));
    process.stdout.write(
      `# ${kills} SIGKILLs in ${attempts} starts; ${before}/${TASKS} episodes done before the final run, ` +
        `${TASKS - before} played by it; lost 0, duplicated 0\n`,
    );
  });
});
