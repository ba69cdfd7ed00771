import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { dumpSettings, readSettings, type Settings } from '../formats/generator-settings.js';
import { TASK_SCHEMA_VERSION, taskFileText, writeTaskFile } from '../formats/task-file.js';
import { pyJsonDumps } from '../python/json.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { InputError } from '../util/errors.js';
import { TASK_FAMILIES, type TaskFamily } from './environment.js';
import {
  MANIFEST_SCHEMA_VERSION,
  nlFallback,
  nowMicros,
  pydanticUtc,
  pythonIsoUtc,
} from './generated-fields.js';
import {
  allowedFromAttemptRng,
  allowedFromGlobalStream,
  KnapsackSamplingError,
  sampleKnapsack,
} from './knapsack/sampler.js';
import { sampleNavigation } from './navigation/sampler.js';
import { pyExceptionRepr } from './python-repr.js';
import { sampleRuleDiagnosis } from './rule_diagnosis/sampler.js';

export interface GenerateOptions {
  /** Output folder: tasks go to `<outDir>/tasks/<family>/<task_id>.json`. */
  outDir: string;
  /**
   * Reproduce the reference's files: its unseeded global generator is emulated as one
   * `Random(referenceGlobalSeed)` stream, consumed once per knapsack attempt in job order. Without
   * it, each attempt draws its allowed classes from its own seeded generator.
   */
  referenceGlobalSeed?: number;
  /** Generate only these families (default: all three, in the reference's order). */
  families?: readonly TaskFamily[];
  /** Overrides every family's `num_tasks`. */
  numTasks?: number;
  /** Called after each job (written, skipped or failed). */
  onProgress?: (progress: GenerateProgress) => void;
}

export interface GenerateProgress {
  done: number;
  total: number;
  written: number;
  skipped: number;
  failed: number;
}

export interface GenerateSummary extends GenerateProgress {
  outDir: string;
}

interface Job {
  family: TaskFamily;
  index: number;
  seed: number;
  taskId: string;
}

/** `int(sha256(family)[:8], 16)`: knapsack 2732704872, navigation 3607976569, rule 4250810996. */
export function familySeedOffset(family: string): number {
  return Number.parseInt(createHash('sha256').update(family, 'utf8').digest('hex').slice(0, 8), 16);
}

export function taskIdFor(family: TaskFamily, index: number): string {
  return `${family}-${String(index).padStart(10, '0')}`;
}

/** Reads and validates a generator config (the reference's `Settings` JSON). */
export function loadSettings(path: string): Settings {
  return readSettings(path);
}

/** Python's `str(Path(p))` for a POSIX path: no empty or `.` parts, no trailing slash. */
export function pythonPathString(p: string): string {
  if (p === '') return '.';
  const absolute = p.startsWith('/');
  const doubleRoot = p.startsWith('//') && !p.startsWith('///');
  const parts = p.split('/').filter((part) => part !== '' && part !== '.');
  const body = parts.join('/');
  if (doubleRoot) return `//${body}`;
  if (absolute) return `/${body}`;
  return body === '' ? '.' : body;
}

function errorType(err: unknown): string {
  if (err instanceof KnapsackSamplingError) return 'RuntimeError';
  if (err instanceof RangeError) return 'ValueError';
  if (err instanceof Error) return err.name;
  return 'Exception';
}

type Sampler = (job: Job) => object;

/**
 * Generates a task set like the reference's `TaskGenerator` (reference-behavior.md §1.1): the
 * manifest first, then every job in family order; existing task files are kept (resume), failed
 * jobs are logged to `logs/errors.jsonl` and dropped. Jobs run one after another: the reference's
 * workers also call the (synchronous) samplers in job order, so the output is the same.
 */
export function generateTasks(input: Settings, options: GenerateOptions): GenerateSummary {
  const settings: Settings = structuredClone(input);
  settings.out_dir = pythonPathString(options.outDir);
  if (options.numTasks !== undefined) {
    if (!Number.isInteger(options.numTasks) || options.numTasks < 0)
      throw new InputError(`--num-tasks must be a non-negative integer, got ${options.numTasks}`);
    for (const family of TASK_FAMILIES) settings[family].num_tasks = options.numTasks;
  }
  const families = TASK_FAMILIES.filter((f) => !options.families || options.families.includes(f));
  const outDir = options.outDir;
  const tasksDir = join(outDir, 'tasks');
  const logsDir = join(outDir, 'logs');
  mkdirSync(tasksDir, { recursive: true });
  mkdirSync(logsDir, { recursive: true });

  writeFileAtomic(
    join(outDir, 'manifest.json'),
    taskFileText({
      schema_version: MANIFEST_SCHEMA_VERSION,
      run_name: settings.run_name,
      created_at: pythonIsoUtc(nowMicros()),
      settings: dumpSettings(settings),
    }),
  );

  const allowedSource =
    options.referenceGlobalSeed === undefined
      ? allowedFromAttemptRng
      : allowedFromGlobalStream(options.referenceGlobalSeed);
  const samplers: Record<TaskFamily, Sampler> = {
    knapsack: (job) => sampleKnapsack(job.seed, settings.knapsack, allowedSource),
    navigation: (job) => sampleNavigation(job.seed, settings.navigation),
    rule_diagnosis: (job) => sampleRuleDiagnosis(job.seed, settings.rule_diagnosis),
  };

  const jobs: Job[] = [];
  for (const family of families) {
    const offset = familySeedOffset(family);
    for (let index = 0; index < settings[family].num_tasks; index++) {
      const seed = settings.seed_start + offset + index;
      if (!Number.isSafeInteger(seed))
        throw new InputError(
          `seed_start ${settings.seed_start} gives task seeds beyond 2^53`,
          undefined,
          'seed_start',
        );
      jobs.push({ family, index, seed, taskId: taskIdFor(family, index) });
    }
  }

  const progress: GenerateProgress = { done: 0, total: jobs.length, written: 0, skipped: 0, failed: 0 };
  let queued = 0;
  for (const job of jobs) {
    const path = join(tasksDir, job.family, `${job.taskId}.json`);
    if (existsSync(path)) {
      progress.skipped++;
    } else {
      // The reference's worker ids are scheduling noise; we record the round-robin slot.
      const worker = queued++ % settings.max_workers;
      try {
        const instance = samplers[job.family](job);
        const task = {
          ...instance,
          schema_version: TASK_SCHEMA_VERSION,
          task_id: job.taskId,
          run_name: settings.run_name,
          generated_at: pydanticUtc(nowMicros()),
          nl: nlFallback(job.family),
        };
        writeTaskFile(path, task);
        progress.written++;
      } catch (err) {
        const record = {
          ts: pythonIsoUtc(nowMicros()),
          worker,
          family: job.family,
          task_id: job.taskId,
          seed: job.seed,
          error: pyExceptionRepr(errorType(err), err instanceof Error ? err.message : String(err)),
        };
        appendFileSync(join(logsDir, 'errors.jsonl'), `${pyJsonDumps(record, { ensureAscii: false })}\n`);
        progress.failed++;
      }
    }
    progress.done++;
    options.onProgress?.({ ...progress });
  }
  return { outDir, ...progress };
}
