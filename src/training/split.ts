// Deterministic train/validation split by task id, so that exports of the persistent and the
// stateless runs put the same tasks on the same side.
import { createHash } from 'node:crypto';

/** A number in [0, 1) fixed by (seed, task id). */
export function taskSplitPoint(taskId: string, seed: number): number {
  const digest = createHash('sha256').update(`${seed}:${taskId}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

export function isValidationTask(taskId: string, valFraction: number, seed: number): boolean {
  return valFraction > 0 && taskSplitPoint(taskId, seed) < valFraction;
}
