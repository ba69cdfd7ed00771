// `<out>/<stage>/slurm/jobs.json` (ours, `alr experiment --executor slurm`): the job arrays a stage
// submitted, oldest first, so that a second invocation waits for a job still in Slurm instead of
// submitting it again. Tagged `alr.slurm-jobs.v1`; a file from before the tag (a bare list) reads.
import { existsSync } from 'node:fs';
import { z } from '../util/zod.js';
import { checkVersion, parseWith, readJsonFile, writeJsonFile } from './json-file.js';

export const SLURM_JOBS_VERSION = 'alr.slurm-jobs.v1';

const jobRecordSchema = z.looseObject({
  job: z.string(),
  /** The `--array` spec it was submitted with. */
  array: z.string(),
  submitted_at: z.string(),
});
export type SlurmJobRecord = z.infer<typeof jobRecordSchema>;

export const slurmJobsSchema = z.looseObject({
  schema: z.literal(SLURM_JOBS_VERSION),
  jobs: z.array(jobRecordSchema),
});

/** The recorded jobs; none when the file does not exist yet. */
export function readSlurmJobs(file: string): SlurmJobRecord[] {
  if (!existsSync(file)) return [];
  const value = readJsonFile(z.unknown(), file);
  if (Array.isArray(value)) return parseWith(z.array(jobRecordSchema), value, file);
  checkVersion(value, 'schema', [SLURM_JOBS_VERSION], file);
  return parseWith(slurmJobsSchema, value, file).jobs;
}

export function writeSlurmJobs(file: string, jobs: readonly SlurmJobRecord[]): void {
  writeJsonFile(file, { schema: SLURM_JOBS_VERSION, jobs });
}
