// Each session's `random` starts from a seed of its own, as in a fresh CPython process: Pyodide
// sessions start from one memory snapshot, which holds `random` already imported and seeded.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { BACKENDS, backendAvailable, fakeTools, sandboxFor, shutdownSandboxes } from './helpers.js';

after(shutdownSandboxes);

for (const backend of BACKENDS) {
  test(`${backend}: sessions draw different random numbers`, async (t) => {
    if (!backendAvailable(t, backend)) return;
    const sandbox = sandboxFor(backend, { poolSize: 1 });
    const draws: string[] = [];
    for (let i = 0; i < 3; i++) {
      const session = await sandbox.openSession({ mode: 'persistent', tools: fakeTools().tools });
      try {
        const result = await session.step('import random\nprint(random.getrandbits(64))');
        assert.equal(result.success, true, result.error ?? '');
        draws.push(result.output.trim());
      } finally {
        await session.close();
      }
    }
    assert.equal(new Set(draws).size, 3, `the same draws: ${draws.join(', ')}`);
  });
}
