import type { Command } from 'commander';

interface StatsFlags {
  compat: string;
  scale: string;
  resamples: string;
  seed: string;
  alpha: string;
}

export function register(program: Command): void {
  program
    .command('stats')
    .description(
      'statistics for two paired samples in a JSON file {"a": [...], "b": [...]}: bootstrap CI of each mean, ' +
        'Wilcoxon signed-rank test (SciPy defaults), paired bootstrap of the difference; prints JSON',
    )
    .argument('<file>', 'JSON file with arrays "a" and "b" of equal length')
    .option(
      '--compat <mode>',
      "'default' (order-independent) or 'reference' (main_table.py's exact CI)",
      'default',
    )
    .option(
      '--scale <scale>',
      'score scaling before analysis: none, auto (x100 when <= 1.5), fraction, percent',
      'none',
    )
    .option('--resamples <n>', 'bootstrap resamples', '5000')
    .option('--seed <n>', 'bootstrap seed', '0')
    .option('--alpha <a>', 'two-sided level of the intervals', '0.05')
    .action(async (file: string, flags: StatsFlags) => {
      const { pairedSummary, parseStatsSettings, readPairedInput, scaleScores } = await import(
        '../stats/index.js'
      );
      const options = parseStatsSettings(flags);
      const input = await readPairedInput(file);
      const a = scaleScores(input.a, options.scale);
      const b = scaleScores(input.b, options.scale);
      const summary = pairedSummary(a, b, options);
      // JSON.stringify writes NaN and ±Infinity as null.
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    });
}
