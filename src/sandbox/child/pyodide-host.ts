// Main thread of the pyodide sandbox host process. It compiles pyodide.asm.wasm once and loads the
// memory snapshot once, and runs each session in a worker thread of its own (its own isolate, its
// own Pyodide instance and linear memory, the compiled code shared). It relays messages between the
// harness (stdin/stdout, one message per line) and the workers, and owns each worker's shared
// buffers: the interrupt flag Pyodide polls, and the mailbox through which a blocked tool call
// receives its answer. This file imports only Node built-ins: it runs inside the sandbox.
//
// Modes. 'multi': requests carry a session id ({"sid": n, ...}; op 'open' starts a worker, 'close'
// ends it) and every output line starts with the session id and a tab; what follows is the
// worker's message, or '!' and an event of this host ('idle', 'exit'). 'single': one session that
// starts at once and the unprefixed protocol of a one-interpreter process (the code analyzer).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { hostCoreSources } from './host-core-files.js';
import { hostCoreFingerprint } from './host-core-fingerprint.js';
import { type LinkPlan, linkPlan } from './pyodide-linking.js';
import { loaderScriptSource, scriptSource } from './pyodide-script.js';

const [pyodideDir, pythonDir, workerFile, mode, snapshotFile, singleLimit] = process.argv.slice(
  2,
) as string[];
const MAILBOX_BYTES = 8 * 1024 * 1024;
/** Longest line a worker may send (a step's output is capped far below this). */
const MAX_LINE = 64 * 1024 * 1024;
/** JS heap of one worker: Pyodide's glue and the messages; Python's objects live in wasm memory. */
const WORKER_HEAP_MB = 96;

function write(line: string): void {
  process.stdout.write(`${line}\n`);
}

// Compiled once; every worker instantiates this module (Node's types leave WebAssembly out).
const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } })
  .WebAssembly;
const WasmModule = wasm.Module;
const module = new wasm.Module(readFileSync(`${pyodideDir}/pyodide.asm.wasm`));

let snapshot: Uint8Array | undefined;
let snapshotError: string | undefined;
if (snapshotFile) {
  try {
    const bytes = readFileSync(snapshotFile);
    // One copy for every worker: a view of shared memory is passed, not cloned.
    snapshot = new Uint8Array(new SharedArrayBuffer(bytes.length));
    snapshot.set(bytes);
  } catch (err) {
    snapshotError = String((err as Error)?.message ?? err).slice(0, 300);
  }
}

/** Which host core sources the sessions have: they use the snapshot's core only when it matches. */
let fingerprint: string | undefined;
try {
  fingerprint = hostCoreFingerprint(hostCoreSources(pythonDir));
} catch {}

/** A file of Pyodide's rewritten into a script (pyodide-script.ts); undefined when it cannot be. */
function asScript(name: string, rewrite: (source: string) => string | null): string | undefined {
  try {
    return rewrite(readFileSync(`${pyodideDir}/${name}`, 'utf8')) ?? undefined;
  } catch {
    return undefined;
  }
}

// Made once: every worker compiles these same texts, and so never starts Node's ES module loader;
// without them, workers load the files as modules.
const pyodideScript = asScript('pyodide.asm.mjs', scriptSource);
const loaderScript = asScript('pyodide.mjs', loaderScriptSource);

/** Largest code cache accepted from the worker that makes it (about 1.3 MB today). */
const MAX_CODE_CACHE = 32 * 1024 * 1024;
let codeCache: Uint8Array | undefined;
/** The small modules Pyodide compiles while it starts (pyodide-worker.ts, useSharedWrappers). */
let wrappers: Array<[string, object]> | undefined;
const MAX_WRAPPERS = 4096;
/** How Pyodide was linked by the host's first session (pyodide-linking.ts), replayed by later sessions. */
let plan: LinkPlan | undefined;

/** The wrappers the host's first session compiled, when they have the one shape expected. */
function wrapperList(value: unknown): Array<[string, object]> | undefined {
  if (!Array.isArray(value) || value.length > MAX_WRAPPERS) return undefined;
  const valid = value.every(
    (entry) =>
      Array.isArray(entry) &&
      entry.length === 2 &&
      typeof entry[0] === 'string' &&
      entry[0].length <= 512 &&
      entry[1] instanceof WasmModule,
  );
  return valid ? (value as Array<[string, object]>) : undefined;
}

/** A worker for one Pyodide instance: the host's shared parts, plus `data` of its own. */
function startWorker(data: Record<string, unknown>): Worker {
  const worker = new Worker(workerFile, {
    workerData: {
      pyodideDir,
      pythonDir,
      module,
      snapshot,
      snapshotError,
      pyodideScript,
      loaderScript,
      hostCoreFingerprint: fingerprint,
      randomSeed: randomBytes(32).toString('hex'),
      ...data,
    },
    env: {},
    stdout: true,
    stderr: false,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 8 },
  });
  worker.stdout.resume();
  return worker;
}

/**
 * The first session of a host records what later sessions start from: V8's code cache of Pyodide's
 * JavaScript, the wrapper modules and the link plan. It posts them before it listens for requests,
 * so before any model code runs in it, and they are taken only as that worker's first message. One
 * that ends before posting hands the task to the next session. Any failure only means sessions
 * compile these themselves.
 */
let recorder: Slot | null = null;
let recorded = false;

function keepRecording(m: { data?: unknown; wrappers?: unknown; linkPlan?: unknown }): void {
  recorded = true;
  wrappers = wrapperList(m.wrappers);
  plan = linkPlan(m.linkPlan);
  if (m.data instanceof Uint8Array && m.data.length > 0 && m.data.length <= MAX_CODE_CACHE) {
    // One copy for every worker, as with the snapshot.
    codeCache = new Uint8Array(new SharedArrayBuffer(m.data.length));
    codeCache.set(m.data);
  }
}

interface Slot {
  worker: Worker;
  interrupt: Int32Array;
  control: Int32Array;
  mailbox: Uint8Array;
  ended: boolean;
  /** A step was handed to the worker and has not answered yet. */
  stepRunning: boolean;
  /** Raises the interrupt again while the step runs (see interruptStep). */
  reinterrupt?: ReturnType<typeof setInterval>;
}

const REINTERRUPT_MS = 200;

/**
 * The harness's interrupt of the running step. Pyodide clears the flag when it takes the
 * interrupt, and a fresh session sometimes takes its first one without the step stopping (about
 * 1 session in 13 at a 1 ms limit; the cause is inside Pyodide). So while the step runs, a taken
 * flag is raised again every 200 ms, until the step answers or the harness's grace ends with a
 * kill. An interrupt that comes after the step answered is dropped.
 */
function interruptStep(slot: Slot): void {
  if (!slot.stepRunning) return;
  Atomics.store(slot.interrupt, 0, 2);
  clearInterval(slot.reinterrupt);
  slot.reinterrupt = setInterval(() => {
    if (slot.stepRunning) Atomics.compareExchange(slot.interrupt, 0, 0, 2);
    else clearInterval(slot.reinterrupt);
  }, REINTERRUPT_MS);
}

/** The step answered: no interrupt may reach the requests that follow. */
function stepAnswered(slot: Slot): void {
  slot.stepRunning = false;
  clearInterval(slot.reinterrupt);
  Atomics.store(slot.interrupt, 0, 0);
}

const slots = new Map<number, Slot>();
const single = mode === 'single';

function emit(sid: number, payload: string): void {
  write(single ? payload : `${sid}\t${payload}`);
}

function event(sid: number, body: Record<string, unknown>): void {
  if (single) {
    if (body.event === 'exit') {
      write(JSON.stringify({ op: 'failure', kind: body.kind, detail: body.detail }));
      process.exit(70);
    }
    return;
  }
  write(`${sid}\t!${JSON.stringify(body)}`);
}

function end(sid: number, kind: 'crash' | 'memory', detail: string): void {
  const slot = slots.get(sid);
  if (!slot || slot.ended) return;
  slot.ended = true;
  if (slot === recorder) recorder = null;
  clearInterval(slot.reinterrupt);
  slots.delete(sid);
  void slot.worker.terminate();
  event(sid, { event: 'exit', kind, detail: detail.slice(0, 500) });
}

function open(sid: number, memoryLimitMb: number): void {
  if (slots.has(sid)) return;
  const slot: Slot = {
    interrupt: new Int32Array(new SharedArrayBuffer(4)),
    control: new Int32Array(new SharedArrayBuffer(8)),
    mailbox: new Uint8Array(new SharedArrayBuffer(MAILBOX_BYTES)),
    ended: false,
    stepRunning: false,
    worker: undefined as unknown as Worker,
  };
  const records = !single && !recorded && recorder === null && pyodideScript !== undefined;
  slot.worker = startWorker({
    memoryLimitMb,
    interrupt: slot.interrupt,
    control: slot.control,
    mailbox: slot.mailbox,
    codeCache,
    wrappers,
    linkPlan: plan,
    role: records ? 'recorder' : 'session',
  });
  if (records) recorder = slot;
  slots.set(sid, slot);
  // Everything a worker posts is untrusted (model code runs there): only these shapes pass.
  slot.worker.on('message', (message: unknown) => {
    if (slot.ended) return;
    const m = message as {
      kind?: unknown;
      text?: unknown;
      data?: unknown;
      wrappers?: unknown;
      linkPlan?: unknown;
    } | null;
    // The recording is taken only as the recorder's first message; any other first message ends
    // its turn, and the next session records.
    const recording = slot === recorder && m?.kind === 'code-cache';
    if (slot === recorder) recorder = null;
    if (recording) keepRecording(m);
    else if (m?.kind === 'raw' && typeof m.text === 'string') {
      const text = m.text;
      if (text.startsWith('{') && text.length <= MAX_LINE && !text.includes('\n')) {
        // A step's answer ends with its op (the worker's encoder writes it last).
        if (text.endsWith('"op":"step_done"}')) stepAnswered(slot);
        emit(sid, text);
      } else end(sid, 'crash', 'the worker sent a malformed message');
    } else if (m?.kind === 'idle') event(sid, { event: 'idle' });
    else end(sid, 'crash', 'the worker sent a malformed message');
  });
  slot.worker.on('error', (err: Error & { code?: string }) => {
    const memory = err?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    end(sid, memory ? 'memory' : 'crash', String(err?.message ?? err));
  });
  slot.worker.on('exit', (code: number) => end(sid, 'crash', `worker exited (code ${code})`));
}

/** Puts an answer in the worker's mailbox and counts the delivery, which wakes the worker. */
function deliverToolResult(slot: Slot, text: string, id: unknown): void {
  let bytes = new TextEncoder().encode(text);
  if (bytes.length > MAILBOX_BYTES)
    bytes = new TextEncoder().encode(
      JSON.stringify({ op: 'tool_result', ok: false, kind: 'runtime', message: 'tool result too large', id }),
    );
  slot.mailbox.set(bytes);
  Atomics.store(slot.control, 1, bytes.length);
  Atomics.add(slot.control, 0, 1);
  Atomics.notify(slot.control, 0);
}

const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
lines.on('line', (line) => {
  if (!line.trim()) return;
  // This process may read only its own folder, so the check is written here, not imported.
  let message: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    message = value as Record<string, unknown>;
  } catch {
    return;
  }
  const sid = single ? 1 : Number(message.sid);
  if (!Number.isSafeInteger(sid)) return;
  if (message.op === 'open') {
    const limit = Number(message.memoryLimitMb);
    open(sid, Number.isFinite(limit) && limit > 0 ? limit : 1024);
    return;
  }
  const slot = slots.get(sid);
  if (!slot) return;
  if (message.op === 'close') end(sid, 'crash', 'closed by the harness');
  else if (message.op === 'interrupt') interruptStep(slot);
  else if (message.op === 'tool_result') deliverToolResult(slot, line, message.id);
  else {
    // Cleared here, in the order the harness sent them, not when the worker takes the step up:
    // an interrupt that arrives before the worker gets to the step must still stop it.
    if (message.op === 'step') {
      Atomics.store(slot.interrupt, 0, 0);
      slot.stepRunning = true;
    }
    slot.worker.postMessage(message);
  }
});
lines.on('close', () => process.exit(0));

if (single) open(1, Number(singleLimit) > 0 ? Number(singleLimit) : 1024);
else write('0\t!{"event":"host-ready"}');
