// `alr replay`: re-executes a run's recorded code blocks under a runtime, without a model.
import type { Command } from 'commander';
import { normalizeRuntime } from '../runtime/spec.js';
import { InputError } from '../util/errors.js';

export function register(program: Command): void {
  program
    .command('replay')
    .description(
      "model-free counterfactual: re-run a run's recorded code under a runtime; writes replay_<runtime>.json",
    )
    .argument('<run-dir>', 'run folder (searched recursively for *.trace.json)')
    .requiredOption(
      '--runtime <spec>',
      'any runtime spec: persistent, stateless, persistent:ttl=2, … (docs/runtimes.md)',
    )
    .option('--backend <backend>', 'interpreter backend: pyodide | cpython')
    .option('--tasks <dir>', 'task folder, for traces that do not name their task file')
    .option('--out <file>', 'report path (default <run-dir>/replay_<runtime>.json)')
    .action(
      async (
        runDir: string,
        flags: { runtime: string; backend?: 'pyodide' | 'cpython'; tasks?: string; out?: string },
      ) => {
        const runtime = normalizeRuntime(flags.runtime, '--runtime');
        if (flags.backend !== undefined && flags.backend !== 'pyodide' && flags.backend !== 'cpython') {
          throw new InputError(`--backend must be pyodide or cpython, got '${flags.backend}'`);
        }
        const { replayRun, writeReplayReport, formatReplaySummary } = await import('../training/replay.js');
        const { createEnvironment, loadTask } = await import('../tasks/index.js');
        const { createSandbox } = await import('../sandbox/index.js');
        const sandbox = createSandbox(flags.backend ? { backend: flags.backend } : {});
        try {
          const report = await replayRun({
            runDir,
            runtime,
            backend: flags.backend,
            tasksDir: flags.tasks,
            openSession: (options) => sandbox.openSession(options),
            environmentFor: (file) => createEnvironment(loadTask(file)),
            onEpisode: (r, i, n) => {
              const note = r.error
                ? `error: ${r.error}`
                : `${r.name_error_steps.length} NameError step(s), score ${r.replay_score}`;
              process.stderr.write(`[${i + 1}/${n}] ${r.source}: ${note}\n`);
            },
          });
          const path = writeReplayReport(report, runDir, flags.out);
          process.stdout.write(`${formatReplaySummary(report)}wrote ${path}\n`);
        } finally {
          await sandbox.shutdown();
        }
      },
    );
}
