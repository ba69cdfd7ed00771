// The cpython fork server: episodes forked from one interpreter are isolated from each other
// (their own namespaces, /tmp and empty /proc), a step that hangs in C code is stopped within
// its limit without disturbing a sibling, and the fork server dying costs only the live
// episodes' state.
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { after, describe, type TestContext, test } from 'node:test';
import { bubblewrapAvailable, cpythonAvailable, createSandbox } from '../../src/sandbox/index.js';
import { childPids } from '../../src/util/process-tree.js';
import { requireSystemDep } from '../helpers/system-deps.js';
import { fakeTools } from './helpers.js';

const sandbox = createSandbox({ backend: 'cpython', poolSize: 0, isolation: 'auto' });
after(() => sandbox.shutdown());

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** Host pids of the episodes: below each child of the fork server is the episode it relays for. */
function episodePids(): number[] {
  const server = forkServerPid();
  return server ? childPids(server).flatMap((relay) => childPids(relay)) : [];
}

/** The fork server's python (its children are forks with the same command line). */
function forkServerPid(pid = process.pid): number | undefined {
  for (const c of childPids(pid)) {
    if (cmdline(c).includes('--fork-server') && !cmdline(c).startsWith('bwrap')) return c;
    const found = forkServerPid(c);
    if (found) return found;
  }
  return undefined;
}

function usable(t: TestContext): boolean {
  if (!requireSystemDep(t, 'python3', cpythonAvailable())) return false;
  return requireSystemDep(t, 'bubblewrap', bubblewrapAvailable());
}

describe('cpython fork server', { concurrency: false }, () => {
  test('siblings share no namespace, no /tmp and see no process but themselves', async (t) => {
    if (!usable(t)) return;
    const a = await sandbox.openSession({ mode: 'persistent', tools: fakeTools().tools });
    const b = await sandbox.openSession({ mode: 'persistent', tools: fakeTools().tools });
    try {
      const look = 'import os\nprint(os.getpid(), os.listdir("/proc"), sorted(os.listdir("/tmp")))';
      const wrote = await a.step(`open("/tmp/mine.txt", "w").write("a")\n${look}`);
      assert.equal(wrote.output, "1 [] ['mine.txt']\n");
      const seen = await b.step(look);
      assert.equal(seen.output, '1 [] []\n');
      const pids = episodePids();
      assert.ok(pids.length >= 2, `two episodes found: ${pids}`);
      const server = forkServerPid();
      assert.ok(server, 'the fork server is running');
      for (const kind of ['pid', 'mnt', 'net', 'ipc', 'user']) {
        const ids: string[] = [server as number, ...pids].map((p) => readlinkSync(`/proc/${p}/ns/${kind}`));
        assert.equal(new Set(ids).size, ids.length, `each episode has its own ${kind} namespace: ${ids}`);
      }
      // No capabilities are left to undo the episode's mounts with (CapEff is all zero).
      for (const pid of pids)
        assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^CapEff:\s+0+$/m, `episode ${pid}`);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a step stuck in C code is stopped within its limit; a sibling keeps its state', async (t) => {
    if (!usable(t)) return;
    const sibling = await sandbox.openSession({ mode: 'persistent', tools: fakeTools().tools });
    const stuck = await sandbox.openSession({
      mode: 'persistent',
      tools: fakeTools().tools,
      stepTimeoutMs: 1000,
    });
    try {
      assert.equal((await sibling.step('kept = 7')).success, true);
      const started = performance.now();
      const result = await stuck.step('import re\nre.match(r"(a+)+$", "a" * 64 + "b")');
      const took = performance.now() - started;
      assert.equal(result.error_type, 'TimeoutError');
      assert.ok(took < 1000 + 2000 + 500, `stopped after ${Math.round(took)} ms`);
      assert.equal((await stuck.step('print("next")')).output, 'next\n');
      assert.equal((await sibling.step('print(kept)')).output, '7\n');
    } finally {
      await sibling.close();
      await stuck.close();
    }
  });

  test('a killed fork server costs the live episodes their state; a new one takes over', async (t) => {
    if (!usable(t)) return;
    const session = await sandbox.openSession({ mode: 'persistent', tools: fakeTools().tools });
    try {
      assert.equal((await session.step('kept = 41')).success, true);
      const server = forkServerPid();
      assert.ok(server, 'the fork server is running');
      process.kill(server as number, 'SIGKILL');
      const deadline = Date.now() + 5000;
      while (forkServerPid() === server && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const lost = await session.step('print(kept)');
      // The episode's death is seen either before the step (a fresh interpreter: NameError) or
      // while it runs (SandboxError); both report the lost state.
      assert.ok(['NameError', 'SandboxError'].includes(lost.error_type ?? ''), lost.error ?? '');
      assert.ok(
        lost.incidents.some((i) => i.stateLost),
        JSON.stringify(lost.incidents),
      );
      assert.equal((await session.step('print("again")')).output, 'again\n');
      assert.notEqual(forkServerPid(), server, 'a new fork server');
      const fresh = await sandbox.openSession({ mode: 'persistent', tools: fakeTools().tools });
      assert.equal((await fresh.step('print(1 + 1)')).output, '2\n');
      await fresh.close();
    } finally {
      await session.close();
    }
  });
});
