/**
 * `--shard auto`: the shard of this process, read from the cluster engine that started it. A Slurm
 * job array sets SLURM_ARRAY_TASK_ID (with _MIN and _COUNT); a Kubernetes indexed Job sets
 * JOB_COMPLETION_INDEX, whose completion count the pod does not see (so it comes from --shard-count
 * or ALR_SHARD_COUNT).
 */
import { InputError } from '../util/errors.js';
import type { Shard } from './task-selection.js';

type Env = Record<string, string | undefined>;

function nonNegativeInt(env: Env, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text.trim()))
    throw new InputError(`${name} must be a non-negative integer, got '${text}'`);
  return Number(text.trim());
}

function shardCountFrom(explicit: number | undefined, env: Env): number | undefined {
  if (explicit !== undefined) return explicit;
  const fromEnv = nonNegativeInt(env, 'ALR_SHARD_COUNT');
  if (fromEnv === 0) throw new InputError('ALR_SHARD_COUNT must be at least 1');
  return fromEnv;
}

/** The 1-based shard of this process; `shardCount` is the --shard-count flag, when given. */
export function shardFromEnvironment(env: Env = process.env, shardCount?: number): Shard {
  const slurmId = nonNegativeInt(env, 'SLURM_ARRAY_TASK_ID');
  if (slurmId !== undefined) {
    const min = nonNegativeInt(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
    const count = nonNegativeInt(env, 'SLURM_ARRAY_TASK_COUNT');
    if (count === undefined || count < 1)
      throw new InputError('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not');
    const wanted = shardCountFrom(shardCount, env);
    if (wanted !== undefined && wanted !== count)
      throw new InputError(
        `--shard auto: the Slurm array has ${count} task(s) (SLURM_ARRAY_TASK_COUNT) but the shard count is ${wanted} (--shard-count or ALR_SHARD_COUNT)`,
      );
    const index = slurmId - min;
    // Arrays with gaps or steps (--array=0,4 or 0-10:2) would leave shards unplayed.
    if (index < 0 || index >= count)
      throw new InputError(
        `--shard auto: array task ${slurmId} is outside ${min}..${min + count - 1}; submit the array with contiguous indices (e.g. --array=0-${count - 1})`,
      );
    return { index: index + 1, count };
  }
  const k8sIndex = nonNegativeInt(env, 'JOB_COMPLETION_INDEX');
  if (k8sIndex !== undefined) {
    const count = shardCountFrom(shardCount, env);
    if (count === undefined)
      throw new InputError(
        "--shard auto: JOB_COMPLETION_INDEX is set, but the number of shards is unknown; pass --shard-count N or set ALR_SHARD_COUNT (the Job's completions)",
      );
    if (k8sIndex >= count)
      throw new InputError(
        `--shard auto: JOB_COMPLETION_INDEX ${k8sIndex} is not below the shard count ${count}`,
      );
    return { index: k8sIndex + 1, count };
  }
  throw new InputError(
    '--shard auto: no shard in the environment: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes indexed Job) is set; use --shard i/n outside a cluster',
  );
}
