// Main thread of the pyodide sandbox process. It relays messages between the harness (stdin/stdout,
// one JSON message per line) and the worker thread that runs Python, and it owns the two shared
// buffers: the interrupt flag Pyodide polls, and the mailbox through which a blocked tool call in
// the worker receives its answer. This file imports only Node built-ins: it runs inside the sandbox.
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';

const [pyodideDir, pythonDir, workerFile, snapshotFile] = process.argv.slice(2);
const MAILBOX_BYTES = 8 * 1024 * 1024;

const interrupt = new Int32Array(new SharedArrayBuffer(4));
const control = new Int32Array(new SharedArrayBuffer(8));
const mailbox = new Uint8Array(new SharedArrayBuffer(MAILBOX_BYTES));

function send(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

const worker = new Worker(workerFile as string, {
  workerData: { pyodideDir, pythonDir, snapshotFile, interrupt, control, mailbox },
  env: {},
  stdout: true,
  stderr: false,
});
worker.stdout.resume();
worker.on('message', (message: { kind: string; text?: string; message?: unknown }) => {
  if (message.kind === 'raw' && typeof message.text === 'string') process.stdout.write(`${message.text}\n`);
  else if (message.kind === 'message') send(message.message);
});
worker.on('error', (err: Error) => {
  send({ op: 'failure', kind: 'crash', detail: String(err?.message ?? err).slice(0, 500) });
  process.exit(70);
});
worker.on('exit', (code: number) => process.exit(code === 0 ? 71 : code));

function deliverToolResult(text: string): void {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > MAILBOX_BYTES) {
    const fallback = new TextEncoder().encode(
      JSON.stringify({ op: 'tool_result', ok: false, kind: 'runtime', message: 'tool result too large' }),
    );
    mailbox.set(fallback);
    Atomics.store(control, 1, fallback.length);
  } else {
    mailbox.set(bytes);
    Atomics.store(control, 1, bytes.length);
  }
  Atomics.store(control, 0, 1);
  Atomics.notify(control, 0);
}

const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
lines.on('line', (line) => {
  if (!line.trim()) return;
  let message: { op?: string };
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  if (message.op === 'interrupt') Atomics.store(interrupt, 0, 2);
  else if (message.op === 'tool_result') deliverToolResult(line);
  else worker.postMessage(message);
});
lines.on('close', () => process.exit(0));
