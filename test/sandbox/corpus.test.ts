// Every case of the shared reference interpreter corpus, on both backends, in the case's mode.
// Observations are compared as the reference's json.dumps text; version-sensitive steps may
// instead match the text the corpus gives for another Python version.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pyJsonDumps } from '../../src/python/index.js';
import type { RuntimeMode, StepResult } from '../../src/sandbox/index.js';
import { createEnvironment, loadTask } from '../../src/tasks/index.js';
import { referenceFixtures } from '../helpers/paths.js';
import { BACKENDS, backendAvailable, sandboxFor, shutdownSandboxes } from './helpers.js';

interface CorpusStep {
  observation: string;
  globals: string[];
  finish_called: boolean;
  version_sensitive: boolean;
  observation_by_version?: Record<string, string>;
}
interface CorpusCase {
  id: string;
  mode: RuntimeMode;
  task: string;
  max_tool_calls: number | null;
  steps: string[];
  expected: { steps: CorpusStep[]; evaluation: unknown };
}

export function observationOf(result: StepResult): string {
  return pyJsonDumps({ success: result.success, result: null, output: result.output, error: result.error });
}

const corpusPath = join(referenceFixtures, 'interpreter-corpus.json');
const cases: CorpusCase[] = (JSON.parse(readFileSync(corpusPath, 'utf8')) as { cases: CorpusCase[] }).cases;

after(shutdownSandboxes);

for (const backend of BACKENDS) {
  describe(`shared interpreter corpus on ${backend}`, { concurrency: false }, () => {
    test('the corpus is present', () => {
      assert.ok(cases.length >= 20);
    });
    for (const c of cases) {
      test(c.id, async (t) => {
        if (!backendAvailable(t, backend)) return;
        const env = createEnvironment(loadTask(join(referenceFixtures, c.task)));
        const sandbox = sandboxFor(backend, { recycle: 'namespace' });
        const session = await sandbox.openSession({
          mode: c.mode,
          tools: env.tools(),
          maxToolCalls: c.max_tool_calls ?? undefined,
          outputCap: null,
        });
        try {
          for (const [i, code] of c.steps.entries()) {
            const expected = c.expected.steps[i] as CorpusStep;
            const result = await session.step(code);
            const observed = observationOf(result);
            const accepted = [expected.observation, ...Object.values(expected.observation_by_version ?? {})];
            assert.ok(
              accepted.includes(observed),
              `step ${i + 1}: observation differs\nexpected: ${expected.observation}\nobserved: ${observed}`,
            );
            assert.deepEqual(Object.keys(result.globals), expected.globals, `step ${i + 1}: globals`);
            assert.equal(env.finished, expected.finish_called, `step ${i + 1}: finish flag`);
            assert.deepEqual(result.incidents, [], `step ${i + 1}: no sandbox incident`);
          }
          assert.deepEqual(env.evaluate(), c.expected.evaluation);
        } finally {
          await session.close();
        }
      });
    }
  });
}
