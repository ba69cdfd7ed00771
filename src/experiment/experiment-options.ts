/** What `runExperiment` is given: the plan, where to write, how to play, and where to speak. */
import type { ExecutorFactory } from '../runner/episode.js';
import type { LoadedPlan } from './plan.js';
import type { SlurmExecutorOptions } from './slurm-executor.js';

export interface ExperimentOptions {
  loaded: LoadedPlan;
  /** Output root (default: the plan's `out`, else `runs/<plan name>`). */
  out?: string;
  executorFactory: ExecutorFactory;
  /** Overrides the plan's concurrency. */
  concurrency?: number;
  /** First N tasks of each family in every task set (quick trials). */
  limit?: number;
  backend?: 'pyodide' | 'cpython';
  /** Where run stages play: this process (default), or Slurm job arrays. */
  executor?: 'local' | 'slurm';
  slurm?: SlurmExecutorOptions;
  progress: boolean;
  stop?: AbortSignal;
  /** Human-facing messages (stderr). */
  say: (line: string) => void;
  /** Tables (stdout). */
  print: (line: string) => void;
}
