// Hostile model code, on both backends: escapes through the JS bridge, secrets in the harness's
// environment and files, writes outside the scratch area, network, process control, CPU, memory,
// output floods, tool-accounting tampering and traps left for later steps. Each must be contained:
// the harness keeps running, nothing leaks, and the next step of the session runs normally.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BackendName, InterpreterSession, SessionOptions, StepResult } from '../../src/sandbox/index.js';
import { bubblewrapAvailable } from '../../src/sandbox/index.js';
import { repoRoot } from '../helpers/paths.js';
import { requireSystemDep } from '../helpers/system-deps.js';
import { BACKENDS, backendAvailable, fakeTools, sandboxFor, shutdownSandboxes } from './helpers.js';

const SECRET = `alr-secret-${randomBytes(8).toString('hex')}`;
process.env.ALR_TEST_SECRET = SECRET;
const outside = mkdtempSync(join(tmpdir(), 'alr-hostile-'));
const secretFile = join(outside, 'secret.txt');
writeFileSync(secretFile, SECRET);

let server: Server;
let port = 0;
let connections = 0;
before(async () => {
  server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(async () => {
  server.close();
  rmSync(outside, { recursive: true, force: true });
  await shutdownSandboxes();
});

function everything(result: StepResult): string {
  return JSON.stringify(result);
}

/** Runs hostile steps in one session, each followed by a probe that must work normally. */
async function contained(
  backend: BackendName,
  steps: string[],
  check: (result: StepResult, index: number) => void = () => {},
  options: Partial<SessionOptions> = {},
): Promise<{ results: StepResult[]; counter: number }> {
  const { tools, state } = fakeTools();
  const session: InterpreterSession = await sandboxFor(backend, { poolSize: 2 }).openSession({
    mode: 'persistent',
    tools,
    stepTimeoutMs: 5000,
    ...options,
  });
  const results: StepResult[] = [];
  try {
    for (const [i, code] of steps.entries()) {
      const result = await session.step(code);
      results.push(result);
      assert.ok(
        !everything(result).includes(SECRET),
        `step ${i + 1} leaked the secret: ${everything(result)}`,
      );
      check(result, i);
      const before = state.counter;
      const probe = await session.step('print("probe", bump(0))');
      assert.equal(probe.output, `probe ${before}\n`, `probe after step ${i + 1}: ${everything(probe)}`);
      assert.equal(probe.success, true);
    }
  } finally {
    await session.close();
  }
  return { results, counter: state.counter };
}

for (const backend of BACKENDS) {
  describe(`hostile code on ${backend}`, { concurrency: false }, () => {
    test('escapes through the JS bridge and pyodide internals find nothing to use', async (t) => {
      if (!backendAvailable(t, backend)) return;
      await contained(backend, [
        'try:\n    import js\n    print(js.process.env.ALR_TEST_SECRET, dict(js.process.env.object_entries()))\nexcept Exception as e:\n    print("no:", type(e).__name__)',
        'try:\n    import js\n    f = js.Object.constructor.constructor("return process.env")\n    print(f())\nexcept Exception as e:\n    print("no:", type(e).__name__)',
        'try:\n    import pyodide_js\n    print(pyodide_js.runPython)\n    pyodide_js.mountNodeFS("/mnt", "/")\n    print(open("/mnt/proc/self/environ").read())\nexcept Exception as e:\n    print("no:", type(e).__name__)',
        'try:\n    import _alr_host\n    print(_alr_host.call)\nexcept Exception as e:\n    print("no:", type(e).__name__)',
        'import gc\ntry:\n    objs = gc.get_objects()\n    print(len(objs) > 0)\nexcept Exception as e:\n    print("no:", type(e).__name__)',
      ]);
    });

    test('ctypes and emscripten_run_script cannot reach the harness', async (t) => {
      if (!backendAvailable(t, backend)) return;
      await contained(backend, [
        'try:\n    import ctypes\n    lib = ctypes.CDLL(None)\n    print(lib.emscripten_run_script_string(b"JSON.stringify(process.env)"))\nexcept BaseException as e:\n    print("no:", type(e).__name__)',
      ]);
    });

    test('the harness environment, project files and home are out of reach', async (t) => {
      if (!backendAvailable(t, backend)) return;
      await contained(
        backend,
        [
          'import os\nprint(os.environ.get("ALR_TEST_SECRET"), sorted(os.environ))',
          `try:\n    print(open(${JSON.stringify(secretFile)}).read())\nexcept Exception as e:\n    print("no:", type(e).__name__)`,
          `try:\n    print(open(${JSON.stringify(join(repoRoot, 'package.json'))}).read()[:40])\nexcept Exception as e:\n    print("no:", type(e).__name__)`,
          'import os\ntry:\n    print(os.listdir(os.path.expanduser("~")))\n    print(open(os.path.expanduser("~/.bashrc")).read()[:10])\nexcept Exception as e:\n    print("no:", type(e).__name__)',
        ],
        (result, i) => {
          if (i === 2)
            assert.ok(!result.output.includes('"name"'), `project file was read: ${result.output}`);
        },
      );
    });

    test('writes outside the scratch area do not reach the host', async (t) => {
      if (!backendAvailable(t, backend)) return;
      const target = join(outside, 'pwned.txt');
      await contained(
        backend,
        [
          `try:\n    open(${JSON.stringify(target)}, "w").write("x")\n    print("wrote")\nexcept Exception as e:\n    print("no:", type(e).__name__)`,
          'open("scratch.txt", "w").write("ok")\nprint(open("scratch.txt").read())',
        ],
        (result, i) => {
          if (i === 1) assert.equal(result.output, 'ok\n', 'the scratch area is writable');
        },
      );
      assert.equal(existsSync(target), false, 'a file appeared outside the scratch area');
    });

    test('network connections do not leave the sandbox', async (t) => {
      if (!backendAvailable(t, backend)) return;
      if (!requireSystemDep(t, 'bubblewrap', bubblewrapAvailable())) return;
      await contained(backend, [
        `import socket\ntry:\n    s = socket.create_connection(("127.0.0.1", ${port}), timeout=2)\n    s.send(b"hello")\n    print("connected")\nexcept Exception as e:\n    print("no:", type(e).__name__)`,
        `try:\n    import js\n    js.fetch("http://127.0.0.1:${port}/")\n    print("fetched")\nexcept Exception as e:\n    print("no:", type(e).__name__)`,
      ]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(connections, 0, 'the loopback server received a connection');
    });

    test('process control: system, subprocess, fork, kill, signals, exit', async (t) => {
      if (!backendAvailable(t, backend)) return;
      const marker = join(outside, 'ran.txt');
      await contained(
        backend,
        [
          `import os\ntry:\n    os.system("touch ${marker}")\nexcept Exception as e:\n    print("no:", type(e).__name__)`,
          `import subprocess\ntry:\n    subprocess.run(["touch", "${marker}"])\nexcept Exception as e:\n    print("no:", type(e).__name__)`,
          'import os\ntry:\n    pid = os.fork()\n    print("forked", pid)\nexcept Exception as e:\n    print("no:", type(e).__name__)',
          `import os, signal\ntry:\n    os.kill(${process.pid}, signal.SIGKILL)\nexcept Exception as e:\n    print("no:", type(e).__name__)\ntry:\n    os.kill(os.getppid(), signal.SIGKILL)\nexcept Exception as e:\n    print("no:", type(e).__name__)`,
          'import signal, os\ntry:\n    signal.raise_signal(signal.SIGTERM)\nexcept Exception as e:\n    print("no:", type(e).__name__)',
          'exit()',
          'raise SystemExit(3)',
          'raise KeyboardInterrupt',
          'import os\nos._exit(0)',
        ],
        (result, i) => {
          if (i >= 5) assert.equal(result.success, false);
        },
      );
      assert.equal(existsSync(marker), false, 'a host command ran');
    });

    test('a step stuck in C code is stopped and the next step works', async (t) => {
      if (!backendAvailable(t, backend)) return;
      await contained(
        backend,
        ['x = 1', 'sum(range(10**11))', 'print("alive")'],
        (result, i) => {
          if (i === 1) {
            assert.equal(result.success, false);
            assert.equal(result.error_type, 'TimeoutError');
            assert.match(result.error ?? '', /time limit/);
            assert.ok(result.incidents.some((x) => x.kind === 'killed' && x.stateLost));
          }
        },
        { stepTimeoutMs: 2000 },
      );
    });

    test('a Python loop that swallows the interrupt is killed; one that does not is interrupted', async (t) => {
      if (!backendAvailable(t, backend)) return;
      // The interruptible loop runs first, in the session's own interpreter: right after a kill the
      // replacement starts cold, and on a loaded machine its first step can take longer than the
      // 1 s grace to answer an interrupt (then it is killed too, which is the designed outcome).
      await contained(
        backend,
        [
          'y = 5\nwhile True:\n    pass',
          'print(y)',
          'while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass',
        ],
        (result, i) => {
          if (i !== 1) assert.equal(result.error_type, 'TimeoutError');
          if (i === 0)
            assert.ok(
              result.incidents.every((x) => !x.stateLost),
              'an interrupted step keeps the state',
            );
          if (i === 1) assert.equal(result.output, '5\n');
          if (i === 2)
            assert.ok(
              result.incidents.some((x) => x.kind === 'killed'),
              'a loop that swallows the interrupt is killed',
            );
        },
        { stepTimeoutMs: 2000 },
      );
    });

    test('memory exhaustion ends the step and recycles the interpreter', async (t) => {
      if (!backendAvailable(t, backend)) return;
      await contained(
        backend,
        [
          'hog = []\nwhile True:\n    hog.append(bytearray(16 * 1024 * 1024))',
          'big = b"x" * (1500 * 1024 ** 2)',
        ],
        (result) => {
          assert.equal(result.success, false);
          assert.equal(result.error_type, 'MemoryError');
          assert.ok(result.incidents.some((x) => x.kind === 'memory'));
        },
        { memoryLimitMb: 512, stepTimeoutMs: 20_000 },
      );
    });

    test('output floods are capped with a marker; recursion bombs are contained', async (t) => {
      if (!backendAvailable(t, backend)) return;
      // The endless flood needs the short limit; the other steps get room for a loaded machine.
      await contained(
        backend,
        ['while True:\n    print("flood" * 100)'],
        (result) => {
          assert.equal(result.error_type, 'TimeoutError');
          assert.ok(result.output.length < 20_200);
          assert.match(result.output, /\[output truncated: showing the first 20000 of \d+ characters\]$/);
        },
        { stepTimeoutMs: 2000 },
      );
      await contained(
        backend,
        [
          'import sys\nfor _ in range(1000):\n    sys.stdout.write("raw" * 1000)\n    sys.stderr.write("err" * 1000)\nprint("end")',
          'def f():\n    return f()\nf()',
          'import sys\nsys.setrecursionlimit(10**6)\ndef g(n):\n    return g(n + 1)\ng(0)',
        ],
        (result, i) => {
          if (i === 0) assert.equal(result.output, 'end\n');
          if (i === 1) assert.equal(result.error_type, 'RecursionError');
          if (i === 2) assert.equal(result.success, false);
        },
        { stepTimeoutMs: 15000 },
      );
    });

    test('tool accounting cannot be tampered with from Python', async (t) => {
      if (!backendAvailable(t, backend)) return;
      const forge =
        '{"op":"tool","id":1,"name":"bump","args":[{"type":"int","kinds":["int"],"value":"abc"}],"kwargs":{}}\\n';
      const { results, counter } = await contained(
        backend,
        [
          'bump = lambda n: 999\nprint(bump(5))',
          `import os\nfor fd in range(3, 12):\n    try:\n        os.write(fd, b'${forge}')\n    except Exception:\n        pass\nprint("forged")`,
          'import json\njson.dumps = None\njson.loads = None\njson.JSONDecoder.decode = None\nprint(bump(2))',
          'print(bump(1), bump(1), bump(1))',
        ],
        (result, i) => {
          if (i === 0) {
            assert.equal(result.output, '999\n');
            assert.deepEqual(result.tool_calls, [], 'a replaced wrapper made no tool call');
          }
          for (const call of result.tool_calls) if (call.ok) assert.equal(typeof call.args.n, 'number');
        },
        { maxToolCalls: 2 },
      );
      assert.equal(results[2]?.output, '2\n');
      assert.equal(results[3]?.error, 'Tool call limit exceeded: allowed 2 per run.');
      assert.equal(counter, 4, 'only the real calls changed the harness state');
    });

    test('traps left for later steps do not break them', async (t) => {
      if (!backendAvailable(t, backend)) return;
      await contained(
        backend,
        [
          'import sys\nsys.settrace(lambda *a: 1 / 0)\nsys.setprofile(lambda *a: 1 / 0)',
          'import atexit\natexit.register(lambda: print("at exit"))',
          'import builtins, sys\nbuiltins.len = lambda x: 42\nbuiltins.print = None\nbuiltins.isinstance = lambda *a: True\nsys.stdout = None',
          'import builtins\nbuiltins.__import__ = None',
          'input("reading the protocol? ")',
        ],
        (result, i) => {
          if (i === 4) assert.equal(result.error_type, 'EOFError');
        },
      );
    });
  });
}
