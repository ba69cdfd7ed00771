/**
 * Bounded concurrency over a job list: at most `concurrency` jobs run at once, jobs start in list
 * order, and once `stop` is raised no new job starts (running ones finish). Results keep list order;
 * a job never started is reported as undefined.
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
  const lanes = Math.max(1, Math.min(options.concurrency, jobs.length));
  async function lane(): Promise<void> {
    while (next < jobs.length && !options.shouldStop?.()) {
      const index = next++;
      results[index] = await worker(jobs[index], index);
    }
  }
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}
