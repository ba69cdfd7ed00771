// The disk write of a trace fails halfway (simulated through the atomic writer's test seam): the
// run stops with a message naming the file and saying how to resume, nothing half-written is left,
// every episode written before is whole, and the same command then finishes the rest exactly once.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliPath } from '../helpers/paths.js';
import {
  assertExactlyOnce,
  knapsackTasks,
  readEpisodes,
  scratchDir,
  taskIds,
  writeConfig,
} from './helpers.js';

const scratch = scratchDir('write');

describe('a trace write that fails midway', () => {
  it('stops the run clearly; a re-run completes every episode once', () => {
    const tasksDir = knapsackTasks(join(scratch, 'tasks'), 5);
    const ids = taskIds(tasksDir);
    const victim = ids[2] as string;
    const out = join(scratch, 'out');
    const config = writeConfig(join(scratch, 'config.yaml'), { out, concurrency: 2 });
    const args = [cliPath, 'run', '--config', config, '--tasks', tasksDir, '--no-progress'];

    const failing = spawnSync(process.execPath, args, {
      encoding: 'utf8',
      env: { ...process.env, ALR_TEST_FAIL_WRITES: `${victim}.trace.json` },
    });
    assert.equal(failing.status, 1, failing.stderr);
    assert.match(failing.stderr, /^alr: .*\.trace\.json: cannot write an episode file \(EIO/m);
    assert.ok(failing.stderr.includes(`knapsack-${victim}.trace.json`), 'the message names the file');
    assert.match(failing.stderr, /run the same command to resume/);
    assert.doesNotMatch(failing.stderr, /\n\s+at /, 'no stack trace');

    const partial = readEpisodes(out);
    assert.equal(partial.results.has(victim), false, 'the failed episode has no result');
    assert.equal(partial.traces.has(victim), false, 'and no trace');
    assert.deepEqual(partial.other, [], 'the half-written temporary was removed');
    for (const id of partial.results.keys()) assert.ok(partial.traces.has(id), `${id} is whole`);

    const rerun = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(rerun.status, 0, rerun.stderr);
    assertExactlyOnce(out, ids);
  });
});
