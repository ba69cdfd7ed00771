import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportTraining } from '../../src/training/export.js';
import {
  referenceCharBudget,
  referenceMessagesFromFile,
  referenceTruncate,
} from '../../src/training/reference-conversion.js';
import { runtimeView } from '../../src/training/runtime-view.js';
import { findTraceFiles } from '../../src/training/trace-files.js';
import { cliPath, referenceFixtures } from '../helpers/paths.js';
import { scratchDir } from '../helpers/scratch.js';

const fixtures = join(referenceFixtures, 'training-export');
const traces = join(fixtures, 'traces');

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n');
}

for (const [maxSeq, expected] of [
  [16384, 'traces.jsonl'],
  [2048, 'traces.max_seq_2048.jsonl'],
] as const) {
  test(`--compat reference equals the reference's ${expected} line for line`, () => {
    const out = join(scratchDir('compat'), 'out.jsonl');
    const outcome = exportTraining({ runDirs: [traces], out, compat: 'reference', maxSeqLength: maxSeq });
    const want = lines(join(fixtures, 'expected', expected));
    const got = lines(out);
    assert.equal(got.length, want.length);
    for (const [i, line] of got.entries()) assert.equal(line, want[i], `line ${i + 1}`);
    assert.equal(outcome.train, want.filter((l) => l !== '').length);
    const provenance = lines(out.replace(/\.jsonl$/, '.provenance.jsonl')).filter(Boolean);
    assert.equal(provenance.length, outcome.train);
  });
}

test('the CLI writes the same bytes as the reference', () => {
  const out = join(scratchDir('compat'), 'cli.jsonl');
  const r = spawnSync(process.execPath, [cliPath, 'export', traces, '--compat', 'reference', '--out', out], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(join(fixtures, 'expected', 'traces.jsonl'), 'utf8'));
});

test("path order, loader and truncation agree with the reference's per-trace details", () => {
  const details = JSON.parse(readFileSync(join(fixtures, 'expected', 'details.json'), 'utf8')) as {
    traces: { path: string; loaded: unknown; truncated_16384: unknown; truncated_2048: unknown }[];
  };
  const files = findTraceFiles(traces).map((p) =>
    p
      .slice(traces.length + 1)
      .split('\\')
      .join('/'),
  );
  assert.deepEqual(
    files,
    details.traces.map((t) => t.path),
  );
  for (const t of details.traces) {
    const loaded = referenceMessagesFromFile(join(traces, t.path));
    assert.deepEqual(loaded, t.loaded, t.path);
    if (!loaded) continue;
    assert.deepEqual(referenceTruncate(loaded, referenceCharBudget(16384)), t.truncated_16384, t.path);
    assert.deepEqual(referenceTruncate(loaded, referenceCharBudget(2048)), t.truncated_2048, t.path);
  }
});

test('the conversation rebuilt from reference traces is what the reference sent to the model', () => {
  const episodes = JSON.parse(readFileSync(join(fixtures, 'expected', 'episodes.json'), 'utf8')) as {
    episodes: { path: string; llm_requests: { role: string; content: string }[][] | null }[];
  };
  let checked = 0;
  for (const ep of episodes.episodes) {
    if (!ep.llm_requests) continue;
    const trace = JSON.parse(readFileSync(join(traces, ep.path), 'utf8'));
    const view = runtimeView(trace);
    assert.ok(view, ep.path);
    const stored = view.messages
      .filter((m) => !m.transient)
      .map((m) => ({ role: m.role, content: m.content }));
    for (const request of ep.llm_requests) {
      // The persistent agent appends a transient globals message to each request; the reference
      // trace does not record it, so compare the stored history part.
      const history = request
        .filter((m, i) => !(i === request.length - 1 && m.content.startsWith('Python interpreter globals: ')))
        .map((m) => ({ role: m.role, content: m.content }));
      assert.deepEqual(
        stored.slice(0, history.length),
        history,
        `${ep.path}: request of ${history.length} messages`,
      );
      checked++;
    }
  }
  assert.ok(checked > 5, `checked ${checked} requests`);
});

test('compat mode refuses options that are not part of the reference conversion', () => {
  const out = join(scratchDir('compat'), 'x.jsonl');
  assert.throws(
    () => exportTraining({ runDirs: [traces], out, compat: 'reference', filters: { solved: true } }),
    /do not apply/,
  );
  assert.throws(
    () => exportTraining({ runDirs: [traces], out, compat: 'reference', format: 'sharegpt' }),
    /do not apply/,
  );
});
