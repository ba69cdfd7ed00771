// Schemas of the files the metrics read: reference trace/result/summary files plus our `alr` additions.
// Loose on purpose: extra fields are allowed, and only what the metrics use is checked.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { runtimeNameSchema } from '../runtime/schema.js';
import { InputError } from '../util/errors.js';

const tokenUsage = z.looseObject({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
});

const toolCall = z.looseObject({
  tool: z.string(),
  args: z.unknown(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z.string().optional(),
  duration_ms: z.number().optional(),
});

export const stepEventData = z.looseObject({
  turn: z.number(),
  assistant_text: z.string().nullish(),
  code: z.string().nullish(),
  interpreter_result: z
    .looseObject({
      success: z.boolean().optional(),
      output: z.string().nullish(),
      error: z.string().nullish(),
    })
    .nullish(),
  token_usage: tokenUsage.nullish(),
  observation: z.string().nullish(),
  globals: z.array(z.string()).nullish(),
  tool_calls: z.array(toolCall).nullish(),
  error_type: z.string().nullish(),
  duration_ms: z.number().nullish(),
});
export type StepEventData = z.infer<typeof stepEventData>;

const alrTrace = z.looseObject({
  task_id: z.string().optional(),
  family: z.string().optional(),
  task_file: z.string().nullish(),
  runtime: runtimeNameSchema.optional(),
  agent: z.string().optional(),
  model: z.looseObject({ name: z.string(), kind: z.string() }).optional(),
  stop_reason: z.string().nullish(),
  wall_time_s: z.number().nullish(),
});

export const traceFile = z.looseObject({
  // Some released trace datasets carry the task id next to the trace; accept it when present.
  task_id: z.string().optional(),
  started_at: z.string().nullish(),
  finished_at: z.string().nullish(),
  summary: z.looseObject({
    task: z.string().nullish(),
    system_prompts: z.array(z.string()).nullish(),
    num_steps: z.number().nullish(),
    finish_reason: z.string().nullish(),
    errors: z.array(z.unknown()).nullish(),
    token_usage: tokenUsage.nullish(),
  }),
  events: z.array(z.looseObject({ type: z.string(), data: z.unknown() })),
  alr: alrTrace.optional(),
});
export type TraceFile = z.infer<typeof traceFile>;

export const resultFile = z.looseObject({
  status: z.string().nullish(),
  error: z.string().nullish(),
  result: z
    .looseObject({
      is_solved: z.boolean().nullish(),
      score: z.number().nullish(),
      metrics: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
  finished_at: z.number().nullish(),
  started_at: z.number().nullish(),
  alr: z
    .looseObject({
      task_id: z.string().optional(),
      family: z.string().optional(),
      runtime: runtimeNameSchema.optional(),
      agent: z.string().optional(),
      stop_reason: z.string().nullish(),
      steps: z.number().nullish(),
      token_usage: tokenUsage.nullish(),
      wall_time_s: z.number().nullish(),
    })
    .optional(),
});
export type ResultFile = z.infer<typeof resultFile>;

export const runFile = z.looseObject({
  schema: z.literal('alr.run.v1'),
  run_name: z.string(),
  tasks_dir: z.string().nullish(),
  task_set: z.string().nullish(),
  agents: z.array(
    z.looseObject({
      name: z.string(),
      model: z.looseObject({ name: z.string(), kind: z.string() }).optional(),
      runtime: runtimeNameSchema,
      policy_style: z.enum(['persistent', 'stateless']).nullish(),
    }),
  ),
});
export type RunFile = z.infer<typeof runFile>;

const statBlock = z.looseObject({
  mean: z.number().optional(),
  median: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});
export const summaryFile = z.looseObject({
  average_is_solved: z.number().optional(),
  average_runtime: z.number().optional(),
  average_steps: z.number().optional(),
  average_total_tokens: z.number().optional(),
  metrics: z.record(z.string(), statBlock).optional(),
  num_tasks_executed: z.number().optional(),
  num_tasks_solved: z.number().optional(),
});

/** Parses `text` with `schema`; a failure names the file and the first bad field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, file: string, fieldPrefix = ''): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = [fieldPrefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  throw new InputError(issue?.message ?? 'invalid content', file, field || undefined);
}

/** Reads and validates a JSON file. */
export function readJsonFile<T>(schema: z.ZodType<T>, file: string): T {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`not readable JSON (${(err as Error).message})`, file);
  }
  return parseWith(schema, value, file);
}
