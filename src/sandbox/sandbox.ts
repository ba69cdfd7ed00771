/**
 * The sandbox: a pool of warm interpreter processes of one backend. Each episode gets a process of
 * its own (taken warm from the pool, so opening a session is cheap) and the process is discarded
 * when the episode ends; nothing of one episode can reach the next.
 */

import { withRuntimeSpec } from '../runtime/open-session.js';
import { DEFAULT_MEMORY_LIMIT_MB } from './defaults.js';
import type { BackendName, CodeAnalysis, InterpreterSession, SessionOptions } from './interpreter.js';
import { InterpreterProcess } from './interpreter-process.js';
import { type IsolationMode, launchSpec } from './isolation.js';
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
}

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
  private readonly warm: Array<Promise<InterpreterProcess>> = [];
  private readonly live = new Set<InterpreterProcess>();
  private readonly sessions = new Set<InterpreterSession>();
  private stopped = false;
  private version: string | undefined;
  private resolvedIsolation: 'bubblewrap' | 'none' | undefined;
  private readonly recycle: 'process' | 'namespace';
  private readonly useSnapshot: boolean;

  constructor(options: SandboxOptions) {
    this.backend = options.backend ?? 'pyodide';
    if (this.backend !== 'pyodide' && this.backend !== 'cpython')
      throw new Error(`unknown sandbox backend '${this.backend}'`);
    this.poolSize = Math.max(0, options.poolSize ?? 1);
    this.isolationMode = options.isolation ?? 'auto';
    this.memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    this.recycle = options.recycle ?? 'process';
    this.useSnapshot = options.snapshot ?? true;
    if (this.backend === 'pyodide' && this.useSnapshot) {
      // The first processes start the slow way while the snapshot is being made.
      void preparePyodideSnapshot(this.isolationMode);
    }
    this.fill();
  }

  private start(memoryLimitMb: number): Promise<InterpreterProcess> {
    const spec = launchSpec(this.backend, {
      isolation: this.isolationMode,
      memoryLimitMb,
      pyodideSnapshot: this.backend === 'pyodide' && this.useSnapshot ? pyodideSnapshot() : null,
    });
    this.resolvedIsolation = spec.isolation;
    return InterpreterProcess.start(spec, memoryLimitMb).then((proc) => {
      this.version = proc.python;
      this.live.add(proc);
      // An idle warm process does not keep the harness alive; a session's process does.
      proc.setReferenced(false);
      proc.onExit(() => this.live.delete(proc));
      if (this.stopped) proc.kill();
      return proc;
    });
  }

  private fill(): void {
    while (!this.stopped && this.warm.length < this.poolSize) {
      const pending = this.start(this.memoryLimitMb);
      pending.catch(() => {});
      this.warm.push(pending);
    }
  }

  /** A ready process: from the pool when the memory limit matches, else a fresh one. */
  async acquire(memoryLimitMb: number): Promise<InterpreterProcess> {
    if (this.stopped) throw new Error('the sandbox was shut down');
    if (memoryLimitMb !== this.memoryLimitMb) {
      const proc = await this.start(memoryLimitMb);
      proc.setReferenced(true);
      return proc;
    }
    while (this.warm.length > 0) {
      const next = this.warm.shift() as Promise<InterpreterProcess>;
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

  release(proc: InterpreterProcess, clean: boolean): void {
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
    await Promise.allSettled(pending.map((p) => p.then((proc) => proc.kill())));
  }
}

function isAnalysis(m: { op: string }): m is { op: 'analysis'; results: unknown[] } {
  return m.op === 'analysis';
}

/** Sends blocks to a ready process for analysis and checks the answer's shape. */
export async function requestAnalysis(proc: InterpreterProcess, blocks: string[]): Promise<CodeAnalysis[]> {
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
