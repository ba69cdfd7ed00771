// What the harness does between steps, against model code that tries to make it hang or fail:
// hostile values left in persistent globals (dunders that never return, also on the metaclass,
// a 200,000-deep list, a 50 MB string, huge ints, a non-string key), and process-wide traps
// (audit hooks, trace functions, replaced hooks and streams, a tiny recursion limit, an ignored
// SIGINT, a failing import finder) in both runtime modes. Every step must end within its limit
// and the next step must run normally, on both backends.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { BackendName, RuntimeMode, StepResult } from '../../src/sandbox/index.js';
import { BACKENDS, backendAvailable, fakeTools, sandboxFor, shutdownSandboxes } from './helpers.js';

after(shutdownSandboxes);

const STEP_LIMIT_MS = 5000;

const HOSTILE_CLASS = `
class Meta(type):
    def __repr__(cls):
        while True: pass
    def __getattr__(cls, name):
        while True: pass
    def __bool__(cls):
        while True: pass
    def __eq__(cls, other):
        while True: pass
    def __hash__(cls):
        while True: pass

class Hostile(metaclass=Meta):
    def __repr__(self):
        while True: pass
    __str__ = __repr__
    def __eq__(self, other):
        while True: pass
    def __hash__(self):
        while True: pass
    def __getattr__(self, name):
        while True: pass
    def __getattribute__(self, name):
        while True: pass
    def __bool__(self):
        while True: pass
    def __len__(self):
        while True: pass

h = Hostile()
nested = [h, {1: h}, (h,), {"k": [h]}]
print("defined")
`;

// A key that hashes like the name "later" and never finishes comparing once armed: had it stayed
// in the namespace, the next step's assignment to "later" would hang.
const HOSTILE_KEY = `
class Key:
    armed = False
    def __hash__(self):
        return hash("later")
    def __eq__(self, other):
        while Key.armed: pass
        return False
globals()[Key()] = 1
Key.armed = True
print("key set")
`;

interface Case {
  name: string;
  code: string;
  check?: (result: StepResult) => void;
  /** Also check that a busy step is still interrupted (not killed) afterwards. */
  interrupt?: boolean;
  /** The step itself may fail (a trap can fire in the step that sets it); it must still end in time. */
  mayFail?: boolean;
}

const VALUE_CASES: Case[] = [
  {
    name: 'dunders that never return, on the instance and on the metaclass',
    code: HOSTILE_CLASS,
    check: (r) => {
      assert.equal(r.output, 'defined\n');
      assert.match(r.globals.h ?? '', /^<Hostile object at 0x[0-9a-f]+>$/);
      assert.equal(r.globals.Hostile, "<class 'Hostile'>");
      assert.match(r.globals.nested ?? '', /^\[<Hostile object at 0x[0-9a-f]+>, \{1: <Hostile object/);
    },
  },
  {
    name: 'a 200,000-deep nested list',
    code: 'deep = []\ncur = deep\nfor _ in range(200000):\n    cur.append([])\n    cur = cur[0]\ndel cur\nprint("deep")',
    check: (r) => assert.equal(r.globals.deep, '<unrepresentable>'),
  },
  {
    name: 'a 50 MB string',
    code: 'big = "ab\'" * (50 * 1024 * 1024 // 3)\nprint(len(big))',
    check: (r) => {
      const text = r.globals.big ?? '';
      assert.equal(text.length, 2003);
      assert.ok(text.startsWith(`"ab'ab'`) && text.endsWith('...'), text.slice(0, 20));
    },
  },
  {
    name: 'a huge int with the digit limit lifted',
    code: 'import sys\nsys.set_int_max_str_digits(0)\nhuge = 7 ** 200_000\nsmall = 10 ** 50\nprint("huge")',
    check: (r) => {
      assert.equal(r.globals.huge, '<unrepresentable>');
      assert.equal(r.globals.small, `1${'0'.repeat(50)}`);
    },
  },
  {
    name: 'a non-string key with a hostile __eq__',
    code: HOSTILE_KEY,
    check: (r) => assert.equal(r.output, 'key set\n'),
  },
  {
    name: '12,000 globals (10,000 are listed)',
    code: 'for i in range(12000):\n    globals()["v%d" % i] = i\nprint("many")',
    check: (r) => assert.equal(Object.keys(r.globals).length, 10_000),
  },
];

const TRAP_CASES: Case[] = [
  {
    name: 'an audit hook that fails every event',
    code: 'import sys\ndef hook(event, args):\n    raise RuntimeError("trapped " + event)\nsys.addaudithook(hook)\nprint("tried")',
  },
  {
    name: 'trace and profile functions, in this thread and for new threads',
    code: 'import sys, threading\nthreading.settrace(lambda *a: 1 / 0)\nsys.setprofile(lambda *a: 1 / 0)\nsys.settrace(lambda *a: 1 / 0)',
    mayFail: true,
  },
  {
    name: 'replaced hooks, streams and their originals',
    code: 'import sys\nsys.excepthook = sys.displayhook = sys.unraisablehook = None\nsys.__excepthook__ = sys.__displayhook__ = None\nsys.stdout = sys.stderr = sys.stdin = None\nsys.__stdout__ = None',
  },
  {
    name: 'a tiny recursion limit',
    code: 'import sys\nsys.setrecursionlimit(40)',
  },
  {
    name: 'an ignored SIGINT',
    code: 'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)',
    interrupt: true,
  },
  {
    name: 'an import finder that fails, and a failing collector callback',
    code: 'import sys, gc\nclass Finder:\n    def find_spec(self, *a):\n        raise ImportError("trapped import")\nsys.meta_path.insert(0, Finder())\ngc.callbacks.append(lambda *a: 1 / 0)',
  },
];

// Uses what each trap would break: imports, printing, recursion, the SIGINT-based interrupt.
const PROBE =
  'import fractions, json\ndef depth(n):\n    return 0 if n == 0 else 1 + depth(n - 1)\nprint("probe", depth(200), json.dumps([bump(0)]), fractions.Fraction(1, 2))';

const SIGINT_HANDLER = 'import signal as _s\nprint(repr(_s.getsignal(_s.SIGINT)))\ndel _s';

async function playCase(backend: BackendName, mode: RuntimeMode, c: Case): Promise<void> {
  const { tools } = fakeTools();
  const session = await sandboxFor(backend, { poolSize: 2 }).openSession({
    mode,
    tools,
    stepTimeoutMs: STEP_LIMIT_MS,
  });
  try {
    const baseline = c.interrupt ? (await session.step(SIGINT_HANDLER)).output : '';
    const started = performance.now();
    const result = await session.step(c.code);
    const elapsed = performance.now() - started;
    assert.ok(
      c.mayFail ? result.error_type !== 'TimeoutError' : result.success && result.error_type === null,
      `${c.name}: ${JSON.stringify({ ...result, globals: undefined })}`,
    );
    assert.ok(elapsed < STEP_LIMIT_MS, `${c.name}: the step took ${Math.round(elapsed)} ms`);
    if (mode === 'persistent') c.check?.(result);
    const probe = await session.step(PROBE);
    assert.equal(probe.error, null, `${c.name}: probe failed: ${probe.error}`);
    assert.equal(probe.output, 'probe 200 [0] 1/2\n', `${c.name}: ${JSON.stringify(probe)}`);
    if (mode === 'persistent') {
      const later = await session.step('later = 2\nprint(later)');
      assert.equal(later.output, '2\n', `${c.name}: ${JSON.stringify(later)}`);
    }
    if (!c.interrupt) return;
    // The harness interrupts a step through the SIGINT handler: model code's handler must not survive
    // its step. Checked by value, not by timing (a starved worker may miss the interrupt's grace
    // period under load and be killed instead, which is also a correct end of a busy step).
    assert.equal((await session.step(SIGINT_HANDLER)).output, baseline, `${c.name}: the handler survived`);
    const busy = await session.step('while True:\n    pass');
    assert.equal(busy.error_type, 'TimeoutError');
  } finally {
    await session.close();
  }
}

for (const backend of BACKENDS) {
  describe(`post-step work on ${backend}`, { concurrency: false }, () => {
    for (const c of VALUE_CASES)
      test(`hostile globals: ${c.name}`, async (t) => {
        if (!backendAvailable(t, backend)) return;
        await playCase(backend, 'persistent', c);
      });
    for (const mode of ['persistent', 'stateless'] as const)
      for (const c of TRAP_CASES)
        test(`process-wide trap (${mode}): ${c.name}`, async (t) => {
          if (!backendAvailable(t, backend)) return;
          await playCase(backend, mode, c);
        });
  });
}
