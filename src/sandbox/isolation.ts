/**
 * How an interpreter process is started: the command line, a minimal explicit environment (the
 * harness's variables never reach the child), and, on Linux with bubblewrap, an OS sandbox with no
 * network, a private /tmp and read-only binds of only what the interpreter needs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SandboxError } from '../util/errors.js';
import { processTempDir, removeProcessTempDir } from '../util/temp-dirs.js';
import { cpythonBytecode } from './cpython-bytecode.js';
import type { BackendName } from './interpreter.js';
import { libraryDirectories } from './library-dirs.js';

export type IsolationMode = 'auto' | 'bubblewrap' | 'none';

export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  isolation: 'bubblewrap' | 'none';
  /** Removes what the launch created on the host (the scratch directory without bubblewrap). */
  cleanup(): void;
}

const here = dirname(fileURLToPath(import.meta.url));
/** Compiled child scripts and the Python runtime, next to this file. */
export const childDir = join(here, 'child');
export const pythonDir = join(here, 'python');
/** Where a bubblewrap sandbox shows pythonDir. */
export const SANDBOX_PYTHON_DIR = '/opt/alr/python';

export function pyodideDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('pyodide'));
}

let bwrapWorks: boolean | undefined;
/** True when bubblewrap is installed and can create the namespaces we use. */
export function bubblewrapAvailable(): boolean {
  if (bwrapWorks === undefined) {
    const probe = spawnSync(
      'bwrap',
      ['--unshare-all', '--die-with-parent', '--ro-bind', '/', '/', '--dev', '/dev', 'true'],
      { stdio: 'ignore', timeout: 10_000 },
    );
    bwrapWorks = probe.status === 0;
  }
  return bwrapWorks;
}

let warned = false;
function resolveIsolation(mode: IsolationMode): 'bubblewrap' | 'none' {
  if (mode === 'none') return 'none';
  if (bubblewrapAvailable()) return 'bubblewrap';
  if (mode === 'bubblewrap')
    throw new SandboxError('sandbox isolation "bubblewrap" was requested but bwrap is not available');
  if (!warned) {
    warned = true;
    process.stderr.write(
      'alr: warning: bubblewrap (bwrap) is not available; the sandbox runs without an OS sandbox ' +
        '(no network or file-system isolation beyond the interpreter). See docs/security.md.\n',
    );
  }
  return 'none';
}

function bindArgs(binds: Array<[string, string]>): string[] {
  const seen = new Set<string>();
  const args: string[] = [];
  for (const [source, target] of binds) {
    if (seen.has(target) || !existsSync(source)) continue;
    seen.add(target);
    args.push('--ro-bind', source, target);
  }
  return args;
}

function bwrapPrefix(env: Record<string, string>): string[] {
  // No --new-session: the process launcher already runs in a session of its own without a
  // controlling terminal, so there is no terminal to reach; and on kernels that group scheduling
  // by session (autogroup), a session per interpreter would give each of hundreds of interpreters
  // the CPU share of the whole harness. Sharing the launcher's session, they share one share.
  const args = ['--unshare-all', '--die-with-parent', '--clearenv'];
  args.push('--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--chdir', '/tmp');
  for (const [k, v] of Object.entries(env)) args.push('--setenv', k, v);
  return args;
}

export interface LaunchOptions {
  isolation: IsolationMode;
  memoryLimitMb: number;
  /** A Pyodide memory snapshot to start from (see pyodide-snapshot.ts). */
  pyodideSnapshot?: string | null;
  /**
   * pyodide: 'single' (default) starts one interpreter that speaks the plain protocol; 'multi'
   * starts a host that runs many sessions, each in a worker thread (see child/pyodide-host.ts).
   */
  pyodideSessions?: 'single' | 'multi';
}

/** Read-only binds of the node binary and the shared libraries it loads. */
export function nodeLibraryBinds(node: string): string[] {
  const binds: Array<[string, string]> = [[node, node]];
  for (const dir of libraryDirectories([node])) binds.push([dir, dir]);
  return bindArgs(binds);
}

/** Node + Pyodide in worker threads, under Node's permission model (read-only, no child processes). */
export function pyodideLaunch(options: LaunchOptions): LaunchSpec {
  const isolation = resolveIsolation(options.isolation);
  const node = realpathSync(process.execPath);
  const sessions = options.pyodideSessions ?? 'single';
  // The main thread's heap: a multi-session host's workers have heaps (and wasm memories) of their own.
  const heapMb = sessions === 'multi' ? 512 : Math.max(256, Math.min(options.memoryLimitMb, 4096));
  const hostArgs = (dir: (name: string) => string, snapshotPath: string) => [
    dir('child/pyodide-host.js'),
    dir('pyodide'),
    dir('python'),
    dir('child/pyodide-worker.cjs'),
    sessions,
    snapshotPath,
    String(options.memoryLimitMb),
  ];
  const nodeFlags = (readable: string[]) => [
    '--no-warnings',
    '--experimental-permission',
    // One flag per path: Node 20 mismatches some comma-separated lists.
    ...readable.map((path) => `--allow-fs-read=${path}`),
    '--allow-worker',
    `--max-old-space-size=${heapMb}`,
    '--disallow-code-generation-from-strings',
    // A session's worker lives for one episode and its heap is small: V8's background threads
    // (concurrent marking, optimizing Pyodide's start-up code that runs once) cost more CPU than
    // they save. Functions that stay hot in a long session are still optimized, only later.
    '--single-threaded-gc',
    // A worker's heap is about 15 MB once Pyodide has started; with V8's default starting limit
    // a full collection comes during every start (about 20 ms of marking), with 64 MB it does not.
    '--initial-old-space-size=64',
    '--interrupt-budget=1000000',
    // V8's memory reducer gives each worker that goes quiet (an episode waiting on its model) two
    // or three full collections that free little: about 70 ms of CPU per session, a third of what
    // starting it costs.
    '--no-memory-reducer',
  ];
  const env: Record<string, string> = { LANG: 'C.UTF-8' };
  const snapshot = options.pyodideSnapshot ?? null;
  if (isolation === 'none') {
    const dirs = [pyodideDir(), childDir, pythonDir].map((d) => `${d}/*`);
    if (snapshot) dirs.push(snapshot);
    return {
      command: node,
      args: [
        ...nodeFlags(dirs),
        ...hostArgs((name) => {
          const [top, ...rest] = name.split('/');
          const base = top === 'child' ? childDir : top === 'python' ? pythonDir : pyodideDir();
          return rest.length > 0 ? join(base, ...rest) : base;
        }, snapshot ?? ''),
      ],
      env,
      isolation,
      cleanup() {},
    };
  }
  const binds: Array<[string, string]> = [[node, node]];
  for (const dir of libraryDirectories([node])) binds.push([dir, dir]);
  binds.push(
    [pyodideDir(), '/opt/alr/pyodide'],
    [childDir, '/opt/alr/child'],
    [pythonDir, SANDBOX_PYTHON_DIR],
  );
  if (snapshot) binds.push([snapshot, '/opt/alr/pyodide.snapshot']);
  return {
    command: 'bwrap',
    args: [
      ...bwrapPrefix(env),
      ...bindArgs(binds),
      node,
      ...nodeFlags(['/opt/alr/*']),
      ...hostArgs((name) => `/opt/alr/${name}`, snapshot ? '/opt/alr/pyodide.snapshot' : ''),
    ],
    env: {},
    isolation,
    cleanup() {},
  };
}

interface PythonInstall {
  executable: string;
  stdlib: string;
  platstdlib: string;
  prefix: string;
  version: string;
}

function isPythonInstall(value: unknown): value is PythonInstall {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ['executable', 'stdlib', 'platstdlib', 'prefix', 'version'].every(
    (k) => typeof record[k] === 'string',
  );
}

/** The probe's one JSON line; anything else (a wrapper printing first, a broken python) is refused. */
function parsePythonInstall(out: string, command: string): PythonInstall {
  let value: unknown;
  try {
    value = JSON.parse(out);
  } catch {
    value = undefined;
  }
  if (!isPythonInstall(value))
    throw new SandboxError(
      `unexpected answer to the install probe: ${JSON.stringify(out.slice(0, 200))}`,
      command,
    );
  return value;
}

const pythonCache = new Map<string, PythonInstall>();
/** Where the machine's python3 really lives (a version-manager shim needs the caller's env). */
export function pythonInstall(command = 'python3'): PythonInstall {
  const cached = pythonCache.get(command);
  if (cached) return cached;
  const script =
    'import sys, sysconfig, json, os; p = sysconfig.get_paths(); ' +
    'print(json.dumps({"executable": os.path.realpath(sys.executable), "stdlib": p["stdlib"], ' +
    '"platstdlib": p["platstdlib"], "prefix": sys.base_prefix, "version": sys.version.split()[0]}))';
  const out = execFileSync(command, ['-I', '-c', script], { encoding: 'utf8', timeout: 30_000 });
  const info = parsePythonInstall(out, command);
  pythonCache.set(command, info);
  return info;
}

export function cpythonAvailable(command = 'python3'): boolean {
  try {
    pythonInstall(command);
    return true;
  } catch {
    return false;
  }
}

/** The machine's python3 with resource limits and an audit hook set by cpython_host.py. */
export function cpythonLaunch(options: LaunchOptions): LaunchSpec {
  const isolation = resolveIsolation(options.isolation);
  const python = pythonInstall();
  const env: Record<string, string> = { LANG: 'C.UTF-8', PYTHONIOENCODING: 'utf-8', PYTHONHASHSEED: '0' };
  const hostArgs = (dir: string, scratch: string, bytecode: string | null) => [
    '-I',
    '-S',
    '-B',
    join(dir, 'cpython_host.py'),
    `--memory-mb=${options.memoryLimitMb}`,
    `--scratch=${scratch}`,
    `--confine-reads=${isolation === 'none' ? 1 : 0}`,
    ...(bytecode ? [`--bytecode=${bytecode}`] : []),
  ];
  if (isolation === 'none') {
    const scratch = processTempDir('alr-scratch-');
    return {
      command: python.executable,
      args: hostArgs(pythonDir, scratch, cpythonBytecode(python.executable, pythonDir, pythonDir)),
      env: { ...env, HOME: scratch, TMPDIR: scratch },
      isolation,
      cleanup() {
        removeProcessTempDir(scratch);
      },
    };
  }
  const binds = cpythonBinds(python);
  const bytecode = cpythonBytecode(python.executable, pythonDir, SANDBOX_PYTHON_DIR);
  if (bytecode) binds.push([bytecode, '/opt/alr/bytecode']);
  return {
    command: 'bwrap',
    args: [
      ...bwrapPrefix({ ...env, HOME: '/tmp', TMPDIR: '/tmp' }),
      ...bindArgs(binds),
      python.executable,
      ...hostArgs(SANDBOX_PYTHON_DIR, '/tmp', bytecode ? '/opt/alr/bytecode' : null),
    ],
    env: {},
    isolation,
    cleanup() {},
  };
}

/** Read-only binds of the interpreter, its shared libraries, its standard library and our runtime. */
function cpythonBinds(python: PythonInstall): Array<[string, string]> {
  const dynload = join(python.platstdlib, 'lib-dynload');
  const extensions = existsSync(dynload)
    ? readdirSync(dynload)
        .filter((f) => f.endsWith('.so'))
        .map((f) => join(dynload, f))
    : [];
  const binds: Array<[string, string]> = [[python.executable, python.executable]];
  for (const dir of libraryDirectories([python.executable, ...extensions])) binds.push([dir, dir]);
  binds.push(
    [python.stdlib, python.stdlib],
    [python.platstdlib, python.platstdlib],
    [pythonDir, SANDBOX_PYTHON_DIR],
  );
  return binds;
}

/** Where the fork server sees the harness's socket; each episode covers the folder (--hide). */
const FORK_SERVER_SOCKET_DIR = '/run/alr';

/**
 * The cpython fork server (python/cpython_zygote.py) under bubblewrap: the same sandbox as one
 * interpreter per episode, plus the harness's socket, through which it opens each episode's
 * channel. Null without bubblewrap: the fork server relies on the OS sandbox and on namespaces
 * inside it, so without bubblewrap each episode keeps a process of its own.
 */
export function cpythonForkServerLaunch(
  options: LaunchOptions,
  harnessSocketPath: string,
): LaunchSpec | null {
  if (resolveIsolation(options.isolation) !== 'bubblewrap') return null;
  const python = pythonInstall();
  const binds = cpythonBinds(python);
  const bytecode = cpythonBytecode(python.executable, pythonDir, SANDBOX_PYTHON_DIR);
  if (bytecode) binds.push([bytecode, '/opt/alr/bytecode']);
  const socket = `${FORK_SERVER_SOCKET_DIR}/harness.sock`;
  binds.push([harnessSocketPath, socket]);
  const env = {
    LANG: 'C.UTF-8',
    PYTHONIOENCODING: 'utf-8',
    PYTHONHASHSEED: '0',
    HOME: '/tmp',
    TMPDIR: '/tmp',
  };
  return {
    command: 'bwrap',
    args: [
      ...bwrapPrefix(env),
      ...bindArgs(binds),
      python.executable,
      '-I',
      '-S',
      '-B',
      '/opt/alr/python/cpython_host.py',
      `--memory-mb=${options.memoryLimitMb}`,
      '--scratch=/tmp',
      '--confine-reads=0',
      ...(bytecode ? ['--bytecode=/opt/alr/bytecode'] : []),
      `--fork-server=${socket}`,
      `--hide=${FORK_SERVER_SOCKET_DIR}`,
    ],
    env: {},
    isolation: 'bubblewrap',
    cleanup() {},
  };
}

export function launchSpec(backend: BackendName, options: LaunchOptions): LaunchSpec {
  return backend === 'cpython' ? cpythonLaunch(options) : pyodideLaunch(options);
}
