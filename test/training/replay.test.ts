import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RuntimeMode } from '../../src/runtime/spec.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createEnvironment, loadTask } from '../../src/tasks/index.js';
import type { ReplayReport } from '../../src/training/replay.js';
import { replayRun, writeReplayReport } from '../../src/training/replay.js';
import { referenceFixtures } from '../helpers/paths.js';
import { scratchDir } from '../helpers/scratch.js';

// Two episodes recorded by the reference agent (scripted model): one persistent, one stateless.
const fixtures = join(referenceFixtures, 'training-export');
const episodes = (
  JSON.parse(readFileSync(join(fixtures, 'expected', 'episodes.json'), 'utf8')) as {
    episodes: { path: string; task: string; persistent_state: boolean; evaluation: { score: number } }[];
  }
).episodes;
const chosen = [
  'persistent/knapsack/knapsack-knapsack-0000000000.trace.json',
  'stateless/knapsack/knapsack-knapsack-0000000000.trace.json',
];

/** A run folder holding the two traces, each naming its task file (our `alr.task_file`). */
function buildReplayRun(paths: readonly string[]): string {
  const runDir = join(scratchDir('replay'), 'run');
  for (const path of paths) {
    const ep = episodes.find((e) => e.path === path);
    assert.ok(ep);
    const runtime = ep.persistent_state ? 'persistent' : 'stateless';
    const dir = join(runDir, 'results', `teacher-${runtime}`, 'knapsack');
    mkdirSync(dir, { recursive: true });
    const trace = JSON.parse(readFileSync(join(fixtures, 'traces', path), 'utf8'));
    trace.alr = {
      schema: 'alr.trace.v1',
      runtime,
      compat: 'reference',
      task_file: join(referenceFixtures, ep.task),
    };
    writeFileSync(join(dir, 'knapsack-knapsack-0000000000.trace.json'), JSON.stringify(trace));
  }
  return runDir;
}

const sandbox = createSandbox();
after(() => sandbox.shutdown());

async function replay(runDir: string, runtime: RuntimeMode): Promise<ReplayReport> {
  return replayRun({
    runDir,
    runtime,
    openSession: (options) => sandbox.openSession(options),
    environmentFor: (file) => createEnvironment(loadTask(file)),
  });
}

function scoreOf(path: string): number {
  return episodes.find((e) => e.path === path)?.evaluation.score ?? Number.NaN;
}

test('replay under the recorded runtime reproduces every observation and the score', async () => {
  const runDir = buildReplayRun([chosen[0] as string]);
  const report = await replay(runDir, 'persistent');
  const persistent = report.episodes.find((e) => e.recorded_runtime === 'persistent');
  assert.ok(persistent);
  assert.equal(persistent.error, null);
  assert.ok(persistent.executed_steps >= 4);
  assert.equal(persistent.first_divergence, null);
  assert.deepEqual(persistent.name_error_steps, []);
  assert.equal(persistent.replay_score, scoreOf(chosen[0] as string));
  const path = writeReplayReport(report, runDir);
  assert.ok(path.endsWith('replay_persistent.json') && existsSync(path));

  const own = (await replay(buildReplayRun([chosen[1] as string]), 'stateless')).episodes[0];
  assert.ok(own);
  assert.equal(own.first_divergence, null);
  assert.equal(own.replay_score, scoreOf(chosen[1] as string));
});

test('replay of a persistent episode under the stateless runtime hits NameErrors', async () => {
  const runDir = buildReplayRun([chosen[0] as string]);
  const stateless = await replay(runDir, 'stateless');
  // The persistent episode relies on globals from earlier blocks: without them it fails.
  const moved = stateless.episodes.find((e) => e.recorded_runtime === 'persistent');
  assert.ok(moved);
  assert.ok(moved.name_error_steps.length > 0);
  assert.equal(moved.first_divergence?.step, moved.name_error_steps[0]);
  assert.match(moved.first_divergence?.replayed ?? '', /NameError/);
  assert.ok((moved.replay_score ?? 1) < scoreOf(chosen[0] as string));
  assert.equal(stateless.summary.with_name_errors, 1);
});
