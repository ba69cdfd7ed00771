/** The task files of one family, in the reference's order, as the scheduler's task references. */
import { basename } from 'node:path';
import { listTaskFiles } from '../tasks/index.js';
import type { FamilyName } from './config.js';
import type { TaskRef } from './task-selection.js';

export function listFamilyTasks(tasksDir: string, family: FamilyName): TaskRef[] {
  return listTaskFiles(tasksDir, [family]).map((file) => ({ family, taskId: basename(file, '.json'), file }));
}
