/**
 * Temporary directories that live as long as this process: removed when it exits, and also when
 * a signal (SIGINT, SIGTERM, SIGHUP) ends it, which skips 'exit' handlers. Where a signal has a
 * handler of someone else's (the run's interrupt handling, src/runner/interrupt.ts), that handler
 * decides whether the process ends, and the 'exit' handler removes the directories when it does;
 * otherwise they are removed here and the signal is raised again, so that the process still ends
 * the way the signal says.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const live = new Set<string>();
let installed = false;

function removeAll(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  removeAll();
  for (const s of SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', removeAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/** A new directory in the system's temporary directory (`prefix` + random characters). */
export function processTempDir(prefix: string): string {
  install();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  live.add(dir);
  return dir;
}

/** Removes a directory made by processTempDir before the process ends. */
export function removeProcessTempDir(dir: string): void {
  live.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}
