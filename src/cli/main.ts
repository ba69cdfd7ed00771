#!/usr/bin/env node
// Entry point of the `alr` command. Each command lives in its own file and registers itself here.
// Command files import heavy modules lazily inside their action so that start-up stays fast.
import { Command, CommanderError } from 'commander';
import { AlrError, fileSystemError, formatAlrError } from '../util/errors.js';
import { packageVersion } from '../util/version.js';

// `alr exec … | head -1`: once the reader is gone there is nobody left to tell, so stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

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
  // Errors a user can fix are one line; anything else is a bug and keeps its stack.
  // A path the user gave that cannot be written or read (a folder inside a file, no permission) too.
  const known = AlrError.is(err) ? err : fileSystemError(err);
  if (known) {
    process.stderr.write(`${formatAlrError(known)}\n`);
    process.exit(1);
  }
  throw err;
}
