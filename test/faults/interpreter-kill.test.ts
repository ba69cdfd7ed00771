// An interpreter process is killed with SIGKILL in the middle of a step (from a tool call the step
// makes, so the kill lands while the step runs): the step reports the crash and the lost state, the
// next step runs in a fresh process; and a whole run whose interpreters are killed at random
// moments still writes every episode exactly once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { agentExecutorFactory } from '../../src/runner/agent-executor.js';
import { loadBenchmarkConfig } from '../../src/runner/config.js';
import { listFamilyTasks } from '../../src/runner/list-tasks.js';
import { runBenchmark } from '../../src/runner/run-benchmark.js';
import { createSandbox } from '../../src/sandbox/index.js';
import type { Tool } from '../../src/tasks/tool.js';
import { childPids as childrenOf } from '../../src/util/process-tree.js';
import { assertExactlyOnce, backend, knapsackTasks, scratchDir, taskIds, writeConfig } from './helpers.js';

const scratch = scratchDir('interp');

/**
 * The innermost processes below this one: the interpreters themselves (under bubblewrap, if any),
 * not the process launcher that starts them.
 */
function interpreterPids(pid = process.pid): number[] {
  return childrenOf(pid).flatMap((c) => {
    const below = interpreterPids(c);
    if (below.length > 0) return below;
    return isLauncher(c) ? [] : [c];
  });
}

function isLauncher(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('launcher-process');
  } catch {
    return false;
  }
}

describe('an interpreter killed mid-step', () => {
  it('the step reports the crash and lost state; the next step runs in a fresh process', async () => {
    const sandbox = createSandbox({ backend, poolSize: 0 });
    let killed: number[] = [];
    const tools: Tool[] = [
      {
        name: 'pull_the_plug',
        doc: 'Kills the interpreter that calls it.',
        params: [],
        returns: 'str',
        call: () => {
          killed = interpreterPids();
          for (const pid of killed) process.kill(pid, 'SIGKILL');
          return 'done';
        },
      },
      { name: 'finish', doc: 'Ends the episode.', params: [], returns: 'None', call: () => null },
    ];
    try {
      const session = await sandbox.openSession({ mode: 'persistent', tools });
      assert.equal((await session.step('kept = 41')).success, true);
      const crashed = await session.step('print("before")\npull_the_plug()\nprint("after")');
      assert.equal(killed.length, 1, 'one interpreter was running');
      assert.equal(crashed.success, false);
      assert.equal(crashed.error_type, 'SandboxError');
      assert.match(String(crashed.error), /stopped unexpectedly/);
      assert.match(String(crashed.error), /variables, functions and imports from earlier steps are lost/);
      assert.deepEqual(
        crashed.incidents.map((i) => [i.kind, i.stateLost]),
        [['crash', true]],
      );
      assert.deepEqual(
        crashed.tool_calls.map((c) => c.tool),
        ['pull_the_plug'],
        'the harness kept the tool log of the killed step',
      );
      const next = await session.step('print(1 + 1)');
      assert.equal(next.success, true, String(next.error));
      assert.equal(next.output.trim(), '2');
      const fresh = interpreterPids();
      assert.equal(fresh.length, 1);
      assert.ok(!killed.includes(fresh[0] as number), 'a new process');
      const lost = await session.step('print(kept)');
      assert.equal(lost.error_type, 'NameError', 'the namespace did not survive');
      assert.deepEqual(lost.incidents, [], 'the loss was reported once, by the killed step');

      // Killed while idle between steps: the next step says so.
      assert.equal((await session.step('again = 1')).success, true);
      for (const pid of interpreterPids()) process.kill(pid, 'SIGKILL');
      // Wait until it is gone (the sandbox holds no other process: pool size 0).
      for (let i = 0; i < 100 && interpreterPids().length > 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      // Then give the launcher's exit report a moment to reach the harness.
      await new Promise((r) => setTimeout(r, 200));
      const after = await session.step('print(again)');
      assert.equal(after.error_type, 'NameError');
      assert.match(String(after.error), /had stopped since the previous step and was restarted/);
      assert.deepEqual(
        after.incidents.map((i) => [i.kind, i.stateLost]),
        [['crash', true]],
      );
      await session.close();
    } finally {
      await sandbox.shutdown();
    }
  });

  it('a killed process launcher takes its interpreters down; the next steps run under a new one', async () => {
    const sandbox = createSandbox({ backend, poolSize: 0 });
    try {
      const first = await sandbox.openSession({ mode: 'persistent', tools: [] });
      const second = await sandbox.openSession({ mode: 'stateless', tools: [] });
      assert.equal((await first.step('kept = 1')).success, true);
      assert.equal((await second.step('print("ok")')).success, true);
      const launchers = childrenOf(process.pid).filter(isLauncher);
      assert.equal(launchers.length, 1, 'one launcher');
      const interpreters = interpreterPids();
      assert.equal(interpreters.length, 2);
      process.kill(launchers[0] as number, 'SIGKILL');
      for (let i = 0; i < 100 && interpreterPids().some((p) => interpreters.includes(p)); i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(
        interpreterPids().filter((p) => interpreters.includes(p)),
        [],
        'the interpreters died with their launcher',
      );
      await new Promise((r) => setTimeout(r, 200));
      const lost = await first.step('print(kept)');
      assert.equal(lost.error_type, 'NameError');
      assert.match(String(lost.error), /had stopped since the previous step and was restarted/);
      const fine = await second.step('print(2 + 2)');
      assert.equal(fine.success, true, String(fine.error));
      assert.equal(fine.output.trim(), '4');
      const now = childrenOf(process.pid).filter(isLauncher);
      assert.equal(now.length, 1);
      assert.notEqual(now[0], launchers[0], 'a new launcher');
      await first.close();
      await second.close();
    } finally {
      await sandbox.shutdown();
    }
  });

  it('a run whose interpreters are killed at random moments writes every episode once', async () => {
    const tasksDir = knapsackTasks(join(scratch, 'tasks'), 12);
    const ids = taskIds(tasksDir);
    const out = join(scratch, 'out');
    const config = loadBenchmarkConfig(writeConfig(join(scratch, 'config.yaml'), { out, concurrency: 2 }));
    let kills = 0;
    let state = 12_345;
    const killer = setInterval(() => {
      const pids = interpreterPids();
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      const victim = pids[state % Math.max(1, pids.length)];
      if (victim === undefined) return;
      try {
        process.kill(victim, 'SIGKILL');
        kills += 1;
      } catch {}
    }, 100);
    try {
      const outcome = await runBenchmark({
        config,
        tasksDir,
        listTasks: listFamilyTasks,
        executorFactory: agentExecutorFactory,
      });
      assert.equal(outcome.interrupted, false);
    } finally {
      clearInterval(killer);
    }
    assert.ok(kills >= 3, `interpreters were killed (${kills})`);
    // A killed step is an error the model sees; the episode itself goes on to a result.
    assertExactlyOnce(out, ids, ['completed']);
  });
});
