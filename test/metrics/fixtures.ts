// Hand-made traces and a tiny stand-in for the sandbox's Python-ast analyzer (tests only).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeMode } from '../../src/runtime/spec.js';
import type { CodeAnalysis } from '../../src/sandbox/interpreter.js';

const BUILTINS = new Set([
  'print',
  'len',
  'range',
  'sorted',
  'sum',
  'max',
  'min',
  'int',
  'str',
  'dict',
  'list',
  'True',
  'False',
  'None',
  'in',
  'for',
  'if',
  'not',
  'and',
  'or',
  'lambda',
]);

/**
 * Understands one statement per line: `import m`, `from m import n`, `a, b = expr`, `for a in expr:`,
 * or an expression. Enough for the hand-made traces here; the real analyzer is Python's `ast`.
 */
export async function stubAnalyzer(blocks: string[]): Promise<CodeAnalysis[]> {
  return blocks.map((code) => {
    if (code.includes('SYNTAX ERROR')) return { parsed: false, bound: [], loaded: [], imports: [], free: [] };
    const bound: string[] = [];
    const loaded: string[] = [];
    const imports: string[] = [];
    const free: string[] = [];
    const load = (expr: string) => {
      const cleaned = expr.replace(/'[^']*'|"[^"]*"/g, ' ');
      for (const m of cleaned.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
        const name = m[0];
        if (BUILTINS.has(name)) continue;
        if (cleaned[(m.index ?? 0) - 1] === '.') continue;
        loaded.push(name);
        if (!bound.includes(name) && !free.includes(name)) free.push(name);
      }
    };
    for (const raw of code.split('\n')) {
      const line = raw.trim();
      const imp = /^import ([\w.]+)$/.exec(line);
      const from = /^from ([\w.]+) import (\w+)$/.exec(line);
      const loop = /^for ([\w, ]+) in (.+):$/.exec(line);
      const assign = /^([\w, ]+?)\s*=(?!=)\s*(.+)$/.exec(line);
      if (imp) {
        imports.push(imp[1] as string);
        bound.push((imp[1] as string).split('.')[0] as string);
      } else if (from) {
        imports.push(from[1] as string);
        bound.push(from[2] as string);
      } else if (loop) {
        load(loop[2] as string);
        for (const t of (loop[1] as string).split(',')) bound.push(t.trim());
      } else if (assign) {
        load(assign[2] as string);
        for (const t of (assign[1] as string).split(',')) bound.push(t.trim());
      } else if (line) load(line);
    }
    return { parsed: true, bound: [...new Set(bound)], loaded: [...new Set(loaded)], imports, free };
  });
}

export interface StepSpec {
  code: string | null;
  error?: string | null;
  error_type?: string | null;
  globals?: string[];
  tool_calls?: Array<{ tool: string; args: unknown; ok: boolean; error?: string }>;
  tokens?: [number, number];
  text?: string;
}

/** A trace in the agreed format (reference keys plus `alr`), built from step specs. */
export function makeTrace(
  steps: StepSpec[],
  alr: Record<string, unknown> = {},
  withAlr = true,
): Record<string, unknown> {
  let p = 0;
  let c = 0;
  const events: unknown[] = [
    { type: 'StartEvent', data: { task: 'goal' }, timestamp: '2026-01-01T00:00:00' },
  ];
  steps.forEach((s, turn) => {
    const [pt, ct] = s.tokens ?? [100, 10];
    p += pt;
    c += ct;
    const failed = s.error !== undefined && s.error !== null;
    const data: Record<string, unknown> = {
      turn,
      assistant_text: s.text ?? `step ${turn}\n\`\`\`python\n${s.code ?? ''}\n\`\`\``,
      code: s.code,
      interpreter_result:
        s.code === null
          ? s.error
            ? { error: s.error }
            : null
          : { success: !failed, result: null, output: '', error: failed ? s.error : null },
      token_usage: { prompt_tokens: pt, completion_tokens: ct, total_tokens: pt + ct },
    };
    if (withAlr) {
      data.observation = '{}';
      data.globals = s.globals ?? [];
      data.tool_calls = (s.tool_calls ?? []).map((t) => ({ duration_ms: 1, ...t }));
      data.error_type = s.error_type ?? null;
      data.duration_ms = 5;
    }
    events.push({ type: 'StepEvent', data, timestamp: '2026-01-01T00:00:01' });
  });
  const trace: Record<string, unknown> = {
    started_at: '2026-01-01T00:00:00',
    finished_at: '2026-01-01T00:00:30',
    summary: {
      task: 'goal',
      system_prompts: ['sys'],
      num_steps: steps.length,
      finish_reason: 'finish_tool',
      errors: [],
      token_usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c },
    },
    events,
  };
  if (withAlr) trace.alr = { schema: 'alr.trace.v1', stop_reason: 'finish_tool', wall_time_s: 12.5, ...alr };
  return trace;
}

export function makeResult(
  score: number,
  solved: boolean,
  metrics: Record<string, number> = {},
): Record<string, unknown> {
  return {
    status: 'completed',
    error: null,
    result: { is_solved: solved, score, metrics },
    finished_at: 110.5,
    started_at: 100,
  };
}

/** Writes a run folder in the reference layout with a run.json; returns its path. */
export function writeRun(
  root: string,
  runName: string,
  agents: Array<{
    name: string;
    runtime: RuntimeMode;
    style: RuntimeMode;
    episodes: Array<{ id: string; trace?: unknown; result?: unknown }>;
  }>,
  taskSet = 'easy',
): string {
  const runDir = join(root, runName);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(
    join(runDir, 'run.json'),
    JSON.stringify({
      schema: 'alr.run.v1',
      run_name: runName,
      tasks_dir: 'tasks',
      task_set: taskSet,
      agents: agents.map((a) => ({
        name: a.name,
        model: { name: `scripted-${a.style}`, kind: 'scripted' },
        runtime: a.runtime,
        max_turns: 40,
        max_tool_calls: 25,
        policy_style: a.style,
      })),
      created_at: '2026-01-01T00:00:00Z',
      alr_version: '0.1.0',
    }),
  );
  for (const a of agents) {
    const dir = join(runDir, 'results', a.name, 'knapsack');
    mkdirSync(dir, { recursive: true });
    for (const ep of a.episodes) {
      if (ep.trace)
        writeFileSync(join(dir, `knapsack-${ep.id}.trace.json`), JSON.stringify(ep.trace, null, 2));
      if (ep.result) writeFileSync(join(dir, `knapsack-${ep.id}.json`), JSON.stringify(ep.result, null, 2));
    }
  }
  return runDir;
}
