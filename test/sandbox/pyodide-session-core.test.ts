// Pyodide sessions started from the memory snapshot use the host core the snapshot built (its
// objects were frozen there, out of the collector's sight); without a snapshot a session builds
// its own, and both run steps and tool calls alike.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fakeTools, sandboxFor, shutdownSandboxes } from './helpers.js';

after(shutdownSandboxes);

// Model code can reach the worker's dispatch function through __main__: whether the collector
// tracks it tells where it was made.
const WHERE_BUILT = `import __main__, gc
dispatch = __main__._alr_dispatch
print("session" if any(o is dispatch for o in gc.get_objects()) else "snapshot")
print(bump(1))`;

for (const snapshot of [true, false]) {
  test(`pyodide ${snapshot ? 'with' : 'without'} a snapshot: the host core was built ${snapshot ? 'in the snapshot' : 'in the session'}`, async () => {
    const { tools, state } = fakeTools();
    const sandbox = sandboxFor('pyodide', { snapshot });
    const session = await sandbox.openSession({ mode: 'persistent', tools });
    try {
      const result = await session.step(WHERE_BUILT);
      assert.equal(result.success, true, result.error ?? '');
      assert.deepEqual(result.output.trim().split('\n'), [snapshot ? 'snapshot' : 'session', '1']);
      assert.equal(state.counter, 1);
    } finally {
      await session.close();
    }
  });
}
