/**
 * One interpreter child process (either backend): starts it, waits until Python is ready, and
 * exchanges line-delimited JSON messages with it. Anything malformed from the child ends it.
 */
import { createInterface } from 'node:readline';
import { START_TIMEOUT_MS } from './defaults.js';
import { ExitNotice } from './exit-notice.js';
import { requestReply } from './interpreter-channel.js';
import type { LaunchSpec } from './isolation.js';
import { type LaunchedProcess, launchProcess, type ProcessEnd } from './launcher.js';
import { ProcessTreeMemory } from './memory.js';
import { type ChildMessage, parseChildMessage } from './protocol.js';

export class InterpreterProcess {
  private listener: ((message: ChildMessage) => void) | null = null;
  private readonly exit = new ExitNotice();
  private memory: ProcessTreeMemory | undefined;
  python = '';
  /** pyodide: whether the interpreter started from the memory snapshot. */
  fromSnapshot = false;

  private constructor(
    private readonly child: LaunchedProcess,
    private readonly spec: LaunchSpec,
    readonly memoryLimitMb: number,
  ) {}

  /**
   * Starts a process (through the launcher, or `launch`: the cpython fork server) and resolves
   * once its Python runtime is loaded.
   */
  static start(
    spec: LaunchSpec,
    memoryLimitMb: number,
    launch: (spec: LaunchSpec) => Promise<LaunchedProcess> = launchProcess,
  ): Promise<InterpreterProcess> {
    return new Promise((resolve, reject) => {
      let proc: InterpreterProcess | undefined;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        if (proc) proc.kill();
        else spec.cleanup();
        reject(new Error(`interpreter did not start within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      launch(spec).then(
        (child) => {
          proc = new InterpreterProcess(child, spec, memoryLimitMb);
          if (timedOut) {
            proc.kill();
            return;
          }
          const started = proc;
          started.listener = (message) => {
            if (message.op === 'ready') {
              clearTimeout(timer);
              started.python = message.python;
              started.fromSnapshot = message.fromSnapshot === true;
              started.listener = null;
              resolve(started);
            }
          };
          started.onExit((reason) => {
            clearTimeout(timer);
            reject(new Error(`interpreter failed to start: ${reason}`));
          });
          started.wire();
        },
        (err: Error) => {
          clearTimeout(timer);
          spec.cleanup();
          reject(new Error(`interpreter failed to start: could not run ${spec.command}: ${err.message}`));
        },
      );
    });
  }

  private wire(): void {
    const lines = createInterface({ input: this.child.stream, crlfDelay: Infinity });
    // A reset connection is the process dying; the launcher's exit report says how.
    lines.on('error', () => {});
    lines.on('line', (line) => {
      if (this.exit.ended || !line.trim()) return;
      const message = parseChildMessage(line);
      if (!message) {
        this.finish(`the interpreter sent a malformed message (${JSON.stringify(line.slice(0, 80))})`);
        return;
      }
      this.listener?.(message);
    });
    this.child.onExit((end: ProcessEnd) => {
      if (end.reason) {
        this.finish(end.reason);
        return;
      }
      const detail = end.stderr.trim().split('\n').slice(-3).join(' | ');
      this.finish(
        `process exited (${end.signal ?? `code ${end.code}`})${detail ? `: ${detail.slice(0, 300)}` : ''}`,
      );
    });
  }

  private finish(reason: string): void {
    this.exit.end(reason, () => {
      this.kill();
      this.spec.cleanup();
    });
  }

  get alive(): boolean {
    return !this.exit.ended;
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
    return this.exit.listen(listener);
  }

  send(message: unknown): void {
    if (this.exit.ended || this.child.stream.destroyed) return;
    this.child.stream.write(`${JSON.stringify(message)}\n`);
  }

  /** Resident memory of the whole process tree in bytes (null where it cannot be measured). */
  rss(): number | null {
    this.memory ??= new ProcessTreeMemory(this.child.pid);
    return this.memory.rss();
  }

  /** Ends the process tree (bubblewrap takes its sandbox down with it). */
  kill(): void {
    this.child.kill();
    this.finish('killed by the harness');
  }

  /** Lets the harness exit while this process idles (used by the shared analysis process). */
  setReferenced(referenced: boolean): void {
    this.child.setReferenced(referenced);
  }

  /** Sends one request and waits for the first reply accepted by `match`. */
  request<T extends ChildMessage>(
    message: unknown,
    match: (m: ChildMessage) => m is T,
    timeoutMs: number,
  ): Promise<T> {
    return requestReply(this, message, match, timeoutMs);
  }
}
