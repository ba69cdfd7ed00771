// The OS sandbox and the protections that remain without it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bubblewrapAvailable, cpythonAvailable } from '../../src/sandbox/index.js';
import { repoRoot } from '../helpers/paths.js';
import { requireSystemDep } from '../helpers/system-deps.js';
import { backendAvailable, fakeTools, sandboxFor, shutdownSandboxes } from './helpers.js';

const SECRET = `alr-iso-${randomBytes(6).toString('hex')}`;
process.env.ALR_ISOLATION_SECRET = SECRET;
const outside = mkdtempSync(join(tmpdir(), 'alr-iso-'));
after(async () => {
  rmSync(outside, { recursive: true, force: true });
  await shutdownSandboxes();
});

for (const backend of ['pyodide', 'cpython'] as const) {
  test(`under bubblewrap the ${backend} interpreter sees only its own files`, async (t) => {
    if (!requireSystemDep(t, 'bubblewrap', bubblewrapAvailable())) return;
    if (!backendAvailable(t, backend)) return;
    const sandbox = sandboxFor(backend, { isolation: 'bubblewrap' });
    const session = await sandbox.openSession({ mode: 'persistent', tools: fakeTools().tools });
    try {
      assert.equal(sandbox.isolation(), 'bubblewrap');
      const probe = `import os\nprint(os.path.exists(${JSON.stringify(repoRoot)}), os.path.exists(${JSON.stringify(outside)}))\nprint(sorted(os.environ))`;
      const result = await session.step(probe);
      assert.equal(result.success, true, result.error ?? '');
      assert.match(result.output, /^False False\n/);
      assert.ok(!result.output.includes('ALR_ISOLATION_SECRET'));
    } finally {
      await session.close();
    }
  });
}

test('without an OS sandbox the cpython backend still scrubs the environment and confines writes', async (t) => {
  if (!requireSystemDep(t, 'python3', cpythonAvailable())) return;
  const sandbox = sandboxFor('cpython', { isolation: 'none' });
  const session = await sandbox.openSession({ mode: 'persistent', tools: fakeTools().tools });
  const target = join(outside, 'escape.txt');
  try {
    assert.equal(sandbox.isolation(), 'none');
    const env = await session.step('import os\nprint(sorted(os.environ))');
    assert.ok(!env.output.includes('ALR_ISOLATION_SECRET'), env.output);
    const write = await session.step(`open(${JSON.stringify(target)}, "w").write("x")`);
    assert.equal(write.success, false);
    assert.match(write.error ?? '', /PermissionError/);
    const scratch = await session.step('open("note.txt", "w").write("kept")\nprint(open("note.txt").read())');
    assert.equal(scratch.output, 'kept\n');
    const system = await session.step('import os\nos.system("true")');
    assert.match(system.error ?? '', /PermissionError/);
  } finally {
    await session.close();
  }
  assert.equal(existsSync(target), false);
});

for (const backend of ['pyodide', 'cpython'] as const) {
  test(`nothing of one episode reaches the next (${backend})`, async (t) => {
    if (!backendAvailable(t, backend)) return;
    const sandbox = sandboxFor(backend, { poolSize: 2 });
    const first = await sandbox.openSession({ mode: 'persistent', tools: fakeTools().tools });
    const setup = await first.step(
      'import builtins, json, sys\nleftover = 1\nbuiltins.len = lambda x: -1\njson.dumps = None\nsys.modules["planted"] = sys\nopen("trace.txt", "w").write("x")',
    );
    assert.equal(setup.success, true, setup.error ?? '');
    await first.close();
    const second = await sandbox.openSession({ mode: 'persistent', tools: fakeTools().tools });
    try {
      const check = await second.step(
        'import os, sys\nprint(len([1, 2]), json.dumps([1]), "planted" in sys.modules, os.path.exists("trace.txt"))\nprint(leftover)',
      );
      assert.equal(check.output, '2 [1] False False\n');
      assert.equal(check.error_type, 'NameError');
    } finally {
      await second.close();
    }
  });
}
