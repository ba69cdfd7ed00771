// Process-wide traps planted by a stateless step (an audit hook, patched builtins, a changed
// recursion limit, planted modules, files): the next stateless step must start from an
// interpreter state that no earlier step could have changed. Parametrized by backend; a backend
// joins the list once it runs each stateless step in a fresh interpreter.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { BackendName } from '../../src/sandbox/index.js';
import { backendAvailable, fakeTools, sandboxFor, shutdownSandboxes } from './helpers.js';

const FRESH_PER_STATELESS_STEP: BackendName[] = ['cpython'];

after(() => shutdownSandboxes());

/** Each trap, then the step that must not notice it. */
const traps: Array<[string, string]> = [
  [
    'an audit hook that refuses everything',
    'import sys\ndef trap(event, args):\n    if event in ("exec", "compile", "import", "open"):\n        raise RuntimeError("trapped " + event)\nsys.addaudithook(trap)',
  ],
  ['patched builtins', 'import builtins\nbuiltins.print = lambda *a, **k: None\nbuiltins.len = lambda x: -1'],
  ['a tiny recursion limit', 'import sys\nsys.setrecursionlimit(25)'],
  ['planted modules', 'import sys, json\njson.dumps = None\nsys.modules["math"] = None'],
  ['a trace function', 'import sys\nsys.settrace(lambda *a: (_ for _ in ()).throw(RuntimeError("traced")))'],
  ['a file in the scratch folder', 'open("left-behind.txt", "w").write("x")'],
];

const CHECK = [
  'import os, math, json',
  'def depth(n):',
  '    return 0 if n == 0 else 1 + depth(n - 1)',
  'print(len([1, 2]), json.dumps([1]), math.sqrt(4), depth(200), os.path.exists("left-behind.txt"), bump(1))',
].join('\n');

for (const backend of FRESH_PER_STATELESS_STEP) {
  describe(`stateless steps start clean on ${backend}`, { concurrency: false }, () => {
    for (const [name, trap] of traps) {
      test(`${name} does not reach the next step`, async (t) => {
        if (!backendAvailable(t, backend)) return;
        const { tools, state } = fakeTools();
        const session = await sandboxFor(backend, { poolSize: 2 }).openSession({
          mode: 'stateless',
          tools,
          stepTimeoutMs: 5000,
        });
        try {
          const planted = await session.step(trap);
          assert.equal(planted.success, true, `the trap itself runs: ${planted.error}`);
          const check = await session.step(CHECK);
          assert.equal(check.error, null);
          assert.equal(check.output, `2 [1] 2.0 200 False ${state.counter}\n`);
          // The tools' state lives in the harness and carries over between stateless steps.
          assert.equal(state.counter, 1);
        } finally {
          await session.close();
        }
      });
    }
  });
}
