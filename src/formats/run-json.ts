// `run.json`: what a run folder is (task set, agents and what played each: model, runtime, backend).
// Written at every start of `alr run`; read by the report for labels and by a re-run to keep the
// folder's identity.
import { z } from '../util/zod.js';
import { checkVersion, parseJsonText, parseWith, readJsonFile, writeJsonFile } from './json-file.js';
import { recordedRuntimeSchema, runtimeModeSchema } from './runtime-mode.js';

export const RUN_JSON_VERSION = 'alr.run.v1';

const runAgentSchema = z.looseObject({
  name: z.string(),
  model: z.looseObject({ name: z.string(), kind: z.string() }).optional(),
  runtime: recordedRuntimeSchema,
  /** Absent in folders written before it was recorded. */
  backend: z.string().optional(),
  max_turns: z.number().optional(),
  max_tool_calls: z.number().nullish(),
  policy_style: runtimeModeSchema.nullish(),
});

/** A change of what plays an agent that the user allowed explicitly (`alr run --relabel`). */
const identityChangeSchema = z.looseObject({
  at: z.string(),
  agent: z.string(),
  field: z.string(),
  from: z.unknown(),
  to: z.unknown(),
});

export const runJsonSchema = z.looseObject({
  schema: z.literal(RUN_JSON_VERSION),
  run_name: z.string(),
  tasks_dir: z.string().nullish(),
  task_set: z.string().nullish(),
  agents: z.array(runAgentSchema),
  created_at: z.string().optional(),
  alr_version: z.string().optional(),
  identity_changes: z.array(identityChangeSchema).optional(),
});

export type RunJson = z.infer<typeof runJsonSchema>;
export type RunJsonAgent = z.infer<typeof runAgentSchema>;
export type IdentityChange = z.infer<typeof identityChangeSchema>;

export function parseRunJson(value: unknown, file: string): RunJson {
  checkVersion(value, 'schema', [RUN_JSON_VERSION], file);
  return parseWith(runJsonSchema, value, file);
}

export function readRunJson(file: string): RunJson {
  const value = readJsonFile(z.unknown(), file);
  return parseRunJson(value, file);
}

export function parseRunJsonText(text: string, file: string): RunJson {
  return parseRunJson(parseJsonText(text, file), file);
}

export function writeRunJson(file: string, run: RunJson): void {
  writeJsonFile(file, run);
}
