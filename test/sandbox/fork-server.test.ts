// The cpython fork server: episodes forked from one interpreter are isolated from each other
// (their own namespaces, /tmp and empty /proc, no capabilities), each is a direct child of the
// server with no process in between, a step that hangs in C code is stopped within its limit
// without disturbing a sibling, and the fork server dying costs only the live episodes' state.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, type TestContext, test } from 'node:test';
import { ForkServer } from '../../src/sandbox/fork-server.js';
import { bubblewrapAvailable, cpythonAvailable, createSandbox } from '../../src/sandbox/index.js';
import { cpythonForkServerLaunch } from '../../src/sandbox/isolation.js';
import { processTreeRss } from '../../src/sandbox/memory.js';
import { childPids, descendantPids } from '../../src/util/process-tree.js';
import { alive, waitWhile } from '../helpers/processes.js';
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

/** Host pids of the episodes: the fork server's children. */
function episodePids(): number[] {
  const server = forkServerPid();
  return server ? childPids(server) : [];
}

/** The python that bubblewrap started with --fork-server: it forks the server once and waits. */
function serverLauncherPid(pid = process.pid): number | undefined {
  for (const c of childPids(pid)) {
    if (cmdline(c).includes('--fork-server') && !cmdline(c).startsWith('bwrap')) return c;
    const found = serverLauncherPid(c);
    if (found) return found;
  }
  return undefined;
}

/** The fork server proper: the launcher's only child (the episodes are forks with the same command line). */
function forkServerPid(): number | undefined {
  const launcher = serverLauncherPid();
  return launcher === undefined ? undefined : childPids(launcher)[0];
}

function statusField(pid: number, field: string): string {
  return new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';
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
      // No capabilities are left to undo the episode's mounts with, nor any it could regain.
      for (const pid of pids)
        for (const set of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'])
          assert.match(statusField(pid, set), /^0+$/, `episode ${pid} ${set}`);
      // No process between the server and an episode: the two sessions are its only children,
      // nothing runs below them, and each is PID 1 of a PID namespace one level below the server's.
      const serverPids = statusField(server as number, 'NSpid').split(/\s+/);
      assert.equal(pids.length, 2, `one process per live episode: ${pids}`);
      assert.deepEqual(descendantPids(server as number).sort(), [...pids].sort());
      for (const pid of pids) {
        assert.equal(statusField(pid, 'PPid'), String(server));
        const nsPids = statusField(pid, 'NSpid').split(/\s+/);
        assert.equal(nsPids.length, serverPids.length + 1, `NSpid ${nsPids} below ${serverPids}`);
        assert.equal(nsPids.at(-1), '1');
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('the pid the harness holds for a forked episode is the episode itself', async (t) => {
    if (!usable(t)) return;
    const server = new ForkServer({ isolation: 'bubblewrap', memoryLimitMb: 256 });
    try {
      assert.equal(await server.available(), true, server.reason ?? '');
      const episodes = await Promise.all([server.fork(256), server.fork(256)]);
      const ends = episodes.map((e) => new Promise<unknown>((r) => e.onExit(r)));
      for (const episode of episodes) {
        // What the memory watchdog samples and what a kill ends: a direct child of the server,
        // PID 1 of its own namespace, with nothing below it.
        assert.equal(statusField(episode.pid, 'NSpid').split(/\s+/).at(-1), '1');
        assert.match(cmdline(Number(statusField(episode.pid, 'PPid'))), /--fork-server/);
        assert.deepEqual(childPids(episode.pid), []);
        assert.ok((processTreeRss(episode.pid) ?? 0) > 0);
      }
      assert.notEqual(episodes[0]?.pid, episodes[1]?.pid);
      episodes[0]?.kill();
      await ends[0];
      assert.equal(alive(episodes[0]?.pid as number), false, 'the killed episode is gone');
      assert.equal(alive(episodes[1]?.pid as number), true, 'the sibling lives on');
      episodes[1]?.kill();
      await ends[1];
    } finally {
      server.shutdown();
    }
  });

  test('an episode can name no process but itself, even past the audit hook', async (t) => {
    if (!usable(t)) return;
    const a = await sandbox.openSession({ mode: 'persistent', tools: fakeTools().tools });
    const b = await sandbox.openSession({ mode: 'persistent', tools: fakeTools().tools });
    try {
      assert.equal((await a.step('x = 1')).success, true);
      // os.pidfd_open and signal.pidfd_send_signal are not refused by the audit hook: what stops
      // them here is the kernel (no other pid exists in the episode's PID namespace).
      const probe = [
        'import os, signal',
        'opened = []',
        'for pid in range(1, 4096):',
        '    try:',
        '        os.close(os.pidfd_open(pid))',
        '        opened.append(pid)',
        '    except OSError:',
        '        pass',
        'own = os.pidfd_open(1)',
        'signal.pidfd_send_signal(own, 0)',
        'print(opened)',
      ].join('\n');
      const seen = await b.step(probe);
      assert.equal(seen.output, '[1]\n', seen.error ?? '');
      assert.equal((await a.step('print(x)')).output, '1\n');
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
      await waitWhile(() => forkServerPid() === server, 5000);
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

  test('the process bubblewrap started and the fork server go down together', async (t) => {
    if (!usable(t)) return;
    const session = await sandbox.openSession({ mode: 'persistent', tools: fakeTools().tools });
    try {
      assert.equal((await session.step('kept = 5')).success, true);
      const launcher = serverLauncherPid();
      const server = forkServerPid();
      const episodes = episodePids();
      assert.ok(launcher && server && episodes.length > 0, `${launcher} ${server} ${episodes}`);
      process.kill(launcher as number, 'SIGKILL');
      await waitWhile(() => [server as number, ...episodes].some(alive), 5000);
      assert.deepEqual([server as number, ...episodes].filter(alive), [], 'nothing outlives the launcher');
      const lost = await session.step('print(kept)');
      assert.ok(['NameError', 'SandboxError'].includes(lost.error_type ?? ''), lost.error ?? '');
      assert.equal((await session.step('print("again")')).output, 'again\n');
    } finally {
      await session.close();
    }
  });

  test('where no user namespace can be made, the server says so instead of forking', (t) => {
    if (!usable(t)) return;
    if (!spawnSync('bwrap', ['--help'], { encoding: 'utf8' }).stdout.includes('--disable-userns')) {
      t.skip('this bubblewrap has no --disable-userns (0.8 or newer)');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'alr-fork-server-'));
    try {
      const socket = join(dir, 'harness.sock');
      writeFileSync(socket, '');
      const spec = cpythonForkServerLaunch({ isolation: 'bubblewrap', memoryLimitMb: 256 }, socket);
      assert.ok(spec);
      // bubblewrap's --disable-userns: the kernel refuses every further user namespace inside.
      const args = [...spec.args];
      args.splice(args.indexOf('--unshare-all') + 1, 0, '--unshare-user', '--disable-userns');
      const run = spawnSync(spec.command, args, { input: '', encoding: 'utf8', timeout: 30_000 });
      const ready = JSON.parse(run.stdout.split('\n')[0] ?? '');
      assert.equal(ready.op, 'ready', run.stderr);
      assert.equal(ready.isolated, false);
      assert.match(ready.detail, /^unshare \(fork server\) failed: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
