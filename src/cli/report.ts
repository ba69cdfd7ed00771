import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'metrics, tables (Markdown, LaTeX), figures (SVG, PNG) and a self-contained report.html for runs',
    )
    .argument('[runDirs...]', 'run folders, results folders, trace folders or traces .jsonl files')
    .requiredOption('--out <dir>', 'output folder')
    .option(
      '--spec <file>',
      'JSON spec naming the table cells (difficulty/train/runtime/path), like main_table.py',
    )
    .option('--tasks <dir>', 'task files, to score episodes that have a trace but no result file')
    .option('--title <text>', 'report title')
    .option('--no-png', 'skip the PNG versions of the figures')
    .option(
      '--no-analysis-cache',
      'parse every code block again, without reading or writing the analysis cache',
    )
    .action(
      async (
        runDirs: string[],
        opts: {
          out: string;
          spec?: string;
          tasks?: string;
          title?: string;
          png: boolean;
          analysisCache: boolean;
        },
      ) => {
        const { analysisCacheRoot, useAnalysisCacheByDefault } = await import('../metrics/index.js');
        useAnalysisCacheByDefault(opts.analysisCache ? analysisCacheRoot() : null);
        const { generateReport } = await import('../report/index.js');
        const result = await generateReport(runDirs, opts.out, {
          spec: opts.spec,
          tasksDir: opts.tasks,
          title: opts.title,
          png: opts.png,
        });
        for (const c of result.conditions) process.stdout.write(`${c.label}: ${c.episodes} episodes\n`);
        process.stdout.write(`${result.comparisons} paired tests · report: ${opts.out}/report.html\n`);
      },
    );
}
