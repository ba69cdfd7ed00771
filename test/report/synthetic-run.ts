// A small 2×2 run folder (reference layout + run.json + summaries), written from hand-made traces.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeResult, makeTrace, type StepSpec, writeRun } from '../metrics/fixtures.js';

export const AGENTS = [
  { name: 'p-on-p', style: 'persistent', runtime: 'persistent' },
  { name: 'p-on-s', style: 'persistent', runtime: 'stateless' },
  { name: 's-on-p', style: 'stateless', runtime: 'persistent' },
  { name: 's-on-s', style: 'stateless', runtime: 'stateless' },
] as const;

export const TASKS = [
  'knapsack-0000000000',
  'knapsack-0000000001',
  'knapsack-0000000002',
  'knapsack-0000000003',
  'knapsack-0000000004',
  'knapsack-0000000005',
];

/** Deterministic pseudo-random numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function steps(style: string, runtime: string, n: number): StepSpec[] {
  const out: StepSpec[] = [];
  for (let i = 0; i < n; i++) {
    if (style === 'persistent') {
      const code =
        i === 0
          ? 'ids = json.loads(list_items())'
          : i === n - 1
            ? 'finish()'
            : `info${i} = len(ids)\nprint(info${i}, ids)`;
      const failing = runtime === 'stateless' && i > 0 && i < n - 1;
      out.push({
        code,
        globals:
          runtime === 'persistent' ? ['ids', ...Array.from({ length: i }, (_, k) => `info${k + 1}`)] : [],
        ...(failing ? { error: "NameError: name 'ids' is not defined", error_type: 'NameError' } : {}),
        tool_calls: i === 0 ? [{ tool: 'list_items', args: {}, ok: true }] : [],
        tokens: [800 + 300 * i, 40],
      });
    } else {
      out.push({
        code: i === n - 1 ? 'import json\nfinish()' : `import json\nids = ['item_a', 'item_b']\nprint(ids)`,
        globals: [],
        tool_calls: [],
        tokens: [900 + 700 * i, 120],
        text: `Step ${i}: <re-declaring> what I learned & keeping it "self-contained".\n\`\`\`python\nimport json\n\`\`\``,
      });
    }
  }
  return out;
}

/** Writes the run under `root` and returns its folder. */
export function writeSyntheticRun(root: string): string {
  const rand = lcg(7);
  const runDir = writeRun(
    root,
    'synthetic',
    AGENTS.map((a) => ({
      name: a.name,
      runtime: a.runtime,
      style: a.style,
      episodes: TASKS.map((id, k) => {
        const score = k % 3 === 0 ? 1 : Math.round((0.55 + 0.4 * rand()) * 1e6) / 1e6;
        const trace = makeTrace(steps(a.style, a.runtime, 3 + ((k + a.name.length) % 4)), {
          task_id: id,
          family: 'knapsack',
          runtime: a.runtime,
          agent: a.name,
          model: { name: `scripted-${a.style}`, kind: 'scripted' },
        });
        const result = makeResult(score, score === 1, {
          agent_value: Math.round(score * 200),
          optimal_value: 200,
          weight_used: 30 + k,
          capacity: 40,
          inspected_count: 10 + k,
        });
        return { id, trace, result };
      }),
    })),
  );
  // Summaries as the runner writes them (the table reads these, like the reference script does).
  for (const a of AGENTS) {
    const dir = join(runDir, 'results', a.name, 'knapsack');
    const rs = TASKS.map((id) => ({ id, ...readJson(join(dir, `knapsack-${id}.json`)) }));
    const ts = TASKS.map((id) => readJson(join(dir, `knapsack-${id}.trace.json`)));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const scores = rs.map((r) => r.result.score as number);
    writeFileSync(
      join(runDir, `summary_${a.name}-knapsack.json`),
      JSON.stringify(
        {
          average_is_solved: rs.filter((r) => r.result.is_solved).length / rs.length,
          average_runtime: mean(rs.map((r) => r.finished_at - r.started_at)),
          average_steps: mean(ts.map((t) => t.summary.num_steps)),
          average_total_tokens: mean(ts.map((t) => t.summary.token_usage.total_tokens)),
          metrics: {
            score: { mean: mean(scores), median: 0, min: Math.min(...scores), max: Math.max(...scores) },
          },
          num_tasks_executed: rs.length,
          num_tasks_solved: rs.filter((r) => r.result.is_solved).length,
        },
        null,
        2,
      ),
    );
  }
  return runDir;
}

// biome-ignore lint/suspicious/noExplicitAny: test-only JSON reader
function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}
