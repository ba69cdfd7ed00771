// Recomputes a knapsack episode's outcome when no result file exists (released trace datasets ship
// traces only): the successful take_item calls of the tool log, applied to the task file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolCallRecord } from '../sandbox/interpreter.js';
import { z } from '../util/zod.js';
import { readJsonFile } from './files.js';

const knapsackTask = z.looseObject({
  public: z.looseObject({ capacity: z.number() }),
  private: z.looseObject({
    items: z.record(z.string(), z.looseObject({ weight: z.number(), value: z.number() })),
  }),
  reference: z.looseObject({ optimal_value: z.number() }),
});

export interface ReplayedOutcome {
  score: number;
  solved: boolean;
  weight_used: number;
  capacity: number;
  inspected_count: number;
}

/** Where a task file may live under a `--tasks` folder (generator layout, flat family folder, flat). */
export function findTaskFile(tasksDir: string, family: string, taskId: string): string | null {
  for (const candidate of [
    join(tasksDir, 'tasks', family, `${taskId}.json`),
    join(tasksDir, family, `${taskId}.json`),
    join(tasksDir, `${taskId}.json`),
  ]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function itemIdOf(args: unknown): string | null {
  if (Array.isArray(args)) return typeof args[0] === 'string' ? args[0] : null;
  if (args && typeof args === 'object') {
    const v = (args as Record<string, unknown>).item_id;
    return typeof v === 'string' ? v : null;
  }
  return null;
}

/** The outcome the logged calls reach on the task in `taskFile` (knapsack only). */
export function replayKnapsackOutcome(taskFile: string, calls: readonly ToolCallRecord[]): ReplayedOutcome {
  const task = readJsonFile(knapsackTask, taskFile);
  let value = 0;
  let weight = 0;
  const inspected = new Set<string>();
  for (const call of calls) {
    if (!call.ok) continue;
    const id = itemIdOf(call.args);
    if (id === null) continue;
    if (call.tool === 'inspect') inspected.add(id);
    if (call.tool !== 'take_item') continue;
    const item = task.private.items[id];
    if (!item) continue;
    value += item.value;
    weight += item.weight;
  }
  const optimal = task.reference.optimal_value;
  const capacity = task.public.capacity;
  if (weight > capacity)
    return { score: 0, solved: false, weight_used: weight, capacity, inspected_count: inspected.size };
  const score = optimal > 0 ? value / optimal : value === 0 ? 1 : 0;
  return {
    score,
    solved: optimal - value <= 0,
    weight_used: weight,
    capacity,
    inspected_count: inspected.size,
  };
}
