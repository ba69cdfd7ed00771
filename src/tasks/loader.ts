import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseTaskFile, readTaskFile } from '../formats/task-file.js';
import { InputError } from '../util/errors.js';
import { TASK_FAMILIES, type TaskFamily } from './environment.js';
import type { Task } from './types.js';

/**
 * Validates a parsed task file. Accepts the reference layout and the released-dataset variant.
 * Throws InputError naming `path` and the field at fault.
 */
export function parseTask(json: unknown, path = '<task>'): Task {
  return parseTaskFile(json, path);
}

/** Reads and validates one task file. */
export function loadTask(path: string): Task {
  return readTaskFile(path);
}

function jsonFilesIn(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Task files under `tasksRoot`, in the reference runner's order: for each family in `families`
 * order (default knapsack, navigation, rule_diagnosis), `sorted(glob(<root>/tasks/<family>/*.json))`. Also accepts the released layout
 * (`<root>/<family>/*.json`) and a folder that directly holds task files. Names sort by UTF-16
 * code units, which equals Python's code-point order for the ASCII names tasks have.
 */
export function listTaskFiles(tasksRoot: string, families: readonly TaskFamily[] = TASK_FAMILIES): string[] {
  if (!existsSync(tasksRoot) || !statSync(tasksRoot).isDirectory())
    throw new InputError('tasks folder does not exist', tasksRoot);
  const base = existsSync(join(tasksRoot, 'tasks')) ? join(tasksRoot, 'tasks') : tasksRoot;
  const byFamily = families.flatMap((family) => jsonFilesIn(join(base, family)));
  if (byFamily.length > 0 || families.some((f) => existsSync(join(base, f)))) return byFamily;
  const direct = jsonFilesIn(tasksRoot);
  if (families.length === TASK_FAMILIES.length) return direct;
  // A flat folder: keep only the requested families, judged by the file name prefix.
  return direct.filter((path) => families.some((f) => basename(path).startsWith(`${f}-`)));
}
