// A step limit shorter than the time the interpreter takes to pick a step up (cpython): the
// harness's interrupt then arrives before the step has started. It must still stop that step, not
// be dropped (the step would run on until the kill after the 1 s grace and, in persistent mode,
// lose the state). Before the protocol thread kept such interrupts for their step, about a third
// of these sessions lost their state.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { backendAvailable, fakeTools, sandboxFor, shutdownSandboxes } from './helpers.js';

after(shutdownSandboxes);

test('cpython: an interrupt that comes before the step is taken up still stops it, and the state is kept', async (t) => {
  if (!backendAvailable(t, 'cpython')) return;
  const sandbox = sandboxFor('cpython', { poolSize: 1 });
  for (let i = 0; i < 12; i++) {
    const session = await sandbox.openSession({
      mode: 'persistent',
      tools: fakeTools().tools,
      stepTimeoutMs: 1,
    });
    try {
      const result = await session.step('y = 5\nwhile True:\n    pass');
      assert.equal(result.error_type, 'TimeoutError', `session ${i}: ${result.error}`);
      assert.deepEqual(
        result.incidents.filter((x) => x.kind === 'killed' || x.stateLost),
        [],
        `session ${i}: the interrupt was missed and the interpreter killed`,
      );
    } finally {
      await session.close();
    }
  }
});
