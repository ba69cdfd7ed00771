/**
 * The harness's side of one multi-session pyodide host process (child/pyodide-host.ts): starts it,
 * opens sessions in it (each a worker thread with its own Pyodide instance) and routes the lines it
 * writes to them. Everything the host writes is untrusted: a line that is not well formed ends
 * the whole host, a malformed message from one session ends that session.
 */
import { createInterface } from 'node:readline';
import { parseJsonRecord } from '../util/is-record.js';
import { MEMORY_POLL_MS, START_TIMEOUT_MS } from './defaults.js';
import { ExitNotice } from './exit-notice.js';
import { type InterpreterChannel, requestReply } from './interpreter-channel.js';
import type { LaunchSpec } from './isolation.js';
import { type LaunchedProcess, launchProcess, type ProcessEnd } from './launcher.js';
import { ProcessTreeMemory } from './memory.js';
import { type ChildMessage, parseChildMessage } from './protocol.js';

/** The host's own resident memory beyond its sessions' limits (Node, the shared compiled code). */
const HOST_BASE_MB = 256;

export class PyodideHostConnection {
  private readonly workers = new Map<number, PyodideWorker>();
  private nextSid = 1;
  private readonly exit = new ExitNotice();
  private readonly memory: ProcessTreeMemory;
  private memoryTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly child: LaunchedProcess,
    readonly isolation: 'bubblewrap' | 'none',
  ) {
    this.memory = new ProcessTreeMemory(child.pid);
  }

  /** Starts a host process and resolves once it has compiled Pyodide and can open sessions. */
  static start(spec: LaunchSpec): Promise<PyodideHostConnection> {
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      let host: PyodideHostConnection | undefined;
      const timer = setTimeout(() => {
        host?.kill();
        reject(new Error(`the pyodide host did not start within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      launchProcess(spec).then(
        (child) => {
          host = new PyodideHostConnection(child, spec.isolation);
          const started = host;
          started.onExit((reason) => fail(new Error(`the pyodide host failed to start: ${reason}`)));
          started.wire(() => {
            clearTimeout(timer);
            resolve(started);
          });
        },
        (err: Error) => fail(new Error(`the pyodide host failed to start: ${err.message}`)),
      );
    });
  }

  private wire(onReady: () => void): void {
    const lines = createInterface({ input: this.child.stream, crlfDelay: Infinity });
    lines.on('error', () => {});
    lines.on('line', (line) => {
      if (this.exit.ended || !line) return;
      const tab = line.indexOf('\t');
      const sid = tab > 0 && tab <= 12 ? Number(line.slice(0, tab)) : Number.NaN;
      if (!Number.isSafeInteger(sid) || sid < 0) {
        this.finish(`the pyodide host sent a malformed line (${JSON.stringify(line.slice(0, 80))})`);
        return;
      }
      const payload = line.slice(tab + 1);
      if (payload.startsWith('!')) {
        const body = parseJsonRecord(payload.slice(1));
        if (sid === 0 && body?.event === 'host-ready') onReady();
        else if (body?.event === 'idle') this.workers.get(sid)?.markIdle();
        else if (body?.event === 'exit')
          this.workers
            .get(sid)
            ?.finish(
              body.kind === 'memory'
                ? `out of memory: ${String(body.detail ?? '').slice(0, 300)}`
                : `worker stopped: ${String(body.detail ?? '').slice(0, 300)}`,
              body.kind === 'memory',
            );
        return;
      }
      const worker = this.workers.get(sid);
      if (!worker) return;
      const message = parseChildMessage(payload);
      if (!message)
        worker.finish(`the interpreter sent a malformed message (${JSON.stringify(payload.slice(0, 80))})`);
      else worker.deliver(message);
    });
    this.child.onExit((end: ProcessEnd) => {
      const detail = end.stderr.trim().split('\n').slice(-3).join(' | ');
      this.finish(
        end.reason ??
          `process exited (${end.signal ?? `code ${end.code}`})${detail ? `: ${detail.slice(0, 300)}` : ''}`,
      );
    });
  }

  private finish(reason: string): void {
    this.exit.end(reason, () => {
      clearInterval(this.memoryTimer);
      this.child.kill();
      for (const worker of [...this.workers.values()]) worker.finish(reason);
      this.workers.clear();
    });
  }

  onExit(listener: (reason: string) => void): void {
    this.exit.listen(listener);
  }

  get alive(): boolean {
    return !this.exit.ended;
  }

  get pid(): number {
    return this.child.pid;
  }

  /** Sessions open or being opened in this host. */
  get sessions(): number {
    return this.workers.size;
  }

  /** Opens a session: a worker thread with a fresh Pyodide instance, resolved once Python is ready. */
  open(memoryLimitMb: number): Promise<PyodideWorker> {
    if (this.exit.ended) return Promise.reject(new Error(`the pyodide host stopped: ${this.exit.reason}`));
    const sid = this.nextSid++;
    const worker = new PyodideWorker(this, sid, memoryLimitMb);
    this.workers.set(sid, worker);
    this.watchMemory();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        worker.kill();
        reject(new Error(`interpreter did not start within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      const stopExit = worker.onExit((reason) => {
        clearTimeout(timer);
        reject(new Error(`interpreter failed to start: ${reason}`));
      });
      worker.onMessage((message) => {
        if (message.op !== 'ready') return;
        clearTimeout(timer);
        stopExit();
        worker.onMessage(null);
        worker.python = message.python;
        worker.fromSnapshot = message.fromSnapshot === true;
        resolve(worker);
      });
      this.send(sid, { op: 'open', memoryLimitMb });
    });
  }

  send(sid: number, message: object): void {
    if (this.exit.ended || this.child.stream.destroyed) return;
    this.child.stream.write(`${JSON.stringify({ ...message, sid })}\n`);
  }

  /** Called by a worker that ended: the host forgets it (and ends its thread if it still runs). */
  forget(sid: number): void {
    if (!this.workers.delete(sid)) return;
    this.send(sid, { op: 'close' });
    this.updateReference();
  }

  updateReference(): void {
    this.child.setReferenced([...this.workers.values()].some((w) => w.referenced));
  }

  /**
   * Each worker's wasm memory is capped inside the host; this catches what the cap does not see
   * (memory reached through the JS bridge): when the host as a whole exceeds the sum of its
   * sessions' limits, the sessions that are running code are ended (idle ones cannot allocate).
   */
  private watchMemory(): void {
    if (this.memoryTimer) return;
    this.memoryTimer = setInterval(() => {
      const busy = [...this.workers.values()].filter((w) => !w.idle);
      if (busy.length === 0) return;
      const budget = [...this.workers.values()].reduce((sum, w) => sum + w.memoryLimitMb, HOST_BASE_MB);
      const rss = this.memory.rss();
      if (rss !== null && rss > budget * 1048576)
        for (const worker of busy)
          worker.finish(
            `resident memory of the host ${Math.round(rss / 1048576)} MiB over ${budget} MiB`,
            true,
          );
    }, MEMORY_POLL_MS * 5);
    this.memoryTimer.unref();
  }

  kill(): void {
    this.finish('killed by the harness');
  }
}

/** One session of a pyodide host, used by Session like an interpreter process of its own. */
export class PyodideWorker implements InterpreterChannel {
  python = '';
  fromSnapshot = false;
  referenced = false;
  /** False from a request until the worker reports that everything it left behind has run. */
  idle = true;
  private listener: ((message: ChildMessage) => void) | null = null;
  private idleWaiters: Array<() => void> = [];
  private readonly exit = new ExitNotice();
  /** Set when the worker ended because of memory: the next step reports a memory incident. */
  exitedForMemory = false;

  constructor(
    private readonly host: PyodideHostConnection,
    private readonly sid: number,
    readonly memoryLimitMb: number,
  ) {}

  get alive(): boolean {
    return !this.exit.ended;
  }

  get isolation(): 'bubblewrap' | 'none' {
    return this.host.isolation;
  }

  /** The host process (shared with other sessions). */
  get hostPid(): number {
    return this.host.pid;
  }

  deliver(message: ChildMessage): void {
    if (!this.exit.ended) this.listener?.(message);
  }

  markIdle(): void {
    this.idle = true;
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  finish(reason: string, memory = false): void {
    this.exit.end(reason, () => {
      this.exitedForMemory = memory;
      this.host.forget(this.sid);
      this.markIdle();
    });
  }

  onMessage(listener: ((message: ChildMessage) => void) | null): void {
    this.listener = listener;
  }

  onExit(listener: (reason: string) => void): () => void {
    return this.exit.listen(listener);
  }

  send(message: unknown): void {
    if (this.exit.ended || typeof message !== 'object' || message === null) return;
    const op = (message as { op?: unknown }).op;
    if (op !== 'interrupt' && op !== 'tool_result') this.idle = false;
    this.host.send(this.sid, message);
  }

  /** Null: sessions share the host's memory; each one's wasm memory is capped inside the host. */
  rss(): number | null {
    return null;
  }

  kill(): void {
    this.finish('killed by the harness');
  }

  setReferenced(referenced: boolean): void {
    this.referenced = referenced;
    this.host.updateReference();
  }

  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.idle) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  request<T extends ChildMessage>(
    message: unknown,
    match: (m: ChildMessage) => m is T,
    timeoutMs: number,
  ): Promise<T> {
    return requestReply(this, message, match, timeoutMs);
  }
}
