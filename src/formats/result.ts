// The episode result file (`<family>-<task_id>.json`): the reference's keys plus our `alr` block.
// Written by the runner (reference byte layout); read here, loosely, so that reference files, older
// runs and newer optional fields all pass.
import { z } from '../util/zod.js';
import { parseWith, readJsonFile } from './json-file.js';
import { recordedRuntimeSchema } from './runtime-mode.js';
import { tokenUsageSchema } from './token-usage.js';

export const resultFileSchema = z.looseObject({
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
      runtime: recordedRuntimeSchema.optional(),
      agent: z.string().optional(),
      model: z.looseObject({ name: z.string(), kind: z.string() }).optional(),
      stop_reason: z.string().nullish(),
      terminated: z.boolean().optional(),
      truncated: z.boolean().optional(),
      steps: z.number().nullish(),
      token_usage: tokenUsageSchema.nullish(),
      wall_time_s: z.number().nullish(),
    })
    .optional(),
});
export type ResultFile = z.infer<typeof resultFileSchema>;

/** Validates a parsed result file. */
export function parseResultFile(value: unknown, file: string): ResultFile {
  return parseWith(resultFileSchema, value, file);
}

export function readResultFile(file: string): ResultFile {
  return readJsonFile(resultFileSchema, file);
}
