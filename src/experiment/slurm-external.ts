/**
 * An `external` stage that names a script, under `--executor slurm`: the script is submitted as one
 * job (through a generated wrapper that marks the stage done when the script exits 0), and the
 * experiment waits for it and goes on. The wrapper and the job's log stay beside the marker file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { ExperimentOptions } from './experiment-options.js';
import { type ExternalStage, planPath } from './plan.js';
import { jobActive, sbatch, shellQuote, waitForJob } from './slurm.js';

export async function externalStageOnSlurm(
  options: ExperimentOptions,
  out: string,
  stage: ExternalStage,
  inputs: string[],
): Promise<'done' | 'interrupted' | 'incomplete'> {
  const marker = resolve(out, `${stage.name}.done`);
  if (existsSync(marker)) return 'done';
  const script = planPath(options.loaded, stage.script as string);
  const wrapper = resolve(out, `${stage.name}.sbatch`);
  const jobFile = resolve(out, `${stage.name}.slurm-job`);
  const log = resolve(out, `${stage.name}.slurm.log`);
  writeFileAtomic(
    wrapper,
    [
      '#!/bin/bash',
      `# alr experiment --executor slurm: external stage '${stage.name}'. Marks the stage done when the script succeeds.`,
      'set -u',
      `export ALR_STAGE_INPUTS=${shellQuote(inputs.map((p) => resolve(p)).join(':'))}`,
      `export ALR_STAGE_MARKER=${shellQuote(marker)}`,
      `bash ${shellQuote(script)} && touch "$ALR_STAGE_MARKER"`,
      '',
    ].join('\n'),
  );
  const previous = existsSync(jobFile) ? readFileSync(jobFile, 'utf8').trim() : '';
  let job = previous && jobActive(previous) ? previous : '';
  if (job)
    options.say(
      `stage '${stage.name}': job ${job} from an earlier invocation is still in Slurm; waiting for it`,
    );
  else {
    job = sbatch(
      [`--job-name=alr-${stage.name}`, `--output=${log}`, ...(options.slurm?.sbatchArgs ?? [])],
      wrapper,
    );
    writeFileAtomic(jobFile, `${job}\n`);
    options.say(`stage '${stage.name}': submitted ${script} as job ${job} (log ${log})`);
  }
  if (!(await waitForJob(job, options.slurm?.pollMs ?? 10_000, options.stop))) {
    options.say(`stage '${stage.name}': stopped waiting; job ${job} goes on in Slurm`);
    return 'interrupted';
  }
  if (existsSync(marker)) return 'done';
  options.say(
    `stage '${stage.name}': job ${job} ended without success (see ${log}); run the same command to submit it again`,
  );
  return 'incomplete';
}
