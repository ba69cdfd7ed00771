/**
 * The harness's side of the process launcher (launcher-process.ts): one small helper process per
 * harness starts every interpreter process, and each interpreter talks to the harness over its own
 * Unix socket. The harness never forks itself, which at hundreds of concurrent episodes was its
 * largest CPU cost and stalled its event loop.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseJsonRecord } from '../util/is-record.js';
import { processTempDir, removeProcessTempDir } from '../util/temp-dirs.js';

export interface ProcessEnd {
  code: number | null;
  signal: string | null;
  /** The last few thousand characters the process wrote to stderr. */
  stderr: string;
  /** Set when the process ended because the launcher itself stopped. */
  reason?: string;
}

/** An interpreter process started by the launcher. */
export interface LaunchedProcess {
  readonly pid: number;
  /** The process's stdin and stdout: one Unix socket. */
  readonly stream: Socket;
  onExit(listener: (end: ProcessEnd) => void): void;
  kill(): void;
  /** Whether this process keeps the harness's event loop alive. */
  setReferenced(referenced: boolean): void;
}

export interface LaunchRequest {
  command: string;
  args: string[];
  env: Record<string, string>;
}

const launcherScript = join(dirname(fileURLToPath(import.meta.url)), 'launcher-process.js');
const TOKEN_LINE = 33; // 32 hex characters and a newline

interface Entry {
  pid?: number;
  stream?: Socket;
  ended?: ProcessEnd;
  referenced: boolean;
  exitListeners: Array<(end: ProcessEnd) => void>;
  settle?: { resolve: (p: LaunchedProcess) => void; reject: (e: Error) => void };
}

class Launcher {
  private readonly dir = processTempDir('alr-launch-');
  private readonly socketPath = join(this.dir, 'interpreters.sock');
  private readonly server: Server;
  private readonly child: ChildProcess;
  /** Processes by the random token that also names them to the launcher. */
  private readonly entries = new Map<string, Entry>();
  private stopped: string | null = null;
  private readonly listening: Promise<void>;
  /** Connections announced by someone other than the launcher (the fork server), by id. */
  private readonly expected = new Map<string, (socket: Socket | null) => void>();

  constructor(private readonly onStop: () => void) {
    this.server = createServer((socket) => this.accept(socket));
    this.server.unref();
    this.listening = new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => resolve());
    });
    const command = [process.execPath, launcherScript, this.socketPath];
    if (batchScheduling()) command.unshift('chrt', '--batch', '0');
    this.child = spawn(command[0] as string, command.slice(1), {
      stdio: ['pipe', 'pipe', 'inherit'],
      // Its own session and process group: a Ctrl-C in the terminal reaches the harness only.
      detached: true,
    });
    this.child.stdin?.on('error', () => {});
    const lines = createInterface({ input: this.child.stdout as NodeJS.ReadableStream, crlfDelay: Infinity });
    lines.on('line', (line) => this.onReport(line));
    this.child.once('error', (err) => this.stop(`the process launcher could not start: ${err.message}`));
    this.child.once('exit', (code, signal) =>
      this.stop(`the process launcher stopped (${signal ?? `code ${code}`})`),
    );
    this.updateRef();
  }

  async launch(request: LaunchRequest): Promise<LaunchedProcess> {
    await this.listening;
    if (this.stopped) throw new Error(this.stopped);
    const id = randomBytes(16).toString('hex');
    const entry: Entry = { referenced: true, exitListeners: [] };
    this.entries.set(id, entry);
    const launched = new Promise<LaunchedProcess>((resolve, reject) => {
      entry.settle = { resolve, reject };
    });
    this.updateRef();
    this.child.stdin?.write(`${JSON.stringify({ op: 'spawn', id, ...request })}\n`);
    return launched;
  }

  /** A connection from a starting process: its first line is the id of its request. */
  private accept(socket: Socket): void {
    socket.on('error', () => {});
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.length < TOKEN_LINE) return;
      socket.off('data', onData);
      socket.pause();
      const id = head.subarray(0, TOKEN_LINE - 1).toString('latin1');
      const waiting = this.expected.get(id);
      if (waiting && head[TOKEN_LINE - 1] === 0x0a) {
        this.expected.delete(id);
        if (head.length > TOKEN_LINE) socket.unshift(head.subarray(TOKEN_LINE));
        waiting(socket);
        return;
      }
      const entry = this.entries.get(id);
      if (!entry || entry.stream || head[TOKEN_LINE - 1] !== 0x0a) {
        socket.destroy();
        return;
      }
      if (head.length > TOKEN_LINE) socket.unshift(head.subarray(TOKEN_LINE));
      entry.stream = socket;
      this.applyRef(entry);
      this.maybeReady(id, entry);
    };
    socket.on('data', onData);
  }

  /** The socket path, once listening. */
  async socket(): Promise<string> {
    await this.listening;
    if (this.stopped) throw new Error(this.stopped);
    return this.socketPath;
  }

  /**
   * Waits for a connection that announces itself with `id` (a random token); null when the
   * launcher stops or `cancel` is called first.
   */
  expect(id: string): { connection: Promise<Socket | null>; cancel(): void } {
    let settle: (socket: Socket | null) => void = () => {};
    const connection = new Promise<Socket | null>((resolve) => {
      settle = resolve;
    });
    if (this.stopped) settle(null);
    else this.expected.set(id, settle);
    return {
      connection,
      cancel: () => {
        if (this.expected.get(id) === settle) this.expected.delete(id);
        settle(null);
      },
    };
  }

  private onReport(line: string): void {
    const report = parseJsonRecord(line);
    if (!report) return;
    const id = String(report.id);
    const entry = this.entries.get(id);
    if (!entry) return;
    if (report.op === 'spawned') {
      entry.pid = typeof report.pid === 'number' ? report.pid : undefined;
      this.maybeReady(id, entry);
    } else if (report.op === 'spawn-failed') {
      this.end(id, entry, { code: null, signal: null, stderr: '' }, new Error(String(report.message)));
    } else if (report.op === 'exit') {
      this.end(id, entry, {
        code: typeof report.code === 'number' ? report.code : null,
        signal: typeof report.signal === 'string' ? (report.signal as NodeJS.Signals) : null,
        stderr: typeof report.stderr === 'string' ? report.stderr : '',
      });
    }
  }

  private maybeReady(id: string, entry: Entry): void {
    if (entry.pid === undefined || !entry.stream || !entry.settle) return;
    const { resolve } = entry.settle;
    entry.settle = undefined;
    const pid = entry.pid;
    const stream = entry.stream;
    let killed = false;
    resolve({
      pid,
      stream,
      onExit: (listener) => {
        if (entry.ended) listener(entry.ended);
        else entry.exitListeners.push(listener);
      },
      kill: () => {
        stream.destroy();
        if (killed || entry.ended || this.stopped) return;
        killed = true;
        this.child.stdin?.write(`${JSON.stringify({ op: 'kill', id })}\n`);
      },
      setReferenced: (referenced) => {
        entry.referenced = referenced;
        this.applyRef(entry);
        this.updateRef();
      },
    });
    this.updateRef();
  }

  private end(id: string, entry: Entry, end: ProcessEnd, error?: Error): void {
    if (entry.ended) return;
    entry.ended = end;
    this.entries.delete(id);
    entry.stream?.destroy();
    entry.settle?.reject(
      error ?? new Error(end.reason ?? `process exited (${end.signal ?? `code ${end.code}`})`),
    );
    entry.settle = undefined;
    for (const listener of entry.exitListeners) listener(end);
    entry.exitListeners = [];
    this.updateRef();
  }

  private applyRef(entry: Entry): void {
    if (entry.referenced) entry.stream?.ref();
    else entry.stream?.unref();
  }

  /** The launcher keeps the harness alive while a launch is pending or a referenced process lives. */
  private updateRef(): void {
    const needed = [...this.entries.values()].some((e) => e.referenced);
    const handles = [this.child, this.child.stdout] as Array<{ ref?: () => void; unref?: () => void } | null>;
    for (const h of handles) (needed ? h?.ref : h?.unref)?.call(h);
  }

  private stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = reason;
    this.onStop();
    for (const [id, entry] of [...this.entries])
      this.end(id, entry, { code: null, signal: null, stderr: '', reason });
    for (const settle of this.expected.values()) settle(null);
    this.expected.clear();
    this.server.close();
    removeProcessTempDir(this.dir);
  }
}

let batch: boolean | undefined;
/**
 * Whether the launcher (and so every interpreter) can run under Linux's SCHED_BATCH policy, via
 * util-linux's `chrt`. A batch process never preempts the one that woke it: without it, each
 * message the harness writes to an interpreter hands the harness's core to that interpreter, and
 * with hundreds of episodes the harness, which every episode waits on, spends its time waiting.
 */
function batchScheduling(): boolean {
  if (batch === undefined) {
    const probe = spawnSync('chrt', ['--batch', '0', 'true'], { stdio: 'ignore', timeout: 5000 });
    batch = probe.status === 0;
  }
  return batch;
}

let shared: Launcher | null = null;

function sharedLauncher(): Launcher {
  if (!shared) {
    const launcher = new Launcher(() => {
      if (shared === launcher) shared = null;
    });
    shared = launcher;
  }
  return shared;
}

/** Starts a process through this harness's launcher (started on first use, restarted if it died). */
export function launchProcess(request: LaunchRequest): Promise<LaunchedProcess> {
  return sharedLauncher().launch(request);
}

/**
 * The harness's interpreter socket, for a process that opens connections on behalf of others
 * (the cpython fork server): its path, and a way to wait for a connection announced with an id.
 * Both belong to the current launcher; a process started by it dies with it.
 */
export interface HarnessSocket {
  path: string;
  expect(id: string): { connection: Promise<Socket | null>; cancel(): void };
}

export async function harnessSocket(): Promise<HarnessSocket> {
  const launcher = sharedLauncher();
  const path = await launcher.socket();
  return { path, expect: (id) => launcher.expect(id) };
}
