// Builds small run folders in our trace format (alr.messages, StepEvent extras) for the tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pyJsonDumps } from '../../src/python/json.js';
import type { RuntimeMode } from '../../src/runtime/spec.js';
import { scratchDir } from '../helpers/scratch.js';

export interface StepSpec {
  text: string;
  code: string | null;
  /** The user message appended after the step (null: nothing appended). */
  observation: string | null;
  globalsMessage?: string | null;
  /** The turn's thinking, as a reasoning model's trace records it. */
  reasoning?: string;
}

export interface EpisodeSpec {
  taskId: string;
  runtime: RuntimeMode;
  agent: string;
  steps: StepSpec[];
  /** A user message inserted before step i (e.g. "LLM Call Failed: ..."), keyed by step index. */
  failures?: Record<number, string>;
  /** A transient globals message sent with a request that failed (no reply followed). */
  status?: string;
  solved?: boolean;
  score?: number;
  capacity?: number;
  weightUsed?: number;
  inspected?: number;
  totalTokens?: number | null;
}

export const SYSTEM_PROMPTS = [
  'You are a careful agent that writes one Python block per turn.',
  'Runtime note for the test.',
];
export const GOAL = 'Goal: pick items under capacity 10.';

function obs(output: string): string {
  return pyJsonDumps({ success: true, result: null, output, error: null });
}

export { obs as observationJson };

export function traceFor(spec: EpisodeSpec): Record<string, unknown> {
  const messages: Record<string, unknown>[] = SYSTEM_PROMPTS.map((content) => ({ role: 'system', content }));
  messages.push({ role: 'user', content: GOAL });
  const events: Record<string, unknown>[] = [
    { type: 'StartEvent', data: { task: GOAL }, timestamp: '2026-01-01T00:00:00' },
    { type: 'SystemPromptEvent', data: { prompts: SYSTEM_PROMPTS }, timestamp: '2026-01-01T00:00:00' },
  ];
  spec.steps.forEach((step, i) => {
    const failure = spec.failures?.[i];
    if (failure) {
      if (spec.runtime === 'persistent')
        messages.push({ role: 'user', content: 'Python interpreter globals: []', transient: true });
      messages.push({ role: 'user', content: failure });
      events.push({ type: 'ErrorEvent', data: { error: failure }, timestamp: '2026-01-01T00:00:01' });
    }
    if (step.globalsMessage) messages.push({ role: 'user', content: step.globalsMessage, transient: true });
    messages.push({
      role: 'assistant',
      content: step.text,
      ...(step.reasoning !== undefined && { reasoning: step.reasoning }),
    });
    if (step.observation !== null) messages.push({ role: 'user', content: step.observation });
    events.push({
      type: 'StepEvent',
      data: {
        turn: i,
        assistant_text: step.text,
        code: step.code,
        interpreter_result: step.code ? { success: true, result: null, output: 'x', error: null } : null,
        token_usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        observation: step.observation,
        globals_message: step.globalsMessage ?? null,
        globals: [],
        tool_calls: step.code
          ? [{ tool: 'list_items', args: {}, ok: true, result: '[]', duration_ms: 1 }]
          : [],
        error_type: null,
        duration_ms: 1,
        incidents: [],
        ...(step.reasoning !== undefined && { reasoning: step.reasoning }),
      },
      timestamp: '2026-01-01T00:00:02',
    });
  });
  const total = spec.totalTokens === undefined ? 15 * spec.steps.length : spec.totalTokens;
  return {
    started_at: '2026-01-01T00:00:00',
    finished_at: '2026-01-01T00:00:03',
    summary: {
      task: GOAL,
      system_prompts: SYSTEM_PROMPTS,
      num_steps: spec.steps.length,
      finish_reason: 'finish_tool',
      errors: [],
      token_usage:
        total === null ? null : { prompt_tokens: total, completion_tokens: 0, total_tokens: total },
    },
    events,
    alr: {
      schema: 'alr.trace.v1',
      task_id: spec.taskId,
      family: 'knapsack',
      seed: 7,
      task_file: `tasks/knapsack/${spec.taskId}.json`,
      runtime: spec.runtime,
      agent: spec.agent,
      model: { name: `scripted-${spec.runtime}`, kind: 'scripted' },
      backend: 'pyodide',
      compat: 'default',
      globals_message: 'persistent',
      stop_reason: 'finish_tool',
      terminated: true,
      truncated: false,
      wall_time_s: 1.5,
      messages,
    },
  };
}

export function resultFor(spec: EpisodeSpec): Record<string, unknown> {
  return {
    status: spec.status ?? 'completed',
    error: null,
    result: {
      is_solved: spec.solved ?? true,
      score: spec.score ?? 1,
      metrics: {
        weight_used: spec.weightUsed ?? 8,
        capacity: spec.capacity ?? 10,
        inspected_count: spec.inspected ?? 4,
      },
    },
    finished_at: 2,
    started_at: 1,
  };
}

/** Writes a run folder with the reference layout and our run.json; returns its path. */
export function buildRun(episodes: EpisodeSpec[], name = 'run'): string {
  const root = scratchDir('training');
  const runDir = join(root, name);
  const agents = new Map<string, RuntimeMode>();
  for (const ep of episodes) {
    agents.set(ep.agent, ep.runtime);
    const dir = join(runDir, 'results', ep.agent, 'knapsack');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `knapsack-${ep.taskId}.trace.json`), JSON.stringify(traceFor(ep), null, 2));
    writeFileSync(join(dir, `knapsack-${ep.taskId}.json`), JSON.stringify(resultFor(ep), null, 2));
  }
  writeFileSync(
    join(runDir, 'run.json'),
    JSON.stringify({
      schema: 'alr.run.v1',
      run_name: name,
      tasks_dir: 'tasks',
      task_set: 'test',
      agents: [...agents].map(([agentName, runtime]) => ({
        name: agentName,
        model: { name: `scripted-${runtime}`, kind: 'scripted' },
        runtime,
        max_turns: 10,
        max_tool_calls: 25,
        policy_style: runtime,
      })),
      created_at: '2026-01-01T00:00:00Z',
      alr_version: '0.1.0',
    }),
  );
  return runDir;
}

export function persistentEpisode(taskId: string, extra: Partial<EpisodeSpec> = {}): EpisodeSpec {
  return {
    taskId,
    runtime: 'persistent',
    agent: 'teacher-persistent',
    steps: [
      {
        text: `Listing items for ${taskId}.\n\n\`\`\`python\nids = json.loads(list_items())\nprint(len(ids))\n\`\`\``,
        code: 'ids = json.loads(list_items())\nprint(len(ids))',
        observation: obs('5\n'),
        globalsMessage: 'Python interpreter globals: []',
      },
      {
        text: 'Inspecting.\n\n```python\ninfo = {i: json.loads(inspect(i)) for i in ids}\nprint(info)\n```',
        code: 'info = {i: json.loads(inspect(i)) for i in ids}\nprint(info)',
        observation: obs('{...}\n'),
        globalsMessage: 'Python interpreter globals: ["ids"]',
      },
      {
        text: 'Done.\n\n```python\nfinish()\n```',
        code: 'finish()',
        observation: obs(''),
        globalsMessage: 'Python interpreter globals: ["ids", "info"]',
      },
    ],
    ...extra,
  };
}
