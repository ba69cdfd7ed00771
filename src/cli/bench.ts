import type { Command } from 'commander';
import { benchmarkNames, runBench } from '../../bench/registry.js';
import { InputError } from '../util/errors.js';

export function register(program: Command): void {
  program
    .command('bench')
    .description(
      `run a performance benchmark and print JSON (${benchmarkNames.join(', ') || 'none'}, or all)`,
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
      const names = name === 'all' ? benchmarkNames : [name];
      const results: Record<string, unknown> = {};
      for (const n of names) results[n] = await runBench(n, { quick: opts.quick, settings });
      process.stdout.write(`${JSON.stringify(name === 'all' ? results : results[name], null, 2)}\n`);
    });
}
