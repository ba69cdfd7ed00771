/**
 * The sandbox: a pool of warm interpreters of one backend. Each episode gets an interpreter of its
 * own (taken warm from the pool, so opening a session is cheap) and the interpreter is discarded
 * when the episode ends; nothing of one episode can reach the next. A cpython interpreter is a
 * process; a pyodide interpreter is a worker thread with its own Pyodide instance in a shared,
 * long-lived host process (see pyodide-host-pool.ts).
 */
import { withRuntimeSpec } from '../runtime/open-session.js';
import { SandboxError } from '../util/errors.js';
import { DEFAULT_MEMORY_LIMIT_MB } from './defaults.js';
import { ForkServer } from './fork-server.js';
import type { BackendName, CodeAnalysis, InterpreterSession, SessionOptions } from './interpreter.js';
import type { InterpreterChannel } from './interpreter-channel.js';
import { InterpreterProcess } from './interpreter-process.js';
import { type IsolationMode, type LaunchSpec, launchSpec } from './isolation.js';
import { DEFAULT_SESSIONS_PER_HOST, PyodideHostPool } from './pyodide-host-pool.js';
import { preparePyodideSnapshot, pyodideSnapshot } from './pyodide-snapshot.js';
import { Session } from './session.js';

export interface SandboxOptions {
  /** 'pyodide' (default) or 'cpython' (the machine's python3). */
  backend?: BackendName;
  /** Warm interpreter processes kept ready (default 1). */
  poolSize?: number;
  /** 'auto' (default: bubblewrap when available, else a warning), 'bubblewrap' (required), 'none'. */
  isolation?: IsolationMode;
  /** Memory limit of pooled processes (default 1024); sessions asking for another get a fresh process. */
  memoryLimitMb?: number;
  /**
   * What happens to a session's process when the session closes. 'process' (default): it is
   * killed and replaced, so nothing can pass from one episode to the next. 'namespace': a process
   * whose steps all ended normally is reset (builtins, imported modules, json) and reused; faster,
   * but only for trusted code (tests, benchmarks), since model code can change process state that
   * a reset does not undo.
   */
  recycle?: 'process' | 'namespace';
  /** pyodide: start interpreters from a memory snapshot made once per harness (default true). */
  snapshot?: boolean;
  /** pyodide: sessions per host process (DEFAULT_SESSIONS_PER_HOST); more start another host. */
  sessionsPerHost?: number;
  /**
   * pyodide: a stateless session runs each step in a fresh Pyodide instance (prepared while the
   * model thinks), so no step can leave a process-wide trap (an audit hook) for the next. Off by
   * default: it costs one instance start per step (docs/performance.md).
   */
  freshStatelessSteps?: boolean;
  /**
   * cpython under bubblewrap: fork each episode's interpreter from a fork server (default true,
   * unless the environment variable ALR_CPYTHON_FORK_SERVER is 0; see fork-server.ts). False
   * starts a python3 per episode, as without bubblewrap.
   */
  forkServer?: boolean;
}

/** What a forked interpreter is "launched" with: the fork server does the launching. */
const FORKED: LaunchSpec = {
  command: 'the cpython fork server',
  args: [],
  env: {},
  isolation: 'bubblewrap',
  cleanup() {},
};

export interface Sandbox {
  readonly backend: BackendName;
  openSession(options: SessionOptions): Promise<InterpreterSession>;
  /** Parses code blocks with this backend's Python `ast`. */
  analyzeCode(blocks: string[]): Promise<CodeAnalysis[]>;
  /** Python version of this backend's interpreter (starts one if needed). */
  pythonVersion(): Promise<string>;
  /** Whether processes run under bubblewrap. */
  isolation(): 'bubblewrap' | 'none';
  shutdown(): Promise<void>;
}

/** Interpreter processes tried before opening a session fails. */
const OPEN_ATTEMPTS = 2;

class SandboxImpl implements Sandbox {
  readonly backend: BackendName;
  private readonly poolSize: number;
  private readonly isolationMode: IsolationMode;
  private readonly memoryLimitMb: number;
  private readonly warm: Array<Promise<InterpreterChannel>> = [];
  private readonly live = new Set<InterpreterChannel>();
  private readonly sessions = new Set<InterpreterSession>();
  private stopped = false;
  private version: string | undefined;
  private resolvedIsolation: 'bubblewrap' | 'none' | undefined;
  private readonly recycle: 'process' | 'namespace';
  private readonly useSnapshot: boolean;
  private readonly hosts: PyodideHostPool | undefined;
  readonly freshStatelessSteps: boolean;
  private readonly forkServer: ForkServer | null;

  constructor(options: SandboxOptions) {
    this.backend = options.backend ?? 'pyodide';
    if (this.backend !== 'pyodide' && this.backend !== 'cpython')
      throw new SandboxError(`unknown sandbox backend '${this.backend}'`);
    this.poolSize = Math.max(0, options.poolSize ?? 1);
    this.isolationMode = options.isolation ?? 'auto';
    this.memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    this.recycle = options.recycle ?? 'process';
    this.useSnapshot = options.snapshot ?? true;
    // cpython: a stateless step always runs in a process no earlier step touched (a process-wide
    // trap such as an audit hook cannot be undone in place); with the fork server that costs a fork.
    // pyodide: on request, since a fresh instance costs hundreds of milliseconds of CPU.
    this.freshStatelessSteps = this.backend === 'cpython' || (options.freshStatelessSteps ?? false);
    this.forkServer =
      this.backend === 'cpython' &&
      (options.forkServer ?? process.env.ALR_CPYTHON_FORK_SERVER !== '0') &&
      this.isolationMode !== 'none'
        ? new ForkServer({ isolation: this.isolationMode, memoryLimitMb: this.memoryLimitMb })
        : null;
    if (this.backend === 'pyodide') {
      if (this.useSnapshot) void preparePyodideSnapshot(this.isolationMode);
      this.hosts = new PyodideHostPool(
        this.isolationMode,
        this.useSnapshot,
        options.sessionsPerHost ?? DEFAULT_SESSIONS_PER_HOST,
      );
    }
    this.fill();
  }

  private start(memoryLimitMb: number): Promise<InterpreterChannel> {
    const started = this.hosts ? this.hosts.start(memoryLimitMb) : this.startProcess(memoryLimitMb);
    return started.then((proc) => {
      if (this.hosts) this.resolvedIsolation = proc.isolation;
      this.version = proc.python;
      this.live.add(proc);
      // An idle warm interpreter does not keep the harness alive; a session's does.
      proc.setReferenced(false);
      proc.onExit(() => this.live.delete(proc));
      if (this.stopped) proc.kill();
      return proc;
    });
  }

  private async startProcess(memoryLimitMb: number): Promise<InterpreterProcess> {
    const forkServer = this.forkServer;
    // A fork server that failed to start (killed while starting) costs this start its fork, not
    // the start itself: it goes the per-episode way, and the next start tries a fork server again.
    if (forkServer && (await forkServer.available().catch(() => false))) {
      this.resolvedIsolation = 'bubblewrap';
      return InterpreterProcess.start(FORKED, memoryLimitMb, () => forkServer.fork(memoryLimitMb));
    }
    const spec = launchSpec(this.backend, {
      isolation: this.isolationMode,
      memoryLimitMb,
      pyodideSnapshot: this.backend === 'pyodide' && this.useSnapshot ? pyodideSnapshot() : null,
    });
    this.resolvedIsolation = spec.isolation;
    return InterpreterProcess.start(spec, memoryLimitMb);
  }

  private fill(): void {
    while (!this.stopped && this.warm.length < this.poolSize) {
      const pending = this.start(this.memoryLimitMb);
      pending.catch(() => {});
      this.warm.push(pending);
    }
  }

  /** A ready process: from the pool when the memory limit matches, else a fresh one. */
  async acquire(memoryLimitMb: number): Promise<InterpreterChannel> {
    if (this.stopped) throw new Error('the sandbox was shut down');
    if (memoryLimitMb !== this.memoryLimitMb) {
      const proc = await this.start(memoryLimitMb);
      proc.setReferenced(true);
      return proc;
    }
    while (this.warm.length > 0) {
      const next = this.warm.shift() as Promise<InterpreterChannel>;
      this.fill();
      try {
        const proc = await next;
        if (proc.alive) {
          proc.setReferenced(true);
          return proc;
        }
      } catch {
        // A failed warm start: try a direct start below, which reports the error.
      }
    }
    const proc = await this.start(memoryLimitMb);
    proc.setReferenced(true);
    this.fill();
    return proc;
  }

  release(proc: InterpreterChannel, clean: boolean): void {
    if (
      this.stopped ||
      !clean ||
      this.recycle !== 'namespace' ||
      !proc.alive ||
      proc.memoryLimitMb !== this.memoryLimitMb
    ) {
      proc.kill();
      return;
    }
    const reset = proc
      .request({ op: 'reset' }, (m): m is { op: 'reset_done' } => m.op === 'reset_done', 30_000)
      .then(() => {
        proc.setReferenced(false);
        return proc;
      });
    reset.catch(() => proc.kill());
    this.warm.unshift(reset);
    while (this.warm.length > this.poolSize + 1)
      this.warm.pop()?.then(
        (p) => p.kill(),
        () => {},
      );
  }

  async openSession(options: SessionOptions): Promise<InterpreterSession> {
    const memory = options.memoryLimitMb ?? this.memoryLimitMb;
    let session: Session;
    for (let attempt = 1; ; attempt++) {
      const proc = await this.acquire(memory);
      session = new Session({ ...options, memoryLimitMb: memory }, proc, this);
      try {
        await session.initialize();
        break;
      } catch (err) {
        proc.kill();
        // A process that died while being set up (killed from outside, out of memory) is replaced
        // once; an error that repeats is a real one.
        if (this.stopped || attempt >= OPEN_ATTEMPTS) throw err;
      }
    }
    this.sessions.add(session);
    const close = session.close.bind(session);
    session.close = async () => {
      this.sessions.delete(session);
      await close();
    };
    return withRuntimeSpec(session, options);
  }

  async analyzeCode(blocks: string[]): Promise<CodeAnalysis[]> {
    const proc = await this.acquire(this.memoryLimitMb);
    try {
      return await requestAnalysis(proc, blocks);
    } finally {
      proc.kill();
    }
  }

  async pythonVersion(): Promise<string> {
    if (this.version) return this.version;
    const proc = await this.acquire(this.memoryLimitMb);
    this.warm.unshift(Promise.resolve(proc));
    return proc.python;
  }

  isolation(): 'bubblewrap' | 'none' {
    return (
      this.resolvedIsolation ??
      launchSpec(this.backend, { isolation: this.isolationMode, memoryLimitMb: 64 }).isolation
    );
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const session of [...this.sessions]) await session.close();
    const pending = this.warm.splice(0);
    for (const proc of this.live) proc.kill();
    this.forkServer?.shutdown();
    await Promise.allSettled(pending.map((p) => p.then((proc) => proc.kill())));
    await this.hosts?.shutdown();
  }
}

function isAnalysis(m: { op: string }): m is { op: 'analysis'; results: unknown[] } {
  return m.op === 'analysis';
}

/** Sends blocks to a ready process for analysis and checks the answer's shape. */
export async function requestAnalysis(proc: InterpreterChannel, blocks: string[]): Promise<CodeAnalysis[]> {
  const answer = await proc.request({ op: 'analyze', blocks }, isAnalysis, 120_000);
  if (answer.results.length !== blocks.length)
    throw new Error('code analysis returned a wrong number of results');
  return answer.results.map((r) => {
    const v = r as Record<string, unknown>;
    const names = (x: unknown) =>
      Array.isArray(x) ? x.filter((n): n is string => typeof n === 'string') : [];
    return {
      parsed: v.parsed === true,
      bound: names(v.bound),
      loaded: names(v.loaded),
      imports: names(v.imports),
      free: names(v.free),
    };
  });
}

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  return new SandboxImpl(options);
}
