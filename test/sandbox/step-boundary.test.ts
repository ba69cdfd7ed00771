// The step boundary holds: nothing a step starts keeps running after it returned, and a stateless
// step starts from an interpreter no earlier step could have changed. Written for every backend;
// BOUNDARY_BACKENDS lists those that contain these attacks (a backend joins once it does).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { BackendName, InterpreterSession, RuntimeMode, StepResult } from '../../src/sandbox/index.js';
import { backendAvailable, fakeTools, sandboxFor, shutdownSandboxes } from './helpers.js';

const BOUNDARY_BACKENDS: BackendName[] = ['pyodide'];

after(async () => {
  await shutdownSandboxes();
});

async function withSession(
  backend: BackendName,
  mode: RuntimeMode,
  body: (session: InterpreterSession, counter: () => number) => Promise<void>,
): Promise<void> {
  const { tools, state } = fakeTools();
  // Stateless steps in fresh instances are an option (an instance start per step).
  const sandbox = sandboxFor(backend, { poolSize: 2, freshStatelessSteps: true });
  const session = await sandbox.openSession({ mode, tools, stepTimeoutMs: 5000 });
  try {
    await body(session, () => state.counter);
  } finally {
    await session.close();
  }
}

function ok(result: StepResult, output: string): void {
  assert.equal(result.error, null, JSON.stringify(result));
  assert.equal(result.success, true);
  assert.equal(result.output, output);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const backend of BOUNDARY_BACKENDS) {
  describe(`step boundary (${backend})`, () => {
    test('an audit hook installed by a stateless step does not reach the next step', async (t) => {
      if (!backendAvailable(t, backend)) return;
      await withSession(backend, 'stateless', async (session, counter) => {
        await session.step(
          [
            'import sys',
            'def _trap(event, args):',
            '    if event in ("exec", "compile", "open", "import"):',
            '        raise RuntimeError("trapped by an earlier step")',
            'sys.addaudithook(_trap)',
          ].join('\n'),
        );
        for (let i = 1; i <= 3; i++) {
          const next = await session.step(`import math\nprint(bump(1), math.floor(2.5))`);
          ok(next, `${counter()} 2\n`);
          assert.deepEqual(next.incidents, []);
        }
      });
    });

    test('a stateless step starts from an unchanged interpreter (profile hook, patched modules)', async (t) => {
      if (!backendAvailable(t, backend)) return;
      await withSession(backend, 'stateless', async (session) => {
        await session.step(
          'import sys, json, math\nsys.setprofile(lambda *a: 1 / 0)\njson.dumps = None\nmath.floor = None\nsys.modules["planted"] = sys',
        );
        const next = await session.step(
          'import sys, math\nprint(json.dumps([1]), math.floor(2.5), "planted" in sys.modules)',
        );
        ok(next, '[1] 2 False\n');
      });
    });

    test('asyncio callbacks and tasks scheduled by a step never run after it', async (t) => {
      if (!backendAvailable(t, backend)) return;
      await withSession(backend, 'persistent', async (session) => {
        const scheduled = await session.step(
          [
            'import asyncio',
            'ran = []',
            'loop = asyncio.get_event_loop()',
            'def spin():',
            '    ran.append("spin")',
            '    while True:',
            '        pass',
            'loop.call_soon(ran.append, "soon")',
            'loop.call_later(0.05, ran.append, "later")',
            'loop.call_soon(spin)',
            'async def forever():',
            '    while True:',
            '        ran.append("task")',
            '        await asyncio.sleep(0)',
            'task = asyncio.ensure_future(forever())',
            'print("scheduled")',
          ].join('\n'),
        );
        ok(scheduled, 'scheduled\n');
        await pause(300);
        const started = performance.now();
        const next = await session.step('print(ran, task.done())');
        ok(next, '[] False\n');
        assert.deepEqual(next.incidents, [], 'the interpreter was kept');
        assert.ok(performance.now() - started < 1000, 'the next step did not wait for leftover work');
      });
    });

    test('JS timers reached through the bridge are cancelled at the end of the step', async (t) => {
      if (!backendAvailable(t, backend)) return;
      await withSession(backend, 'persistent', async (session) => {
        const scheduled = await session.step(
          [
            'import js',
            'from pyodide.ffi import create_proxy',
            'hits = []',
            'def spin(*_):',
            '    hits.append(1)',
            '    while True:',
            '        pass',
            'js.setTimeout(create_proxy(spin), 0)',
            'js.setInterval(create_proxy(lambda *_: hits.append(2)), 1)',
            'js.setImmediate(create_proxy(spin))',
            'js.queueMicrotask(create_proxy(spin))',
            'print("scheduled")',
          ].join('\n'),
        );
        ok(scheduled, 'scheduled\n');
        await pause(300);
        const next = await session.step('print(hits)');
        ok(next, '[]\n');
        assert.deepEqual(next.incidents, []);
      });
    });

    test('work that escapes cancellation (a promise chain) is stopped before the next step', async (t) => {
      if (!backendAvailable(t, backend)) return;
      await withSession(backend, 'persistent', async (session) => {
        const scheduled = await session.step(
          [
            'import js',
            'from pyodide.ffi import create_proxy',
            'def spin(*_):',
            '    while True:',
            '        pass',
            'js.Promise.resolve(0).then(create_proxy(spin))',
            'print("scheduled")',
          ].join('\n'),
        );
        ok(scheduled, 'scheduled\n');
        const started = performance.now();
        const next = await session.step('print(bump(1))');
        assert.equal(next.success, true, JSON.stringify(next));
        assert.equal(next.output, '1\n');
        assert.ok(performance.now() - started < 8000, 'stopped within the grace period');
        // Either the callback never ran, or the interpreter still busy with it was replaced,
        // which is reported with the lost state.
        for (const incident of next.incidents)
          assert.deepEqual([incident.kind, incident.stateLost], ['killed', true]);
        const after = await session.step('print("steady")');
        ok(after, 'steady\n');
      });
    });
  });
}
