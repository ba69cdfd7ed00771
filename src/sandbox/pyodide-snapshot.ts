/**
 * A Pyodide memory snapshot (Python initialized, common modules imported) from which interpreter
 * processes start several times faster. It is made once by a child process and kept in a per-user
 * cache directory (`$ALR_CACHE_DIR`, else `$XDG_CACHE_HOME/agents-learn-runtime`, else
 * `~/.cache/agents-learn-runtime`), named after everything that shapes it (Pyodide and Node
 * versions, the script that makes it, the host core's Python files it holds compiled). The directory must belong to the current user and be closed
 * to others, or it is not used. Any failure only means slower starts.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { userCacheDir } from '../util/cache-dir.js';
import { HOST_CORE_PYTHON_FILES } from './child/host-core-files.js';
import {
  bubblewrapAvailable,
  childDir,
  type IsolationMode,
  nodeLibraryBinds,
  pyodideDir,
  pythonDir,
  SANDBOX_PYTHON_DIR,
} from './isolation.js';

let pending: Promise<string | null> | undefined;
let ready: string | null = null;

/** The snapshot file when it exists; null until then (and when it cannot be made). */
export function pyodideSnapshot(): string | null {
  return ready;
}

/** The snapshot's file name; `pythonPath` is where the host that makes it reads the host core. */
function snapshotName(pythonPath: string): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(pyodideDir(), 'package.json')));
  hash.update(process.version);
  hash.update(process.arch);
  for (const script of [
    'pyodide-snapshot.js',
    'host-core-files.js',
    'host-core-fingerprint.js',
    'pyodide-session-core.js',
  ])
    hash.update(readFileSync(join(childDir, script)));
  // The snapshot holds the host core compiled under the directory a host reads it from: a session
  // host that reads it elsewhere (with bubblewrap or without) would compile it again each time.
  hash.update(pythonPath);
  for (const name of HOST_CORE_PYTHON_FILES) hash.update(readFileSync(join(pythonDir, name)));
  return `pyodide-${hash.digest('hex').slice(0, 16)}.snapshot`;
}

/** Finds or starts making the snapshot (once per harness process). */
export function preparePyodideSnapshot(isolation: IsolationMode): Promise<string | null> {
  if (!pending) pending = locate(isolation).catch(() => null);
  return pending;
}

async function locate(isolation: IsolationMode): Promise<string | null> {
  const dir = userCacheDir();
  if (!dir) return null;
  const useBwrap = isolation !== 'none' && bubblewrapAvailable();
  const name = snapshotName(useBwrap ? SANDBOX_PYTHON_DIR : pythonDir);
  const file = join(dir, name);
  if (existsSync(file)) {
    ready = file;
    return file;
  }
  const partial = `${name}.${process.pid}.partial`;
  const made = await make(useBwrap, dir, partial);
  if (!made) {
    rmSync(join(dir, partial), { force: true });
    return null;
  }
  renameSync(join(dir, partial), file);
  ready = file;
  return file;
}

function make(useBwrap: boolean, dir: string, partial: string): Promise<boolean> {
  const node = realpathSync(process.execPath);
  const flags = ['--no-warnings', '--experimental-permission', '--max-old-space-size=512'];
  const command = useBwrap ? 'bwrap' : node;
  const args = useBwrap
    ? [
        ...['--unshare-all', '--die-with-parent', '--new-session', '--clearenv'],
        ...['--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'],
        ...nodeLibraryBinds(node),
        ...['--ro-bind', pyodideDir(), '/opt/alr/pyodide', '--ro-bind', childDir, '/opt/alr/child'],
        ...['--ro-bind', pythonDir, SANDBOX_PYTHON_DIR],
        ...['--bind', dir, '/opt/alr/out'],
        node,
        ...flags,
        '--allow-fs-read=/opt/alr/*',
        '--allow-fs-write=/opt/alr/out/*',
        '/opt/alr/child/pyodide-snapshot.js',
        '/opt/alr/pyodide',
        `/opt/alr/out/${partial}`,
        SANDBOX_PYTHON_DIR,
      ]
    : [
        ...flags,
        `--allow-fs-read=${pyodideDir()}/*`,
        `--allow-fs-read=${childDir}/*`,
        `--allow-fs-read=${pythonDir}/*`,
        `--allow-fs-write=${dir}/*`,
        join(childDir, 'pyodide-snapshot.js'),
        pyodideDir(),
        join(dir, partial),
        pythonDir,
      ];
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: {}, stdio: 'ignore' });
    child.unref();
    child.on('error', () => resolve(false));
    child.on('exit', (status) => resolve(status === 0 && existsSync(join(dir, partial))));
  });
}
