/**
 * The benchmarks by name. Each lives in bench/<name>.ts and exports `run(options)` returning
 * JSON-ready data; they load on demand so one benchmark never pays for another's imports.
 */
import { InputError } from '../src/util/errors.js';
import type { BenchOptions } from './options.js';

type BenchModule = { run(options: BenchOptions): Promise<unknown> };

const benchmarks: Record<string, () => Promise<BenchModule>> = {
  tasks: () => import('./tasks.js'),
  sandbox: () => import('./sandbox.js'),
  stats: () => import('./stats.js'),
  analysis: () => import('./analysis.js'),
  models: () => import('./models.js'),
  runner: () => import('./runner.js'),
  load: () => import('./load.js'),
};

export const benchmarkNames: readonly string[] = Object.keys(benchmarks);

/** Runs one benchmark by name; an unknown name is an input error that lists the known ones. */
export async function runBench(name: string, options: BenchOptions): Promise<unknown> {
  const load = Object.hasOwn(benchmarks, name) ? benchmarks[name] : undefined;
  if (!load) throw new InputError(`unknown benchmark '${name}' (known: ${benchmarkNames.join(', ')})`);
  return (await load()).run(options);
}
