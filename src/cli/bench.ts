import type { Command } from 'commander';
import { InputError } from '../util/errors.js';

/** Each benchmark lives in bench/<name>.ts and exports `run(options)` returning JSON-ready data. */
const benchmarks: Record<string, () => Promise<{ run(options: BenchOptions): Promise<unknown> }>> = {
  tasks: () => import('../../bench/tasks.js'),
  sandbox: () => import('../../bench/sandbox.js'),
  stats: () => import('../../bench/stats.js'),
  analysis: () => import('../../bench/analysis.js'),
  models: () => import('../../bench/models.js'),
  runner: () => import('../../bench/runner.js'),
  load: () => import('../../bench/load.js'),
};

export interface BenchOptions {
  /** Smaller, faster variant for smoke checks. */
  quick: boolean;
  /** Extra benchmark-specific options (`--set key=value`). */
  settings: Record<string, string>;
}

export function register(program: Command): void {
  program
    .command('bench')
    .description(
      `run a performance benchmark and print JSON (${Object.keys(benchmarks).join(', ') || 'none'}, or all)`,
    )
    .argument('<name>', 'benchmark name, or "all"')
    .option('--json', 'print JSON (the only output format; accepted for clarity)')
    .option('--quick', 'a smaller, faster variant for smoke checks', false)
    .option('--set <key=value...>', 'benchmark-specific settings', [])
    .action(async (name: string, opts: { quick: boolean; set: string[] }) => {
      const settings = Object.fromEntries(
        opts.set.map((kv) => {
          const at = kv.indexOf('=');
          if (at < 1) throw new InputError(`--set expects key=value, got '${kv}'`);
          return [kv.slice(0, at), kv.slice(at + 1)];
        }),
      );
      const names = name === 'all' ? Object.keys(benchmarks) : [name];
      const results: Record<string, unknown> = {};
      for (const n of names) {
        const load = benchmarks[n];
        if (!load)
          throw new InputError(`unknown benchmark '${n}' (known: ${Object.keys(benchmarks).join(', ')})`);
        results[n] = await (await load()).run({ quick: opts.quick, settings });
      }
      process.stdout.write(`${JSON.stringify(name === 'all' ? results : results[name], null, 2)}\n`);
    });
}
