/**
 * A Pyodide memory snapshot shared by the interpreter processes of this harness: made once, by a
 * child process, into a private directory (mode 0700) that is removed when the harness exits.
 * Interpreters started from it are ready several times faster. Failure only means slower starts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bubblewrapAvailable,
  childDir,
  type IsolationMode,
  nodeLibraryBinds,
  pyodideDir,
} from './isolation.js';

let pending: Promise<string | null> | undefined;
let ready: string | null = null;

/** The snapshot file when it has been made; null until then (and when it cannot be made). */
export function pyodideSnapshot(): string | null {
  return ready;
}

/** Starts making the snapshot (once per harness process). */
export function preparePyodideSnapshot(isolation: IsolationMode): Promise<string | null> {
  if (!pending) pending = make(isolation).catch(() => null);
  return pending;
}

async function make(isolation: IsolationMode): Promise<string | null> {
  const dir = mkdtempSync(join(tmpdir(), 'alr-pyodide-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'pyodide.snapshot');
  const node = realpathSync(process.execPath);
  const flags = ['--no-warnings', '--experimental-permission', '--max-old-space-size=512'];
  const useBwrap = isolation !== 'none' && bubblewrapAvailable();
  const [command, args] = useBwrap
    ? [
        'bwrap',
        [
          '--unshare-all',
          '--die-with-parent',
          '--new-session',
          '--clearenv',
          '--dev',
          '/dev',
          '--proc',
          '/proc',
          '--tmpfs',
          '/tmp',
          ...nodeLibraryBinds(node),
          '--ro-bind',
          pyodideDir(),
          '/opt/alr/pyodide',
          '--ro-bind',
          childDir,
          '/opt/alr/child',
          '--bind',
          dir,
          '/opt/alr/out',
          node,
          ...flags,
          '--allow-fs-read=/opt/alr/*',
          '--allow-fs-write=/opt/alr/out/*',
          '/opt/alr/child/pyodide-snapshot.js',
          '/opt/alr/pyodide',
          '/opt/alr/out/pyodide.snapshot',
        ],
      ]
    : [
        node,
        [
          ...flags,
          `--allow-fs-read=${pyodideDir()}/*`,
          `--allow-fs-read=${childDir}/*`,
          `--allow-fs-write=${dir}/*`,
          join(childDir, 'pyodide-snapshot.js'),
          pyodideDir(),
          file,
        ],
      ];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(command as string, args as string[], { env: {}, stdio: 'ignore' });
    child.unref();
    child.on('error', () => resolve(null));
    child.on('exit', (status) => resolve(status));
  });
  if (code !== 0 || !existsSync(file)) return null;
  ready = file;
  return file;
}
