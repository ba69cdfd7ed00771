/**
 * The pyodide hosts of one sandbox: long-lived processes (bubblewrap + Node under the permission
 * model) that each run up to `sessionsPerHost` sessions, one worker thread and one Pyodide instance
 * per session. A host is started when every running one is full, and ended with the sandbox.
 */
import { availableParallelism } from 'node:os';
import { type IsolationMode, pyodideLaunch } from './isolation.js';
import { PyodideHostConnection, type PyodideWorker } from './pyodide-host-connection.js';
import { preparePyodideSnapshot } from './pyodide-snapshot.js';

// A host with its first three sessions took 1.2-1.7 s of CPU to start (its first session records
// what the others start from), and a host holds about 240 MB: 64 concurrent episodes and the
// sessions `alr run` keeps in reserve fit one host.
export const DEFAULT_SESSIONS_PER_HOST = 80;

// A session's start is a burst of about 0.2 s of CPU. With 256 episodes on 2 cores, starting them
// all together slowed the steps already running past their 30 s limit; with one start per core at
// a time none did (docs/performance.md, "Pyodide under overload").
const STARTS_AT_ONCE = Math.max(2, availableParallelism());

export class PyodideHostPool {
  private readonly hosts: Array<Promise<PyodideHostConnection>> = [];
  /** Sessions being opened, per host (counted before the host knows of them). */
  private readonly opening = new Map<Promise<PyodideHostConnection>, number>();
  private stopped = false;
  /** Sessions being started now, and the starts waiting for one of them to finish. */
  private starting = 0;
  private readonly waitingStarts: Array<() => void> = [];
  isolation: 'bubblewrap' | 'none' | undefined;

  constructor(
    private readonly isolationMode: IsolationMode,
    private readonly useSnapshot: boolean,
    private readonly sessionsPerHost: number,
    private readonly startsAtOnce = STARTS_AT_ONCE,
  ) {
    if (!(Number.isInteger(sessionsPerHost) && sessionsPerHost >= 1))
      throw new Error('sessionsPerHost must be a positive integer');
  }

  /** Starts waiting for a slot (see `start`). */
  get startsWaiting(): number {
    return this.waitingStarts.length;
  }

  private async launch(): Promise<PyodideHostConnection> {
    // Every session of a host starts from the snapshot the host loaded: wait for it (it is made
    // once per cache directory; a failure only means slower starts). The process that makes it
    // does not keep Node running, so a session being opened does, until it is there.
    const keepAlive = setInterval(() => {}, 1000);
    let snapshot: string | null;
    try {
      snapshot = this.useSnapshot ? await preparePyodideSnapshot(this.isolationMode) : null;
    } finally {
      clearInterval(keepAlive);
    }
    const spec = pyodideLaunch({
      isolation: this.isolationMode,
      memoryLimitMb: 1024,
      pyodideSnapshot: snapshot,
      pyodideSessions: 'multi',
    });
    this.isolation = spec.isolation;
    const host = await PyodideHostConnection.start(spec);
    if (this.stopped) host.kill();
    return host;
  }

  /** A host with room for one more session (a new one when all are full or gone). */
  private async pick(): Promise<{ pending: Promise<PyodideHostConnection> }> {
    // The slot is reserved where the host is chosen (no await in between): concurrent starts see it.
    for (let i = 0; i < this.hosts.length; i++) {
      const pending = this.hosts[i] as Promise<PyodideHostConnection>;
      let host: PyodideHostConnection;
      try {
        host = await pending;
      } catch {
        this.hosts.splice(i--, 1);
        continue;
      }
      if (!host.alive) {
        this.hosts.splice(i--, 1);
        continue;
      }
      if (host.sessions + (this.opening.get(pending) ?? 0) < this.sessionsPerHost)
        return this.reserve(pending);
    }
    const pending = this.launch();
    pending.catch(() => {});
    this.hosts.push(pending);
    return this.reserve(pending);
  }

  private reserve(pending: Promise<PyodideHostConnection>): { pending: Promise<PyodideHostConnection> } {
    this.opening.set(pending, (this.opening.get(pending) ?? 0) + 1);
    return { pending };
  }

  /**
   * A new session: a fresh Pyodide instance in its own worker thread. Waits while `startsAtOnce`
   * others are starting; the start's own time limit counts from when it begins.
   */
  async start(memoryLimitMb: number): Promise<PyodideWorker> {
    if (this.starting < this.startsAtOnce) this.starting++;
    else await new Promise<void>((resolve) => this.waitingStarts.push(resolve));
    try {
      return await this.startNow(memoryLimitMb);
    } finally {
      // The slot passes to the next waiting start, if any.
      const next = this.waitingStarts.shift();
      if (next) next();
      else this.starting--;
    }
  }

  private async startNow(memoryLimitMb: number): Promise<PyodideWorker> {
    if (this.stopped) throw new Error('the sandbox was shut down');
    const { pending } = await this.pick();
    let host: PyodideHostConnection;
    try {
      host = await pending;
    } finally {
      this.opening.set(pending, (this.opening.get(pending) ?? 1) - 1);
    }
    // No await since the reservation ended: `open` registers the session with the host at once, and
    // the host counts it from then on (kept in `opening` until Python was ready, a burst of starts
    // counted double and started hosts it did not need).
    return host.open(memoryLimitMb);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    const hosts = await Promise.allSettled(this.hosts.splice(0));
    for (const h of hosts) if (h.status === 'fulfilled') h.value.kill();
  }
}
