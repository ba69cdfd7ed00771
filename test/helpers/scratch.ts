// Scratch folders for tests: each is removed when the test file's process exits, wherever in the
// file it was made (module level, a hook or a test), so a run leaves nothing in the temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

function removeAll(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

/** A fresh folder `<tmp>/alr-<label>-XXXXXX`, removed when this test file is done. */
export function scratchDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `alr-${label}-`));
  if (made.size === 0) process.once('exit', removeAll);
  made.add(dir);
  return dir;
}

/**
 * The environment for a CLI child the test may kill: its own temp files (the sandbox's socket and
 * bytecode folders, removed by the child on a normal exit) land in `dir`, which the test removes.
 */
export function envWithTempDir(dir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, TMPDIR: dir };
}
