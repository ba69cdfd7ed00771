#!/usr/bin/env node
// Entry point of the `alr` command. Each command lives in its own file and registers itself here.
// Command files import heavy modules lazily inside their action so that start-up stays fast.
import { Command, CommanderError } from 'commander';
import { InputError } from '../util/errors.js';
import { packageVersion } from './version.js';

const program = new Command('alr')
  .description('agents-learn-runtime: tasks, sandboxed persistent/stateless Python, CodeAct runs, analysis')
  .version(packageVersion())
  .showHelpAfterError()
  .exitOverride();

const commands: Array<() => Promise<{ register(program: Command): void }>> = [
  () => import('./bench.js'),
  () => import('./exec.js'),
  () => import('./export.js'),
  () => import('./train-config.js'),
  () => import('./serve-config.js'),
  () => import('./k8s-job.js'),
  () => import('./replay.js'),
  () => import('./stats.js'),
  () => import('./tasks.js'),
  () => import('./serve.js'),
  () => import('./run.js'),
  () => import('./experiment.js'),
  () => import('./report.js'),
  () => import('./compare.js'),
];
for (const load of commands) (await load()).register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof InputError) {
    process.stderr.write(`alr: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
