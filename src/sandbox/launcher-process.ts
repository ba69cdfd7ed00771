// The process launcher: a small Node process that starts interpreter processes on the harness's
// behalf. Forking the harness itself (hundreds of MB resident) costs tens of milliseconds of CPU
// and blocks its event loop once per interpreter; forking this process is cheap.
//
// The harness writes one JSON request per line on stdin ({op: 'spawn', id, command, args, env} or
// {op: 'kill', id}, the id a random token); this process answers on stdout ({op: 'spawned', id, pid},
// {op: 'spawn-failed', id, message}, {op: 'exit', id, code, signal, stderr}). A spawned process's
// stdin and stdout are one end of a Unix socket connected to the harness's listening socket (the
// first line on it is the request's id, written before the process starts), so messages flow
// between the harness and the interpreter without passing through here. When the harness goes away
// (stdin closes), every process started here is killed and this process exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import { isRecord, parseJsonRecord } from '../util/is-record.js';

const socketPath = process.argv[2] as string;
// Interpreters (started from here, so they inherit it) run at a lower scheduling priority than the
// harness: model code that burns CPU cannot starve the harness that enforces its time limits, and
// under load the single-threaded harness, which every episode waits on, is served first.
const INTERPRETER_NICE = 10;
try {
  setPriority(INTERPRETER_NICE);
} catch {}
const STDERR_TAIL = 4000;
const children = new Map<string, ChildProcess>();

function report(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

interface SpawnRequest {
  id: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function isSpawnRequest(r: Record<string, unknown>): r is Record<string, unknown> & SpawnRequest {
  return (
    typeof r.id === 'string' &&
    typeof r.command === 'string' &&
    isStringList(r.args) &&
    isRecord(r.env) &&
    Object.values(r.env).every((v) => typeof v === 'string')
  );
}

function connected(token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath, () => {
      socket.write(`${token}\n`, (err) => (err ? reject(err) : resolve(socket)));
    });
    socket.once('error', reject);
  });
}

async function start(request: SpawnRequest): Promise<void> {
  let socket: Socket;
  try {
    socket = await connected(request.id);
  } catch (err) {
    report({
      op: 'spawn-failed',
      id: request.id,
      message: `cannot reach the harness: ${(err as Error).message}`,
    });
    return;
  }
  let child: ChildProcess;
  try {
    child = spawn(request.command, request.args, { env: request.env, stdio: [socket, socket, 'pipe'] });
  } catch (err) {
    socket.destroy();
    report({ op: 'spawn-failed', id: request.id, message: (err as Error).message });
    return;
  }
  // The child holds its own copy of the socket; the harness reads the other end.
  socket.destroy();
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  child.once('error', (err) => {
    children.delete(request.id);
    report({ op: 'spawn-failed', id: request.id, message: err.message });
  });
  if (child.pid === undefined) return; // 'error' follows
  children.set(request.id, child);
  report({ op: 'spawned', id: request.id, pid: child.pid });
  // 'close' (not 'exit') so that the tail of stderr has been read.
  child.once('close', (code, signal) => {
    children.delete(request.id);
    report({ op: 'exit', id: request.id, code, signal, stderr });
  });
}

function killAll(): void {
  for (const child of children.values()) child.kill('SIGKILL');
}

const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
lines.on('line', (line) => {
  const request = parseJsonRecord(line);
  if (!request) return;
  if (request.op === 'spawn' && isSpawnRequest(request)) void start(request);
  else if (request.op === 'kill') children.get(String(request.id))?.kill('SIGKILL');
});
lines.on('close', () => {
  killAll();
  process.exit(0);
});
// The harness may exit (an error, `| head`) before a last exit report is written: with nobody left
// to read it, stop like when stdin closes instead of crashing on its stderr with an EPIPE stack.
process.stdout.on('error', () => {
  killAll();
  process.exit(0);
});
// A Ctrl-C in the terminal is the harness's to handle (it may finish running episodes first).
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {
  killAll();
  process.exit(0);
});
