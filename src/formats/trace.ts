// The episode trace (`<family>-<task_id>.trace.json`): the reference's summary and events, plus our
// `alr` block tagged `alr.trace.v1`. Loose on purpose: reference traces, released datasets and newer
// optional fields (per-turn reasoning, new stop reasons, runtime notes) all pass; only what readers
// use is checked, and a version tag this alr does not know is refused.
import { z } from '../util/zod.js';
import { checkVersion, parseJsonText, parseWith, readJsonFile } from './json-file.js';
import { recordedRuntimeSchema } from './runtime-mode.js';
import { tokenUsageSchema } from './token-usage.js';

export const TRACE_VERSION = 'alr.trace.v1';

const toolCallSchema = z.looseObject({
  tool: z.string(),
  args: z.unknown(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z.string().optional(),
  duration_ms: z.number().optional(),
});

/** The data of one StepEvent: the model's turn, the code it ran and what came back. */
export const stepEventDataSchema = z.looseObject({
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
  token_usage: tokenUsageSchema.nullish(),
  observation: z.string().nullish(),
  globals: z.array(z.string()).nullish(),
  tool_calls: z.array(toolCallSchema).nullish(),
  error_type: z.string().nullish(),
  /** The model's thinking for this turn (reasoning models), kept apart from the answer. */
  reasoning: z.string().nullish(),
  duration_ms: z.number().nullish(),
  /** The transient "Python interpreter globals" message sent with this turn's request, if any. */
  globals_message: z.string().nullish(),
});
export type StepEventData = z.infer<typeof stepEventDataSchema>;

/** A message the model saw, in order; `transient` marks a message sent with one request only. */
export const traceMessageSchema = z.looseObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
  transient: z.literal(true).optional(),
  /** An assistant turn's thinking (reasoning models), recorded apart from its content. */
  reasoning: z.string().optional(),
});
export type TraceMessage = z.infer<typeof traceMessageSchema>;

const alrTraceSchema = z.looseObject({
  schema: z.literal(TRACE_VERSION).optional(),
  task_id: z.string().optional(),
  family: z.string().optional(),
  seed: z.number().nullish(),
  task_file: z.string().nullish(),
  runtime: recordedRuntimeSchema.optional(),
  agent: z.string().optional(),
  model: z.looseObject({ name: z.string(), kind: z.string() }).optional(),
  backend: z.string().optional(),
  compat: z.string().optional(),
  globals_message: z.string().optional(),
  stop_reason: z.string().nullish(),
  terminated: z.boolean().optional(),
  truncated: z.boolean().optional(),
  wall_time_s: z.number().nullish(),
  /** The conversation the model saw, turn by turn (absent in reference traces). */
  messages: z.array(traceMessageSchema).optional(),
});
export type TraceAlrBlock = z.infer<typeof alrTraceSchema>;

export const traceFileSchema = z.looseObject({
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
    token_usage: tokenUsageSchema.nullish(),
  }),
  events: z.array(z.looseObject({ type: z.string(), data: z.unknown() })),
  alr: alrTraceSchema.optional(),
});
export type TraceFile = z.infer<typeof traceFileSchema>;
export type TraceEvent = TraceFile['events'][number];

/**
 * The StepEvent payloads of a trace, in order (a payload that is not a step's shape is left out).
 * Each is the recorded object itself, checked against the schema: zod's copy would put unknown keys
 * last, and a recorded interpreter result is compared key by key with a replayed one.
 */
export function stepEvents(trace: TraceFile): StepEventData[] {
  const steps: StepEventData[] = [];
  for (const event of trace.events) {
    if (event.type === 'StepEvent' && stepEventDataSchema.safeParse(event.data).success)
      steps.push(event.data as StepEventData);
  }
  return steps;
}

/** Validates a parsed trace; `fieldPrefix` places it inside a bigger file (a line of a .jsonl). */
export function parseTrace(value: unknown, file: string, fieldPrefix = ''): TraceFile {
  const alr = typeof value === 'object' && value !== null ? (value as { alr?: unknown }).alr : undefined;
  checkVersion(alr, 'schema', [TRACE_VERSION], file, 'alr.schema');
  return parseWith(traceFileSchema, value, file, fieldPrefix);
}

export function readTraceFile(file: string): TraceFile {
  return parseTrace(readJsonFile(z.unknown(), file), file);
}

export function parseTraceText(text: string, file: string): TraceFile {
  return parseTrace(parseJsonText(text, file), file);
}
