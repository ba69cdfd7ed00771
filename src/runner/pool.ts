/**
 * Bounded concurrency over a job list: at most `concurrency` jobs run at once, jobs start in list
 * order, and once `stop` is raised no new job starts (running ones finish). Results keep list order;
 * a job never started is reported as undefined. A job that throws stops the pool the same way, then
 * its error is thrown.
 */
export interface PoolOptions {
  concurrency: number;
  /** Checked before each job starts. */
  shouldStop?: () => boolean;
}

export async function runPool<J, R>(
  jobs: readonly J[],
  worker: (job: J, index: number) => Promise<R>,
  options: PoolOptions,
): Promise<Array<R | undefined>> {
  const results: Array<R | undefined> = new Array(jobs.length).fill(undefined);
  let next = 0;
  let failed = false;
  const lanes = Math.max(1, Math.min(options.concurrency, jobs.length));
  async function lane(): Promise<void> {
    while (next < jobs.length && !failed && !options.shouldStop?.()) {
      const index = next++;
      try {
        results[index] = await worker(jobs[index], index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  }
  // After a failure no job starts, but running ones finish before the error is passed on: the
  // caller may then tear down what they use (an episode cut short by that would be misrecorded).
  const settled = await Promise.allSettled(Array.from({ length: lanes }, lane));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
}
