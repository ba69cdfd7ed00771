import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { computeMetrics } from '../../src/metrics/index.js';
import { referenceFixtures } from '../helpers/paths.js';
import { makeResult, makeTrace, stubAnalyzer, writeRun } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'alr-outcome-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const easyTasks = join(referenceFixtures, 'task-sets', 'easy_100');

describe('outcome and footprint metrics', () => {
  it('reads score, tokens, time, tool calls and capacity from the run files', async () => {
    const trace = makeTrace(
      [
        {
          code: 'ids = json.loads(list_items())',
          tool_calls: [{ tool: 'list_items', args: {}, ok: true }],
          tokens: [1000, 50],
        },
        {
          code: 'take_item(ids[0])',
          tool_calls: [
            { tool: 'take_item', args: { item_id: 'x' }, ok: true },
            { tool: 'inspect', args: { item_id: 'x' }, ok: true },
          ],
          tokens: [1200, 30],
        },
      ],
      { stop_reason: 'finish_tool' },
    );
    const result = makeResult(0.8, false, {
      agent_value: 80,
      optimal_value: 100,
      weight_used: 30,
      capacity: 40,
      inspected_count: 7,
    });
    const run = writeRun(join(tmp, 'a'), 'r', [
      {
        name: 'ag',
        runtime: 'persistent',
        style: 'persistent',
        episodes: [{ id: 'knapsack-0000000005', trace, result }],
      },
    ]);
    const { episodes, conditions } = await computeMetrics([run], { analyzer: stubAnalyzer });
    assert.equal(conditions.length, 1);
    assert.equal(conditions[0]?.difficulty, 'easy');
    const m = episodes[0]?.metrics;
    assert.ok(m);
    assert.equal(m.task_id, 'knapsack-0000000005');
    assert.equal(m.file, 'knapsack-knapsack-0000000005');
    assert.equal(m.score, 0.8);
    assert.equal(m.solved, false);
    assert.equal(m.score_source, 'result');
    assert.equal(m.steps, 2);
    assert.equal(m.tool_calls, 3);
    assert.equal(m.prompt_tokens, 2200);
    assert.equal(m.completion_tokens, 80);
    assert.equal(m.total_tokens, 2280);
    assert.equal(m.wall_time_s, 12.5);
    assert.equal(m.score_per_1k_tokens, (80 / 2280) * 1000);
    assert.equal(m.capacity_utilization, 75);
    assert.equal(m.items_inspected, 7);
    assert.equal(m.finish_reason, 'finish_tool');
    assert.equal(m.stop_reason, 'finish_tool');
  });

  it('recomputes the score of a trace-only episode from its take_item log and the task file', async (_t) => {
    const taskId = 'knapsack-0000000000';
    const task = JSON.parse(readFileSync(join(easyTasks, 'tasks', 'knapsack', `${taskId}.json`), 'utf8'));
    const items = task.private.items as Record<string, { weight: number; value: number; class: string }>;
    const opt = task.reference.optimal_item_ids as string[];
    const forbidden = Object.keys(items).find(
      (id) => !task.public.allowed_classes.includes(items[id]?.class),
    ) as string;
    const calls = [
      { tool: 'inspect', args: { item_id: opt[0] }, ok: true },
      { tool: 'take_item', args: { item_id: forbidden }, ok: false, error: 'not allowed' },
      ...opt.slice(0, 2).map((id) => ({ tool: 'take_item', args: { item_id: id }, ok: true })),
    ];
    const trace = makeTrace([{ code: 'take_item(x)', tool_calls: calls }]);
    const run = writeRun(join(tmp, 'b'), 'r', [
      { name: 'ag', runtime: 'persistent', style: 'persistent', episodes: [{ id: taskId, trace }] },
    ]);
    const { episodes } = await computeMetrics([run], { analyzer: stubAnalyzer, tasksDir: easyTasks });
    const m = episodes[0]?.metrics;
    const value = opt.slice(0, 2).reduce((a, id) => a + (items[id]?.value ?? 0), 0);
    const weight = opt.slice(0, 2).reduce((a, id) => a + (items[id]?.weight ?? 0), 0);
    assert.equal(m?.score_source, 'replay');
    assert.equal(m?.score, value / task.reference.optimal_value);
    assert.equal(m?.solved, false);
    assert.equal(m?.items_inspected, 1);
    assert.equal(m?.capacity_utilization, (weight / task.public.capacity) * 100);
  });

  it('reads reference traces without a tool log and says tool calls are not available', async (_t) => {
    const dir = join(referenceFixtures, 'training-export', 'traces', 'persistent', 'knapsack');
    const { conditions, episodes } = await computeMetrics([dir], { analyzer: stubAnalyzer });
    assert.equal(conditions.length, 1);
    // The recorded system prompts are scrubbed (placeholder text), so nothing says the runtime.
    assert.equal(conditions[0]?.runtime, 'unknown');
    assert.equal(episodes.length, 5);
    for (const e of episodes) {
      const raw = JSON.parse(readFileSync(e.tracePath as string, 'utf8'));
      const stepEvents = raw.events.filter((ev: { type: string }) => ev.type === 'StepEvent').length;
      assert.equal(e.metrics.tool_calls, null);
      assert.equal(e.metrics.score, null);
      assert.equal(e.metrics.steps, raw.summary.num_steps || stepEvents);
      assert.equal(e.metrics.total_tokens, raw.summary.token_usage.total_tokens);
      assert.equal(e.metrics.task_id, e.metrics.file.replace(/^knapsack-/, ''));
    }
    // Sorted by file name.
    const files = episodes.map((e) => e.metrics.file);
    assert.deepEqual(files, [...files].sort());
  });

  it('takes the score of a trace-only episode from an `alr replay` re-execution under its own runtime', async (_t) => {
    const dir = join(tmp, 'released', 'persistent_persistent_easy', 'knapsack');
    mkdirSync(dir, { recursive: true });
    const src = join(referenceFixtures, 'training-export', 'traces', 'persistent', 'knapsack');
    const names = ['knapsack-knapsack-0000000000.trace.json', 'knapsack-knapsack-0000000001.trace.json'];
    for (const n of names) writeFileSync(join(dir, n), readFileSync(join(src, n)));
    const replay = (runtime: string, score: number) => ({
      schema: 'alr.replay.v1',
      runtime,
      episodes: names.map((n, i) => ({
        source: `knapsack/${n}`,
        replay_score: score + i / 10,
        replay_solved: false,
      })),
    });
    writeFileSync(join(dir, 'replay_persistent.json'), JSON.stringify(replay('persistent', 0.5)));
    // A replay under the other runtime is a counterfactual, never the episode's score.
    writeFileSync(join(dir, 'replay_stateless.json'), JSON.stringify(replay('stateless', 0.1)));
    const { episodes, conditions } = await computeMetrics([join(tmp, 'released')], { analyzer: null });
    assert.equal(conditions[0]?.train, 'persistent');
    assert.equal(conditions[0]?.difficulty, 'easy');
    assert.deepEqual(
      episodes.map((e) => [e.metrics.score, e.metrics.score_source]),
      [
        [0.5, 're-execution'],
        [0.6, 're-execution'],
      ],
    );
  });

  it('reads a traces.jsonl dataset, one trace per line', async () => {
    const dir = join(tmp, 'jsonl');
    mkdirSync(dir, { recursive: true });
    const lines = [0, 1, 2].map((i) =>
      JSON.stringify({ task_id: `knapsack-000000000${i}`, ...makeTrace([{ code: 'x = 1' }], {}, false) }),
    );
    writeFileSync(join(dir, 'traces.jsonl'), `${lines.join('\n')}\n`);
    const { episodes } = await computeMetrics([join(dir, 'traces.jsonl')], { analyzer: stubAnalyzer });
    assert.deepEqual(
      episodes.map((e) => e.metrics.task_id),
      ['knapsack-0000000000', 'knapsack-0000000001', 'knapsack-0000000002'],
    );
    assert.equal(episodes[0]?.metrics.wall_time_s, 30);
  });

  it('reads fine-tuning JSONL lines (messages) as traces', async (_t) => {
    const file = join(referenceFixtures, 'training-export', 'expected', 'traces.jsonl');
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    const { episodes } = await computeMetrics([file], { analyzer: stubAnalyzer });
    assert.equal(episodes.length, lines.length);
    lines.forEach((line, i) => {
      const messages = JSON.parse(line).messages as Array<{ role: string; content: string }>;
      const m = episodes[i]?.metrics;
      assert.equal(m?.steps, messages.filter((x) => x.role === 'assistant').length);
      assert.equal(m?.total_tokens, null);
      assert.equal(m?.tool_calls, null);
      const nameErrorObs = messages.filter(
        (x) => x.role === 'user' && /^\{"error": .*NameError/.test(x.content),
      ).length;
      assert.equal(m?.name_errors, nameErrorObs);
    });
    assert.ok(episodes.every((e) => e.steps.some((s) => s.code !== null)));

    // A hand-made line whose second step fails with a NameError, in a stateless runtime.
    const dir = join(tmp, 'messages');
    mkdirSync(dir, { recursive: true });
    const fence = (code: string) => `Plan.\n\n\`\`\`python\n${code}\n\`\`\``;
    const record = {
      messages: [
        { role: 'system', content: 'Runtime state: Python variables DO NOT persist across code blocks.' },
        { role: 'user', content: 'goal' },
        { role: 'assistant', content: fence('ids = json.loads(list_items())') },
        { role: 'user', content: JSON.stringify({ output: '3\n' }) },
        { role: 'assistant', content: fence('print(ids)') },
        {
          role: 'user',
          content: JSON.stringify({
            error: "Traceback (most recent call last):\nNameError: name 'ids' is not defined",
          }),
        },
        { role: 'assistant', content: 'Done, no code.' },
      ],
    };
    writeFileSync(join(dir, 'traces.jsonl'), `${JSON.stringify(record)}\n`);
    const one = await computeMetrics([join(dir, 'traces.jsonl')], { analyzer: stubAnalyzer });
    const m = one.episodes[0]?.metrics;
    assert.equal(one.conditions[0]?.runtime, 'stateless');
    assert.equal(m?.steps, 3);
    assert.equal(m?.name_errors, 1);
    assert.equal(m?.error_steps, 1);
    assert.equal(m?.state_utilization, 0);
    assert.equal(m?.symbol_lifespan, 1);
  });

  it('names the file and field of a malformed trace', async () => {
    const dir = join(tmp, 'bad');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'knapsack-knapsack-0000000000.trace.json'),
      JSON.stringify({ summary: {}, events: 'no' }),
    );
    await assert.rejects(
      computeMetrics([dir], { analyzer: null }),
      /knapsack-knapsack-0000000000\.trace\.json: field 'events'/,
    );
  });
});
