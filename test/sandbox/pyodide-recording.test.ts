// A pyodide host's first session records what later sessions start from (the code cache of
// Pyodide's JavaScript and the link plan, child/pyodide-host.ts): the sessions after it start from
// them, the recorder still serves its episode, and a recorder that ends before it has recorded
// hands the task to the next session.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { pyodideLaunch } from '../../src/sandbox/isolation.js';
import { preparePyodideSnapshot } from '../../src/sandbox/pyodide-snapshot.js';

interface Host {
  send(message: Record<string, unknown>): void;
  /** The next line for session `sid` that satisfies `wanted`. */
  next(sid: number, wanted: (body: string) => boolean): Promise<string>;
}

const hosts: ChildProcess[] = [];
after(() => {
  for (const host of hosts) host.kill();
});

async function startHost(): Promise<Host> {
  // The process that makes the snapshot (the first time) does not keep this one running.
  const keepAlive = setInterval(() => {}, 1000);
  const snapshot = await preparePyodideSnapshot('none').finally(() => clearInterval(keepAlive));
  const spec = pyodideLaunch({
    isolation: 'none',
    pyodideSessions: 'multi',
    pyodideSnapshot: snapshot,
    memoryLimitMb: 1024,
  });
  const child = spawn(spec.command, spec.args, { env: spec.env, stdio: ['pipe', 'pipe', 'inherit'] });
  hosts.push(child);
  const lines: string[] = [];
  const waiting: Array<() => void> = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiting.splice(0)) wake();
  });
  const host: Host = {
    send: (message) => child.stdin?.write(`${JSON.stringify(message)}\n`),
    async next(sid, wanted) {
      for (;;) {
        const i = lines.findIndex((l) => l.startsWith(`${sid}\t`) && wanted(l.slice(l.indexOf('\t') + 1)));
        if (i >= 0) return (lines.splice(i, 1)[0] as string).slice(String(sid).length + 1);
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
  };
  await host.next(0, (body) => body.includes('host-ready'));
  return host;
}

async function open(
  host: Host,
  sid: number,
): Promise<{ codeCache: string; linking: string; loader: string }> {
  host.send({ sid, op: 'open', memoryLimitMb: 1024 });
  return JSON.parse(await host.next(sid, (body) => body.startsWith('{"op":"ready"')));
}

async function runs(host: Host, sid: number): Promise<void> {
  host.send({ sid, op: 'init', mode: 'persistent', tools: [] });
  await host.next(sid, (body) => body.includes('"op":"initialized"'));
  host.send({ sid, op: 'step', id: 1, code: 'print(6 * 7)' });
  const answer = JSON.parse(await host.next(sid, (body) => body.includes('"op":"step_done"')));
  assert.equal(answer.output, '42\n', `session ${sid}`);
}

test('the first session records, the next ones start from its recording, and all of them run', async () => {
  const host = await startHost();
  const first = await open(host, 1);
  assert.deepEqual([first.codeCache, first.linking], ['none', 'loader']);
  const second = await open(host, 2);
  assert.deepEqual([second.codeCache, second.linking], ['used', 'replayed']);
  // Pyodide's loader, too, runs as a script in every session.
  assert.deepEqual([first.loader, second.loader], ['script', 'script']);
  await runs(host, 1);
  await runs(host, 2);
});

test('a first session closed before it recorded leaves the recording to the next one', async () => {
  const host = await startHost();
  host.send({ sid: 1, op: 'open', memoryLimitMb: 1024 });
  host.send({ sid: 1, op: 'close' });
  await host.next(1, (body) => body.includes('"event":"exit"'));
  const second = await open(host, 2);
  assert.deepEqual([second.codeCache, second.linking], ['none', 'loader']);
  const third = await open(host, 3);
  assert.deepEqual([third.codeCache, third.linking], ['used', 'replayed']);
  await runs(host, 3);
});
