import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TraceMessage } from '../../src/formats/trace.js';
import { parseExampleLine } from '../../src/formats/training-example.js';
import { exportCompanionPaths, exportTraining } from '../../src/training/export.js';
import { isValidationTask } from '../../src/training/split.js';
import { exampleTokens } from '../../src/training/token-truncation.js';
import { buildRun, persistentEpisode, traceFor } from './build-run.js';

const CODE_BLOCK = /```(?:[a-zA-Z0-9_+-]+)?\n([\s\S]*?)```/g;

function readLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

/** What the trace says the model saw, minus what the export leaves out by design. */
function expectedConversation(alrMessages: TraceMessage[]): TraceMessage[] {
  const out = alrMessages
    .filter((m, i) => !m.transient || alrMessages[i + 1]?.role === 'assistant')
    .map((m) => ({ role: m.role, content: m.content }));
  while (out.length && out[out.length - 1]?.role !== 'assistant') out.pop();
  return out;
}

test('the default export is the conversation the model saw, within the token budget', () => {
  const ep = persistentEpisode('knapsack-0000000001', {
    failures: { 1: 'LLM Call Failed: connection reset' },
  });
  const runDir = buildRun([ep]);
  const out = join(runDir, '..', 'train.jsonl');
  const outcome = exportTraining({ runDirs: [runDir], out, maxTokens: 16384 });
  assert.equal(outcome.train, 1);
  const [line] = readLines(out);
  const messages = parseExampleLine(line as string);
  const alrMessages = (traceFor(ep).alr as { messages: TraceMessage[] }).messages;
  assert.deepEqual(messages, expectedConversation(alrMessages));
  // The failure message and the globals messages that preceded replies are kept; the one sent
  // with the failed request (no reply followed) is not.
  assert.ok(messages.some((m) => m.content === 'LLM Call Failed: connection reset'));
  assert.equal(messages.filter((m) => m.content.startsWith('Python interpreter globals: ')).length, 3);
  assert.ok(exampleTokens(messages) <= 16384);
  // Each assistant turn holds exactly the one code block its step executed.
  const assistant = messages.filter((m) => m.role === 'assistant');
  assert.equal(assistant.length, ep.steps.length);
  assistant.forEach((m, i) => {
    const blocks = [...m.content.matchAll(CODE_BLOCK)].map((b) => (b[1] as string).trim());
    assert.deepEqual(blocks, [ep.steps[i]?.code]);
  });
});

test('--transient drop leaves out every globals message', () => {
  const runDir = buildRun([persistentEpisode('knapsack-0000000001')]);
  const out = join(runDir, '..', 'drop.jsonl');
  exportTraining({ runDirs: [runDir], out, transient: 'drop' });
  const messages = parseExampleLine(readLines(out)[0] as string);
  assert.ok(messages.every((m) => !m.content.startsWith('Python interpreter globals')));
  assert.equal(messages.filter((m) => m.role === 'assistant').length, 3);
});

test('truncation cuts at a turn boundary, never ends on a user turn, and fits the budget', () => {
  const long = 'x'.repeat(3000);
  const ep = persistentEpisode('knapsack-0000000002');
  for (const s of ep.steps) s.observation = `${s.observation}${long}`;
  const runDir = buildRun([ep]);
  const full = exampleTokens(parseExampleLine(readLines(exportOnce(runDir, 100000))[0] as string));
  const budget = full - 200;
  const path = exportOnce(runDir, budget, 'cut.jsonl');
  const messages = parseExampleLine(readLines(path)[0] as string);
  assert.ok(exampleTokens(messages) <= budget);
  assert.equal(messages[messages.length - 1]?.role, 'assistant');
  assert.equal(messages.filter((m) => m.role === 'assistant').length, 2);
  const prov = JSON.parse(readLines(exportCompanionPaths(path).provenance)[0] as string);
  assert.equal(prov.truncated, true);
  // A budget below the first reply drops the example.
  const none = exportTraining({ runDirs: [runDir], out: join(runDir, '..', 'none.jsonl'), maxTokens: 50 });
  assert.equal(none.train, 0);
  assert.equal(none.skipped.length, 1);
});

function exportOnce(runDir: string, maxTokens: number, name = 'full.jsonl'): string {
  const out = join(runDir, '..', name);
  exportTraining({ runDirs: [runDir], out, maxTokens });
  return out;
}

test('filters select by status, success, score, runtime and family', () => {
  const stateless = {
    ...persistentEpisode('knapsack-0000000004'),
    runtime: 'stateless' as const,
    agent: 'teacher-stateless',
  };
  const runDir = buildRun([
    persistentEpisode('knapsack-0000000001', { solved: true, score: 1 }),
    persistentEpisode('knapsack-0000000002', { solved: false, score: 0.5 }),
    persistentEpisode('knapsack-0000000003', { solved: false, score: 0.9, status: 'timeout' }),
    stateless,
  ]);
  const count = (filters: Parameters<typeof exportTraining>[0]['filters'], name: string) =>
    exportTraining({ runDirs: [runDir], out: join(runDir, '..', name), filters, dedup: false }).train;
  assert.equal(count({}, 'all.jsonl'), 4);
  assert.equal(count({ solved: true }, 'solved.jsonl'), 2);
  assert.equal(count({ minScore: 0.8 }, 'score.jsonl'), 3);
  assert.equal(count({ status: 'completed' }, 'status.jsonl'), 3);
  assert.equal(count({ runtime: 'stateless' }, 'rt.jsonl'), 1);
  assert.equal(count({ family: 'navigation' }, 'fam.jsonl'), 0);
  const prov = readLines(join(runDir, '..', 'rt.provenance.jsonl')).map((l) => JSON.parse(l));
  assert.deepEqual(
    prov.map((p) => [p.task_id, p.runtime, p.agent, p.model?.name, p.policy_style, p.source, p.seed]),
    [
      [
        'knapsack-0000000004',
        'stateless',
        'teacher-stateless',
        'scripted-stateless',
        'stateless',
        'results/teacher-stateless/knapsack/knapsack-knapsack-0000000004.trace.json',
        7,
      ],
    ],
  );
});

test('identical message sequences are exported once', () => {
  // Two tasks whose conversations are identical (same texts), e.g. a repeated teacher episode.
  const a = persistentEpisode('knapsack-0000000001');
  const b = { ...persistentEpisode('knapsack-0000000001'), taskId: 'knapsack-0000000009' };
  const runDir = buildRun([a, b]);
  const outcome = exportTraining({ runDirs: [runDir], out: join(runDir, '..', 'dedup.jsonl') });
  assert.equal(outcome.train, 1);
  assert.equal(outcome.duplicates, 1);
  const kept = exportTraining({ runDirs: [runDir], out: join(runDir, '..', 'nodedup.jsonl'), dedup: false });
  assert.equal(kept.train, 2);
});

test('the validation split is fixed by task id, the same for both runtimes', () => {
  const ids = Array.from({ length: 40 }, (_, i) => `knapsack-${String(i).padStart(10, '0')}`);
  const persistentRun = buildRun(
    ids.map((id) => persistentEpisode(id)),
    'p',
  );
  const statelessRun = buildRun(
    ids.map((id) => ({
      ...persistentEpisode(id),
      runtime: 'stateless' as const,
      agent: 'teacher-stateless',
    })),
    's',
  );
  const split = (runDir: string) => {
    const out = join(runDir, '..', 'split.jsonl');
    const outcome = exportTraining({ runDirs: [runDir], out, valFraction: 0.25, seed: 11 });
    const val = readLines(exportCompanionPaths(out).validationProvenance).map(
      (l) => JSON.parse(l).task_id as string,
    );
    return { outcome, val };
  };
  const p = split(persistentRun);
  const s = split(statelessRun);
  assert.deepEqual(p.val, s.val);
  assert.ok(p.val.length > 0 && p.val.length < ids.length);
  assert.equal(p.outcome.train + p.outcome.validation, ids.length);
  assert.deepEqual(
    p.val,
    ids.filter((id) => isValidationTask(id, 0.25, 11)),
  );
  // A different seed gives a different split (of these 40 ids).
  assert.notDeepEqual(
    ids.filter((id) => isValidationTask(id, 0.25, 11)),
    ids.filter((id) => isValidationTask(id, 0.25, 12)),
  );
});

test('sharegpt format maps roles to system/human/gpt', () => {
  const runDir = buildRun([persistentEpisode('knapsack-0000000001')]);
  const out = join(runDir, '..', 'sg.jsonl');
  exportTraining({ runDirs: [runDir], out, format: 'sharegpt' });
  const record = JSON.parse(readLines(out)[0] as string) as {
    conversations: { from: string; value: string }[];
  };
  assert.deepEqual([...new Set(record.conversations.map((c) => c.from))].sort(), ['gpt', 'human', 'system']);
  const messages = exportTraining({ runDirs: [runDir], out: join(runDir, '..', 'm.jsonl') });
  assert.equal(messages.train, 1);
  assert.deepEqual(
    parseExampleLine(readLines(out)[0] as string),
    parseExampleLine(readLines(join(runDir, '..', 'm.jsonl'))[0] as string),
  );
});
