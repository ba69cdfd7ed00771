/**
 * Which tasks a run visits: the reference's order (families in config order, files sorted within a
 * family), `--limit N` (the reference's `--max-examples`: the first N per family), and `--shard i/n`
 * (a deterministic partition, so that several machines can split one run and merge outputs by file).
 */
import { InputError } from '../util/errors.js';
import type { FamilyName } from './config.js';

export interface TaskRef {
  family: FamilyName;
  /** The file stem, e.g. `knapsack-0000000042`. */
  taskId: string;
  file: string;
}

export interface Shard {
  /** 1-based index of this shard. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index < 1 || index > count)
    throw new InputError(`--shard expects i/n with 1 <= i <= n (e.g. 1/4), got '${text}'`);
  return { index, count };
}

/** First `limit` tasks of each family (the input is grouped by family, in run order). */
export function limitPerFamily(tasks: TaskRef[], limit: number | undefined): TaskRef[] {
  if (limit === undefined) return tasks;
  const taken = new Map<string, number>();
  return tasks.filter((t) => {
    const n = taken.get(t.family) ?? 0;
    taken.set(t.family, n + 1);
    return n < limit;
  });
}

/**
 * Round-robin over the whole ordered task list: shard i of n takes positions i-1, i-1+n, …
 * Every task lands in exactly one shard, and shards stay balanced across families.
 */
export function shardTasks(tasks: TaskRef[], shard: Shard | undefined): TaskRef[] {
  if (!shard) return tasks;
  return tasks.filter((_, position) => position % shard.count === shard.index - 1);
}
