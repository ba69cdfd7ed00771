import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('compare')
    .description('pair the episodes of two runs by task id and test every metric')
    .argument('<runA>', 'first run (a results/<agent>/<family> folder, or a run with one agent)')
    .argument('<runB>', 'second run')
    .option('--json', 'print JSON instead of a table')
    .option('--tasks <dir>', 'task files, to score episodes that have a trace but no result file')
    .option(
      '--no-analysis-cache',
      'parse every code block again, without reading or writing the analysis cache',
    )
    .action(
      async (
        runA: string,
        runB: string,
        opts: { json?: boolean; tasks?: string; analysisCache: boolean },
      ) => {
        const { analysisCacheRoot, useAnalysisCacheByDefault } = await import('../metrics/index.js');
        useAnalysisCacheByDefault(opts.analysisCache ? analysisCacheRoot() : null);
        const { compareRuns, formatCompare } = await import('../report/compare-runs.js');
        const result = await compareRuns(runA, runB, { tasksDir: opts.tasks });
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`
            : formatCompare(result),
        );
      },
    );
}
