// `summary_<agent>-<family>.json`: the reference's per agent × family summary (written by the
// runner in the reference's byte layout). Read loosely: only the fields the report shows are checked.
import { z } from '../util/zod.js';
import { readJsonFile } from './json-file.js';

const statBlockSchema = z.looseObject({
  mean: z.number().optional(),
  median: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

export const summaryFileSchema = z.looseObject({
  average_is_solved: z.number().optional(),
  average_runtime: z.number().optional(),
  average_steps: z.number().optional(),
  average_total_tokens: z.number().optional(),
  metrics: z.record(z.string(), statBlockSchema).optional(),
  num_tasks_executed: z.number().optional(),
  num_tasks_solved: z.number().optional(),
});
export type SummaryFile = z.infer<typeof summaryFileSchema>;

export function readSummaryFile(file: string): SummaryFile {
  return readJsonFile(summaryFileSchema, file);
}
