// A held-out corpus of our own (test/data/sandbox/heldout-corpus.json), recorded from the reference
// interpreter with the fake tools of helpers.ts: argument binding and its messages, the tool-call
// limit, builtin shadowing, globals filtering, exception formats, print variants, syntax errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pyJsonDumps } from '../../src/python/index.js';
import type { RuntimeMode } from '../../src/sandbox/index.js';
import { testData } from '../helpers/paths.js';
import { BACKENDS, backendAvailable, fakeTools, sandboxFor, shutdownSandboxes } from './helpers.js';

interface HeldoutStep {
  observation: string;
  globals: string[];
  counter: number;
  version_sensitive: boolean;
}
interface HeldoutCase {
  id: string;
  mode: RuntimeMode;
  max_tool_calls: number | null;
  steps: string[];
  expected: { steps: HeldoutStep[] };
}

const corpus = JSON.parse(readFileSync(join(testData, 'sandbox', 'heldout-corpus.json'), 'utf8')) as {
  python_version: string;
  cases: HeldoutCase[];
};
const minor = (v: string) => v.split('.').slice(0, 2).join('.');

function lastLineType(observation: string): string {
  const error = (JSON.parse(observation) as { error: string | null }).error ?? '';
  return (error.split('\n').pop() ?? '').split(':')[0] ?? '';
}

after(shutdownSandboxes);

for (const backend of BACKENDS) {
  describe(`held-out interpreter corpus on ${backend}`, { concurrency: false }, () => {
    for (const c of corpus.cases) {
      test(c.id, async (t) => {
        if (!backendAvailable(t, backend)) return;
        const sandbox = sandboxFor(backend, { recycle: 'namespace' });
        const sameVersion = minor(await sandbox.pythonVersion()) === minor(corpus.python_version);
        const { tools, state } = fakeTools();
        const session = await sandbox.openSession({
          mode: c.mode,
          tools,
          maxToolCalls: c.max_tool_calls ?? undefined,
          outputCap: null,
        });
        try {
          for (const [i, code] of c.steps.entries()) {
            const expected = c.expected.steps[i] as HeldoutStep;
            const result = await session.step(code);
            const observed = pyJsonDumps({
              success: result.success,
              result: null,
              output: result.output,
              error: result.error,
            });
            if (expected.version_sensitive && !sameVersion) {
              assert.equal(result.success, false, `step ${i + 1}`);
              assert.equal(
                lastLineType(observed),
                lastLineType(expected.observation),
                `step ${i + 1}: exception type`,
              );
            } else {
              assert.equal(observed, expected.observation, `step ${i + 1}: observation`);
            }
            assert.deepEqual(Object.keys(result.globals), expected.globals, `step ${i + 1}: globals`);
            assert.equal(state.counter, expected.counter, `step ${i + 1}: harness-side counter`);
          }
        } finally {
          await session.close();
        }
      });
    }
  });
}
