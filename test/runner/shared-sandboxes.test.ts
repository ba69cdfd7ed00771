// Sandboxes shared by the conditions of a stage (src/runner/shared-sandboxes.ts): one per backend
// and pool size, and sessions opened through it still start from fresh interpreters.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SharedSandboxes } from '../../src/runner/shared-sandboxes.js';
import { cpythonAvailable } from '../../src/sandbox/index.js';

const shared = new SharedSandboxes();
after(() => shared.shutdown());

test('one sandbox per backend and pool size', () => {
  assert.equal(shared.get('pyodide', 2), shared.get('pyodide', 2));
  assert.notEqual(shared.get('pyodide', 2), shared.get('pyodide', 1));
  assert.notEqual(shared.get('pyodide', 1), shared.get('cpython', 1));
});

test('sessions of two conditions sharing a sandbox see nothing of each other', async () => {
  const backend = cpythonAvailable() ? 'cpython' : 'pyodide';
  const first = await shared.get(backend, 1).openSession({ mode: 'persistent', tools: [] });
  const wrote = await first.step('secret = 41\nimport sys\nsys.alr_mark = True');
  assert.equal(wrote.success, true, wrote.error ?? '');
  await first.close();
  const second = await shared.get(backend, 1).openSession({ mode: 'persistent', tools: [] });
  const read = await second.step('import sys\nprint(hasattr(sys, "alr_mark"))\nprint(secret)');
  await second.close();
  assert.match(read.output, /^False\n/);
  assert.equal(read.success, false);
  assert.match(read.error ?? '', /NameError/);
});

test('shutdown ends every sandbox it made', async () => {
  const own = new SharedSandboxes();
  const sandbox = own.get('pyodide', 1);
  await own.shutdown();
  await assert.rejects(sandbox.openSession({ mode: 'persistent', tools: [] }), /shut down/);
});
