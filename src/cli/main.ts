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

// Each command's module by its name. `alr <command> …` loads only that one, so a quick command such
// as `compare` does not pay for importing the others; help, a bare `alr` or an unknown word loads all.
const commands: Record<string, () => Promise<{ register(program: Command): void }>> = {
  bench: () => import('./bench.js'),
  exec: () => import('./exec.js'),
  export: () => import('./export.js'),
  'train-config': () => import('./train-config.js'),
  'serve-config': () => import('./serve-config.js'),
  'k8s-job': () => import('./k8s-job.js'),
  replay: () => import('./replay.js'),
  stats: () => import('./stats.js'),
  tasks: () => import('./tasks.js'),
  serve: () => import('./serve.js'),
  run: () => import('./run.js'),
  experiment: () => import('./experiment.js'),
  report: () => import('./report.js'),
  compare: () => import('./compare.js'),
};
const named = process.argv[2];
const only = named !== undefined && Object.hasOwn(commands, named) ? commands[named] : undefined;
for (const load of only ? [only] : Object.values(commands)) (await load()).register(program);

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
