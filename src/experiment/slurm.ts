/**
 * The Slurm commands the experiment executor needs: submit a batch script (`sbatch --parsable`),
 * see whether a job still has tasks queued or running (`squeue`), and read final task states
 * (`sacct`, optional: clusters without accounting storage have none).
 */
import { spawnSync } from 'node:child_process';
import { InputError } from '../util/errors.js';

function run(
  command: string,
  args: string[],
): { status: number | null; stdout: string; stderr: string; missing: boolean } {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', missing };
}

/** Submits `script` with the given sbatch arguments; returns the job id. */
export function sbatch(args: string[], script: string): string {
  const r = run('sbatch', ['--parsable', ...args, script]);
  if (r.missing)
    throw new InputError('--executor slurm: the sbatch command is not installed on this machine');
  if (r.status !== 0)
    throw new InputError(
      `sbatch refused ${script}: ${(r.stderr || r.stdout).trim() || `exit status ${r.status}`}`,
    );
  // `--parsable` prints "<job id>" or "<job id>;<cluster>".
  const id = r.stdout.trim().split(';')[0];
  if (!/^\d+$/.test(id)) throw new InputError(`sbatch printed no job id for ${script}: '${r.stdout.trim()}'`);
  return id;
}

/** True while any task of the job is pending, running or finishing. */
export function jobActive(jobId: string): boolean {
  const r = run('squeue', ['-h', '-j', jobId, '-o', '%T']);
  if (r.missing)
    throw new InputError('--executor slurm: the squeue command is not installed on this machine');
  // A job that has left the controller's memory is reported as an invalid id: it is over.
  if (r.status !== 0) {
    if (/invalid job id/i.test(r.stderr)) return false;
    throw new Error(`squeue failed for job ${jobId}: ${r.stderr.trim()}`);
  }
  return r.stdout.trim() !== '';
}

/** Final state of each array task (`<job>_<index>` → COMPLETED, CANCELLED, …), when accounting exists. */
export function finalStates(jobId: string): Map<string, string> | undefined {
  const r = run('sacct', ['-n', '-P', '-X', '-j', jobId, '-o', 'JobID,State']);
  if (r.missing || r.status !== 0) return undefined;
  const states = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const [id, state] = line.trim().split('|');
    if (id && state) states.set(id, state.split(' ')[0]);
  }
  return states;
}

/** Polls until the job has no task left in the queue; false when `stop` aborted the wait. */
export async function waitForJob(jobId: string, pollMs: number, stop?: AbortSignal): Promise<boolean> {
  while (jobActive(jobId)) {
    if (stop?.aborted) return false;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        stop?.removeEventListener('abort', wake);
        resolve();
      }, pollMs);
      stop?.addEventListener('abort', wake, { once: true });
    });
  }
  return true;
}

/** Quotes a word for a bash script. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
