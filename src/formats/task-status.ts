// `task_status_<agent>-<family>.json`: how many episodes ended in each status (completed, timeout,
// error, skipped), as the reference writes it.
import { z } from '../util/zod.js';
import { readJsonFile } from './json-file.js';

export const taskStatusFileSchema = z.record(z.string(), z.number().int().nonnegative());
export type TaskStatusFile = z.infer<typeof taskStatusFileSchema>;

export function readTaskStatusFile(file: string): TaskStatusFile {
  return readJsonFile(taskStatusFileSchema, file);
}
