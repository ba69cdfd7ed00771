/**
 * The harness's side of the cpython fork server (python/cpython_zygote.py): one python3 under
 * bubblewrap per sandbox pool that has done every start-up step once and forks an isolated child
 * per episode, so an episode costs a fork instead of an interpreter start. Each child's channel is
 * a connection to the launcher's socket that the zygote opens and announces with a one-time id;
 * its exit is reported by the zygote. A child looks to the rest of the sandbox like any launched
 * process (LaunchedProcess).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { parseJsonRecord } from '../util/is-record.js';
import { childPids, descendantPids } from '../util/process-tree.js';
import { START_TIMEOUT_MS } from './defaults.js';
import { cpythonForkServerLaunch, type IsolationMode } from './isolation.js';
import {
  type HarnessSocket,
  harnessSocket,
  type LaunchedProcess,
  launchProcess,
  type ProcessEnd,
} from './launcher.js';

/** The zygote cannot isolate its children here (no bubblewrap, or no namespaces inside it). */
export class ForkServerUnavailable extends Error {}

interface Child {
  nsPid?: number;
  hostPid?: number;
  stream?: Socket;
  ended?: ProcessEnd;
  referenced: boolean;
  exitListeners: Array<(end: ProcessEnd) => void>;
  settle?: { resolve: (p: LaunchedProcess) => void; reject: (e: Error) => void };
  cancelConnection: () => void;
}

/** A process's pid in each PID namespace it is in, outermost first (the NSpid fields), or null. */
function namespacePids(hostPid: number): number[] | null {
  try {
    const line = /^NSpid:\s*(.*)$/m.exec(readFileSync(`/proc/${hostPid}/status`, 'utf8'))?.[1];
    const pids = line?.trim().split(/\s+/).map(Number);
    return pids && pids.length > 0 ? pids : null;
  } catch {
    return null;
  }
}

function endsWith(pids: number[], tail: number[]): boolean {
  return pids.length >= tail.length && tail.every((p, i) => pids[pids.length - tail.length + i] === p);
}

class Zygote {
  private readonly children = new Map<string, Child>();
  private stopped: string | null = null;
  private hostPid: number | null = null;
  /** How many PID namespaces the zygote is in, as the harness sees it (its NSpid fields). */
  private depth = 0;
  /** Host pids of the zygote's children by their pid in the zygote's PID namespace. */
  private readonly hostPids = new Map<number, number>();
  readonly ready: Promise<string>;

  constructor(
    private readonly proc: LaunchedProcess,
    private readonly socket: HarnessSocket,
  ) {
    let settleReady: { resolve: (python: string) => void; reject: (e: Error) => void } | undefined;
    this.ready = new Promise((resolve, reject) => {
      settleReady = { resolve, reject };
    });
    const timer = setTimeout(() => {
      settleReady?.reject(new Error(`the cpython fork server did not start within ${START_TIMEOUT_MS} ms`));
      proc.kill();
    }, START_TIMEOUT_MS);
    const lines = createInterface({ input: proc.stream, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('error', () => {});
    lines.on('line', (line) => {
      const m = parseJsonRecord(line);
      if (!m) return;
      if (m.op === 'ready') {
        clearTimeout(timer);
        if (m.isolated === true && typeof m.pid === 'number') {
          const nsPids =
            Array.isArray(m.nspid) && m.nspid.length > 0 && m.nspid.every((p) => typeof p === 'number')
              ? (m.nspid as number[])
              : [m.pid];
          this.findHostPid(nsPids);
          settleReady?.resolve(String(m.python));
        } else {
          settleReady?.reject(
            new ForkServerUnavailable(
              `episodes cannot be isolated inside the fork server: ${String(m.detail)}`,
            ),
          );
          proc.kill();
        }
        settleReady = undefined;
      } else this.onReport(m);
    });
    proc.onExit((end) => {
      clearTimeout(timer);
      const detail =
        end.reason ??
        `${end.signal ?? `code ${end.code}`}${end.stderr ? `: ${end.stderr.trim().slice(-300)}` : ''}`;
      settleReady?.reject(new Error(`the cpython fork server stopped before it was ready (${detail})`));
      this.stop(`the cpython fork server stopped (${detail})`);
    });
    proc.setReferenced(false);
  }

  get alive(): boolean {
    return this.stopped === null;
  }

  fork(memoryLimitMb: number): Promise<LaunchedProcess> {
    if (this.stopped) return Promise.reject(new Error(this.stopped));
    const id = randomBytes(16).toString('hex');
    const expected = this.socket.expect(id);
    const child: Child = { referenced: true, exitListeners: [], cancelConnection: expected.cancel };
    this.children.set(id, child);
    const launched = new Promise<LaunchedProcess>((resolve, reject) => {
      child.settle = { resolve, reject };
    });
    void expected.connection.then((stream) => {
      if (!stream) return;
      if (child.ended) {
        stream.destroy();
        return;
      }
      stream.on('error', () => {});
      child.stream = stream;
      this.applyRef(child);
      this.maybeReady(id, child);
    });
    this.updateRef();
    this.proc.stream.write(`${JSON.stringify({ op: 'fork', id, memoryMb: memoryLimitMb })}\n`);
    return launched;
  }

  kill(): void {
    this.proc.kill();
  }

  private onReport(m: Record<string, unknown>): void {
    const id = String(m.id);
    const child = this.children.get(id);
    if (!child) return;
    if (m.op === 'forked' && typeof m.pid === 'number') {
      child.nsPid = m.pid;
      this.maybeReady(id, child);
    } else if (m.op === 'fork_failed') {
      this.end(id, child, { code: null, signal: null, stderr: '' }, new Error(String(m.message)));
    } else if (m.op === 'exit') {
      this.end(id, child, {
        code: typeof m.code === 'number' ? m.code : null,
        signal: typeof m.signal === 'string' ? m.signal : null,
        stderr: '',
      });
    }
  }

  /**
   * The zygote's own pid on the host: the memory watchdog reads children's sizes from /proc. The
   * zygote names itself by its pids as the sandbox's /proc shows them (the last ones of its NSpid
   * fields on the host), which only it has.
   */
  private findHostPid(nsPids: number[]): void {
    for (const pid of [this.proc.pid, ...descendantPids(this.proc.pid)]) {
      const pids = namespacePids(pid);
      if (pids && pids.length > nsPids.length && endsWith(pids, nsPids)) {
        this.hostPid = pid;
        this.depth = pids.length;
      }
    }
  }

  /** An episode's pid on the host: a child of the zygote, found by its pid in the zygote's namespace. */
  private hostPidOf(child: Child): number {
    if (child.hostPid !== undefined) return child.hostPid;
    if (this.hostPid === null || child.nsPid === undefined) return -1;
    if (!this.hostPids.has(child.nsPid)) {
      const known = new Set(this.hostPids.values());
      for (const pid of childPids(this.hostPid)) {
        if (known.has(pid)) continue;
        // Each episode is in one PID namespace more than the zygote, where it is PID 1.
        const inZygote = namespacePids(pid)?.[this.depth - 1];
        if (inZygote !== undefined) this.hostPids.set(inZygote, pid);
      }
    }
    child.hostPid = this.hostPids.get(child.nsPid) ?? -1;
    return child.hostPid;
  }

  private maybeReady(id: string, child: Child): void {
    if (child.nsPid === undefined || !child.stream || !child.settle) return;
    const { resolve } = child.settle;
    child.settle = undefined;
    const stream = child.stream;
    let killed = false;
    const zygote = this;
    resolve({
      get pid() {
        return zygote.hostPidOf(child);
      },
      stream,
      onExit: (listener) => {
        if (child.ended) listener(child.ended);
        else child.exitListeners.push(listener);
      },
      kill: () => {
        stream.destroy();
        if (killed || child.ended || this.stopped) return;
        killed = true;
        this.proc.stream.write(`${JSON.stringify({ op: 'kill', id })}\n`);
      },
      setReferenced: (referenced) => {
        child.referenced = referenced;
        this.applyRef(child);
        this.updateRef();
      },
    });
    this.updateRef();
  }

  private end(id: string, child: Child, end: ProcessEnd, error?: Error): void {
    if (child.ended) return;
    child.ended = end;
    this.children.delete(id);
    if (child.nsPid !== undefined) this.hostPids.delete(child.nsPid);
    child.cancelConnection();
    child.stream?.destroy();
    child.settle?.reject(
      error ?? new Error(end.reason ?? `process exited (${end.signal ?? `code ${end.code}`})`),
    );
    child.settle = undefined;
    for (const listener of child.exitListeners) listener(end);
    child.exitListeners = [];
    this.updateRef();
  }

  private applyRef(child: Child): void {
    if (child.referenced) child.stream?.ref();
    else child.stream?.unref();
  }

  /** The zygote keeps the harness alive while a fork is pending or a referenced child lives. */
  private updateRef(): void {
    if (this.stopped) return;
    this.proc.setReferenced([...this.children.values()].some((c) => c.referenced));
  }

  private stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = reason;
    for (const [id, child] of [...this.children])
      this.end(id, child, { code: null, signal: null, stderr: '', reason });
  }
}

export interface ForkServerOptions {
  isolation: IsolationMode;
  memoryLimitMb: number;
}

/** A sandbox pool's fork server: started on first use, started again after it died. */
export class ForkServer {
  private zygote: Promise<Zygote> | null = null;
  private running: Zygote | null = null;
  private unavailable: string | null = null;
  private shutDown = false;

  constructor(private readonly options: ForkServerOptions) {}

  /**
   * Whether episodes can be forked here; starts the zygote if none runs. False for good when the
   * zygote reported that it cannot isolate its children (then each episode gets its own process).
   */
  async available(): Promise<boolean> {
    if (this.unavailable !== null || this.shutDown) return false;
    try {
      await this.current();
      return true;
    } catch (err) {
      if (err instanceof ForkServerUnavailable) {
        this.unavailable = err.message;
        return false;
      }
      throw err;
    }
  }

  /** Why available() is false, if it is. */
  get reason(): string | null {
    return this.unavailable;
  }

  async fork(memoryLimitMb: number): Promise<LaunchedProcess> {
    const zygote = await this.current();
    return zygote.fork(memoryLimitMb);
  }

  shutdown(): void {
    this.shutDown = true;
    void this.zygote?.then(
      (z) => z.kill(),
      () => {},
    );
  }

  private current(): Promise<Zygote> {
    if (this.shutDown) return Promise.reject(new Error('the sandbox was shut down'));
    if (this.running && !this.running.alive) {
      this.running = null;
      this.zygote = null;
    }
    if (!this.zygote) {
      const started = this.start();
      this.zygote = started;
      started.catch(() => {
        if (this.zygote === started) this.zygote = null;
      });
    }
    return this.zygote;
  }

  private async start(): Promise<Zygote> {
    const socket = await harnessSocket();
    const spec = cpythonForkServerLaunch(this.options, socket.path);
    if (!spec) throw new ForkServerUnavailable('bubblewrap is not in use');
    const zygote = new Zygote(await launchProcess(spec), socket);
    await zygote.ready;
    if (this.shutDown) zygote.kill();
    this.running = zygote;
    return zygote;
  }
}
