// The restart draws of `persistent:restart=P,seed=S`: one uniform number per (seed, task, step),
// derived by hashing, so that a run, a re-run and a replay of the same task see the same restarts
// whatever ran before or concurrently.
import { createHash } from 'node:crypto';

/** A uniform number in [0, 1) for this seed, task and 1-based step. */
export function restartDraw(seed: number, taskId: string, step: number): number {
  const digest = createHash('sha256').update(`alr-restart\n${seed}\n${taskId}\n${step}`).digest();
  // 53 random bits, the precision of a double.
  return Number(digest.readBigUInt64BE(0) >> 11n) / 2 ** 53;
}

/** Whether the interpreter restarts before this step (never before the first). */
export function restartsBefore(probability: number, seed: number, taskId: string, step: number): boolean {
  if (step <= 1 || probability <= 0) return false;
  return restartDraw(seed, taskId, step) < probability;
}
