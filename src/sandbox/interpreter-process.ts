/**
 * One interpreter child process (either backend): starts it, waits until Python is ready, and
 * exchanges line-delimited JSON messages with it. Anything malformed from the child ends it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { START_TIMEOUT_MS } from './defaults.js';
import type { LaunchSpec } from './isolation.js';
import { processTreeRss } from './memory.js';
import { type ChildMessage, parseChildMessage } from './protocol.js';

const STDERR_TAIL = 4000;

export class InterpreterProcess {
  private listener: ((message: ChildMessage) => void) | null = null;
  private exitListeners: Array<(reason: string) => void> = [];
  private stderrTail = '';
  private exitReason: string | null = null;
  python = '';
  /** pyodide: whether the interpreter started from the memory snapshot. */
  fromSnapshot = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly spec: LaunchSpec,
    readonly memoryLimitMb: number,
  ) {}

  /** Starts a process and resolves once its Python runtime is loaded. */
  static start(spec: LaunchSpec, memoryLimitMb: number): Promise<InterpreterProcess> {
    const child = spawn(spec.command, spec.args, {
      env: spec.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: false,
    });
    const proc = new InterpreterProcess(child, spec, memoryLimitMb);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill();
        reject(new Error(`interpreter did not start within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      proc.listener = (message) => {
        if (message.op === 'ready') {
          clearTimeout(timer);
          proc.python = message.python;
          proc.fromSnapshot = message.fromSnapshot === true;
          proc.listener = null;
          resolve(proc);
        }
      };
      proc.onExit((reason) => {
        clearTimeout(timer);
        reject(new Error(`interpreter failed to start: ${reason}`));
      });
      proc.wire();
    });
  }

  private wire(): void {
    const child = this.child;
    child.stdin?.on('error', () => {});
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (this.exitReason !== null || !line.trim()) return;
      const message = parseChildMessage(line);
      if (!message) {
        this.finish(`the interpreter sent a malformed message (${JSON.stringify(line.slice(0, 80))})`);
        return;
      }
      this.listener?.(message);
    });
    child.on('error', (err) => this.finish(`could not run ${this.spec.command}: ${err.message}`));
    child.on('exit', (code, signal) => {
      const detail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
      this.finish(`process exited (${signal ?? `code ${code}`})${detail ? `: ${detail.slice(0, 300)}` : ''}`);
    });
  }

  private finish(reason: string): void {
    if (this.exitReason !== null) return;
    this.exitReason = reason;
    this.kill();
    this.spec.cleanup();
    for (const listener of this.exitListeners) listener(reason);
    this.exitListeners = [];
  }

  get alive(): boolean {
    return this.exitReason === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isolation(): 'bubblewrap' | 'none' {
    return this.spec.isolation;
  }

  onMessage(listener: ((message: ChildMessage) => void) | null): void {
    this.listener = listener;
  }

  onExit(listener: (reason: string) => void): () => void {
    if (this.exitReason !== null) {
      listener(this.exitReason);
      return () => {};
    }
    this.exitListeners.push(listener);
    return () => {
      this.exitListeners = this.exitListeners.filter((l) => l !== listener);
    };
  }

  send(message: unknown): void {
    if (this.exitReason !== null) return;
    this.child.stdin?.write(`${JSON.stringify(message)}\n`);
  }

  /** Resident memory of the whole process tree in bytes (null where it cannot be measured). */
  rss(): number | null {
    return this.child.pid === undefined ? null : processTreeRss(this.child.pid);
  }

  /** Ends the process tree (bubblewrap takes its sandbox down with it). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      try {
        this.child.kill('SIGKILL');
      } catch {}
    }
    if (this.exitReason === null) this.finish('killed by the harness');
  }

  /** Lets the harness exit while this process idles (used by the shared analysis process). */
  setReferenced(referenced: boolean): void {
    const handles = [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as Array<{
      ref?: () => void;
      unref?: () => void;
    } | null>;
    for (const h of handles) (referenced ? h?.ref : h?.unref)?.call(h);
  }

  /** Sends one request and waits for the first reply accepted by `match`. */
  request<T extends ChildMessage>(
    message: unknown,
    match: (m: ChildMessage) => m is T,
    timeoutMs: number,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        this.kill();
        reject(new Error(`the interpreter did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const stopExit = this.onExit((reason) => {
        cleanup();
        reject(new Error(`the interpreter stopped: ${reason}`));
      });
      const cleanup = () => {
        clearTimeout(timer);
        stopExit();
        this.listener = null;
      };
      this.listener = (m) => {
        if (match(m)) {
          cleanup();
          resolve(m);
        } else if (m.op === 'failure') {
          cleanup();
          this.kill();
          reject(new Error(`the interpreter failed: ${m.detail}`));
        }
      };
      this.send(message);
    });
  }
}
