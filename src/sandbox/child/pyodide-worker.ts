// Worker thread of the pyodide sandbox host: one session. It instantiates Pyodide from the
// WebAssembly module the host compiled once (shared code, a linear memory of its own), starts
// Python from the memory snapshot, installs the shared Python runtime and runs steps. Tool calls
// block on a shared mailbox until the host's main thread delivers the harness's answer. This file
// imports only Node built-ins and Pyodide: it runs inside the sandbox.
import { constants } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { hostCoreSources } from './host-core-files.js';
import { createLinker, type LinkPlan } from './pyodide-linking.js';
import {
  compileLoaderScript,
  compilePyodideScript,
  type LoadPyodide,
  type PyodideApi,
  type PyodideScript,
  scriptImporter,
} from './pyodide-script.js';
import { SESSION_CORE } from './pyodide-session-core.js';
import { useSharedWrappers, type WasmModule } from './shared-wrappers.js';

/** The parts of the WebAssembly API used here (Node's type definitions leave it out). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}
interface WasmApi {
  Module: abstract new (...args: never[]) => WasmModule;
  Memory: { prototype: WasmMemory };
  instantiate(source: unknown, imports?: object): Promise<unknown>;
  instantiateStreaming(source: unknown, imports?: object): Promise<unknown>;
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface WorkerData {
  pyodideDir: string;
  pythonDir: string;
  /** pyodide.asm.wasm, compiled once by the host and shared by every worker. */
  module?: WasmModule;
  /** The memory snapshot (a view of a buffer shared by every worker, never written). */
  snapshot?: Uint8Array;
  snapshotError?: string;
  /** Ceiling of the WebAssembly linear memory, in MiB. */
  memoryLimitMb: number;
  interrupt: Int32Array;
  control: Int32Array;
  mailbox: Uint8Array;
  /** pyodide.asm.mjs as a script (pyodide-script.ts), read and rewritten once by the host. */
  pyodideScript?: string;
  /** pyodide.mjs, Pyodide's loader, as a script (pyodide-script.ts), read and rewritten once by the host. */
  loaderScript?: string;
  /** V8's code cache of that text, made in this host (a view of shared memory). */
  codeCache?: Uint8Array;
  /** The small modules Pyodide compiles while it starts, compiled once in this host (see useSharedWrappers). */
  wrappers?: Array<[string, WasmModule]>;
  /** hostCoreFingerprint of the host core's sources in pythonDir. */
  hostCoreFingerprint?: string;
  /**
   * 256 bits from the host's entropy, in hex, that seed this session's `random`. Seeding from
   * Python's own entropy would load node:crypto in this thread (Emscripten's random source), about
   * 3 ms of every session's start.
   */
  randomSeed: string;
  /** How the host's first session linked Pyodide (pyodide-linking.ts): replayed here. */
  linkPlan?: LinkPlan;
  /**
   * 'recorder': the host's first session, which also sends the code cache of what was compiled,
   * the wrapper modules and the link plan, before it listens for requests (so before any model
   * code runs in it).
   */
  role?: 'session' | 'recorder';
}

const data = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('pyodide-worker must run in a worker thread');

function send(message: unknown): void {
  port?.postMessage({ kind: 'raw', text: JSON.stringify(message) });
}

// Under Node's permission model process.binding is refused; Pyodide only needs the fs constants.
Object.defineProperty(process, 'binding', {
  configurable: true,
  value: (name: string) => {
    if (name === 'constants') return { fs: constants };
    throw new Error('not available in the sandbox');
  },
});

/** The request id in a tool request or answer (null when there is none or the text is torn). */
function messageId(text: string): number | null {
  try {
    const message: unknown = JSON.parse(text);
    if (typeof message !== 'object' || message === null || !('id' in message)) return null;
    return typeof message.id === 'number' ? message.id : null;
  } catch {
    return null;
  }
}

/**
 * One tool call: posts the request and blocks until the answer with the same id is in the
 * mailbox. control[0] counts deliveries (a new one wakes this thread), control[1] is the answer's
 * length; an answer for another request (late or repeated) is skipped, never returned.
 */
function bridgeCall(text: string): string {
  const id = messageId(text);
  let seen = Atomics.load(data.control, 0);
  port?.postMessage({ kind: 'raw', text });
  for (;;) {
    Atomics.wait(data.control, 0, seen);
    seen = Atomics.load(data.control, 0);
    const length = Atomics.load(data.control, 1);
    const answer = new TextDecoder().decode(data.mailbox.slice(0, length));
    if (id === null || messageId(answer) === id) return answer;
  }
}

/**
 * Caps every WebAssembly memory of this worker at the session's limit. Growing past it fails the
 * way a full address space does (Python raises MemoryError), and the original method stays out of
 * reach: the prototype's property cannot be redefined.
 */
function capMemoryGrowth(limitBytes: number): void {
  const proto = WebAssembly.Memory.prototype;
  const grow = proto.grow;
  Object.defineProperty(proto, 'grow', {
    configurable: false,
    writable: false,
    value: function cappedGrow(this: WasmMemory, delta: number): number {
      if (this.buffer.byteLength + Number(delta) * 65536 > limitBytes)
        throw new RangeError('sandbox: the session reached its memory limit');
      return grow.call(this, delta);
    },
  });
}

/**
 * Makes Pyodide instantiate the host's compiled module instead of compiling the bytes it read
 * (the compiled code is then shared between workers; only the instance is per session). Pyodide
 * reads pyodide.asm.wasm with fs/promises' readFile: that read is answered with a few placeholder
 * bytes, which instantiate recognizes, so the 9 MB are neither read nor held per session.
 * Returns the function that undoes both.
 */
function useSharedModule(module: WasmModule): () => void {
  const wasm = WebAssembly as unknown as Record<string, unknown>;
  const original = WebAssembly.instantiate;
  const instantiate = original.bind(WebAssembly);
  const streaming = WebAssembly.instantiateStreaming;
  const readFile = fsPromises.readFile;
  const placeholder = Buffer.from('alr-shared-module');
  const isPlaceholder = (source: unknown) =>
    (source as { buffer?: unknown } | null)?.buffer === placeholder.buffer;
  (fsPromises as unknown as Record<string, unknown>).readFile = (path: unknown, ...rest: unknown[]) =>
    String(path).endsWith('pyodide.asm.wasm')
      ? Promise.resolve(placeholder)
      : (readFile as (...a: unknown[]) => Promise<unknown>)(path, ...rest);
  syncBuiltinESMExports();
  // Given a module, instantiate resolves to the instance alone; Pyodide expects both.
  const shared = (imports?: object) =>
    instantiate(module, imports).then((instance) => ({ instance, module }));
  wasm.instantiate = (source: unknown, imports?: object) =>
    isPlaceholder(source) ? shared(imports) : instantiate(source, imports);
  wasm.instantiateStreaming = (_source: unknown, imports?: object) => shared(imports);
  return () => {
    (fsPromises as unknown as Record<string, unknown>).readFile = readFile;
    syncBuiltinESMExports();
    wasm.instantiate = original;
    wasm.instantiateStreaming = streaming;
  };
}

/**
 * While Pyodide loads, copying the snapshot into the fresh linear memory skips the pages that are
 * zero on both sides (about half of it): untouched pages stay unallocated, which is that much less
 * resident memory per session. Returns the function that puts the plain copy back.
 */
function sparseSnapshotCopy(snapshot: Uint8Array): () => void {
  const proto = Int8Array.prototype;
  const set = proto.set;
  const PAGE = 65536;
  // Compared natively (memcmp) against a page of zeros: half the time of a loop over words.
  const zeroPage = new Uint8Array(PAGE);
  const zero = (bytes: Uint8Array, start: number, end: number) =>
    Buffer.compare(bytes.subarray(start, end), zeroPage) === 0;
  proto.set = function sparseSet(this: Int8Array, source: ArrayLike<number>, offset = 0): void {
    const src = source as Uint8Array;
    const aligned =
      src instanceof Uint8Array &&
      src.buffer === snapshot.buffer &&
      offset === 0 &&
      this.length >= src.length &&
      src.byteOffset % 4 === 0 &&
      this.byteOffset % 4 === 0;
    if (!aligned) {
      set.call(this, source, offset);
      return;
    }
    const target = new Uint8Array(this.buffer, this.byteOffset, this.length);
    for (let start = 0; start < src.length; start += PAGE) {
      const end = Math.min(start + PAGE, src.length);
      if (end - start === PAGE && zero(src, start, end) && zero(target, start, end)) continue;
      target.set(src.subarray(start, end), start);
    }
  };
  return () => {
    proto.set = set;
  };
}

/** The timer functions as they were before model code could replace or wrap them. */
const timers = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  clearImmediate: globalThis.clearImmediate,
  queueMicrotask: globalThis.queueMicrotask,
};

/**
 * The strict step boundary. Pyodide's event loop (call_soon, call_later, asyncio tasks) and the
 * JS timers model code can reach through `import js` all schedule through these globals. A step
 * runs synchronously, so nothing it schedules could run before it returns; every such callback is
 * cancelled when the request ends, and one scheduled between requests (from a promise callback
 * the step left behind) never runs at all. Work of a step cannot outlive it this way.
 */
class StepTimers {
  private generation = 0;
  /** True while a request runs; callbacks scheduled outside one get a generation that never runs. */
  private active = false;
  private readonly timeouts = new Set<ReturnType<typeof setTimeout>>();
  private readonly intervals = new Set<ReturnType<typeof setInterval>>();
  private readonly immediates = new Set<ReturnType<typeof setImmediate>>();

  install(): void {
    const g = globalThis as Record<string, unknown>;
    const callable = (fn: unknown): ((...a: unknown[]) => unknown) => {
      if (typeof fn !== 'function') throw new TypeError('sandbox: timer callbacks must be functions');
      return fn as (...a: unknown[]) => unknown;
    };
    const define = (name: string, value: unknown) =>
      Object.defineProperty(g, name, { configurable: false, writable: false, value });
    define('setTimeout', (fn: unknown, ms?: number, ...args: unknown[]) => {
      const run = callable(fn);
      const generation = this.active ? this.generation : -1;
      const handle = timers.setTimeout(() => {
        this.timeouts.delete(handle);
        if (generation === this.generation) run(...args);
      }, ms);
      this.timeouts.add(handle);
      return handle;
    });
    define('setInterval', (fn: unknown, ms?: number, ...args: unknown[]) => {
      const run = callable(fn);
      const generation = this.active ? this.generation : -1;
      const handle = timers.setInterval(() => {
        if (generation === this.generation) run(...args);
      }, ms);
      this.intervals.add(handle);
      return handle;
    });
    define('setImmediate', (fn: unknown, ...args: unknown[]) => {
      const run = callable(fn);
      const generation = this.active ? this.generation : -1;
      const handle = timers.setImmediate(() => {
        this.immediates.delete(handle);
        if (generation === this.generation) run(...args);
      });
      this.immediates.add(handle);
      return handle;
    });
    define('queueMicrotask', (fn: unknown) => {
      const run = callable(fn);
      const generation = this.active ? this.generation : -1;
      timers.queueMicrotask(() => {
        if (generation === this.generation) run();
      });
    });
  }

  begin(): void {
    this.cancelAll();
    this.active = true;
  }

  end(): void {
    this.active = false;
    this.cancelAll();
  }

  /** Drops everything scheduled so far. */
  private cancelAll(): void {
    this.generation++;
    for (const handle of this.timeouts) timers.clearTimeout(handle);
    for (const handle of this.intervals) timers.clearInterval(handle);
    for (const handle of this.immediates) timers.clearImmediate(handle);
    this.timeouts.clear();
    this.intervals.clear();
    this.immediates.clear();
  }
}

/** Removes what model code could use, through `import js`, to reach beyond this process. */
function closeEscapeHatches(): void {
  const g = globalThis as Record<string, unknown>;
  for (const name of ['fetch', 'WebSocket', 'EventSource', 'XMLHttpRequest', 'Request', 'Response']) {
    try {
      delete g[name];
    } catch {}
  }
  const proc = process as unknown as Record<string, unknown>;
  for (const name of ['kill', 'dlopen', 'getBuiltinModule', 'binding', '_linkedBinding', 'abort', 'chdir']) {
    try {
      Object.defineProperty(proc, name, { configurable: false, writable: false, value: undefined });
    } catch {}
  }
  for (const key of Object.keys(process.env)) delete process.env[key];
}

// Wires the host core to this worker: the one the memory snapshot built when it was built from
// this host's sources (else one built here), the tool bridge, and the dispatch function that the
// message handler below calls with each request's text.
const BOOTSTRAP = `
import sys as _sys
import _alr_host
del _sys.modules["_alr_host"]
_session = getattr(_sys.modules.pop("_alr_prepared", None), "core", None)
if type(_session) is not dict or _session.get("fingerprint") != _alr_host.fingerprint:
${SESSION_CORE.replace(/^(?=.)/gm, '    ')}
    _session = _alr_session_core(_alr_host.sources(), _alr_host.python_dir, _alr_host.fingerprint)
    del _alr_session_core
_session["bridge"].append(_alr_host.call)
# The snapshot imported random with one seed: seeded again here from the host's entropy, so that
# sessions do not all draw the same numbers (a fresh CPython process seeds it from the system's).
import random as _random
_random.seed(int(_alr_host.random_seed, 16))
_alr_dispatch = _session["dispatch"]
del _alr_host, _session, _random
_alr_dispatch
`;

async function main(): Promise<void> {
  capMemoryGrowth(data.memoryLimitMb * 1024 * 1024);
  const restoreInstantiate = data.module ? useSharedModule(data.module) : () => {};
  const restoreWrappers = useSharedWrappers(data.wrappers);
  const loaderFile = join(data.pyodideDir, 'pyodide.mjs');
  const importModule = scriptImporter(loaderFile);
  let loadPyodide: LoadPyodide | undefined;
  try {
    if (data.loaderScript)
      loadPyodide = compileLoaderScript(data.loaderScript, pathToFileURL(loaderFile).href, importModule);
  } catch {}
  const loader = loadPyodide ? 'script' : 'module';
  loadPyodide ??= (await import(pathToFileURL(loaderFile).href)).loadPyodide as LoadPyodide;
  const discard = { batched: () => {} };
  let script: PyodideScript | null = null;
  try {
    const url = pathToFileURL(join(data.pyodideDir, 'pyodide.asm.mjs')).href;
    if (data.pyodideScript)
      script = compilePyodideScript(data.pyodideScript, url, importModule, data.codeCache);
  } catch {
    // Pyodide then loads pyodide.asm.mjs as a module, compiled from source.
  }
  const linker = createLinker(data.linkPlan);
  const create = script?.create;
  const options = {
    indexURL: `${data.pyodideDir}/`,
    // Model code reading stdin gets end-of-file (as with /dev/null), never the protocol's input;
    // given here, Pyodide never opens this thread's process.stdin (and Node's stream modules).
    stdin: () => null,
    stdout: () => {},
    stderr: () => {},
    env: { HOME: '/home/pyodide' },
    ...(create
      ? {
          createPyodideModule: (settings: Record<string, unknown>) =>
            create(Object.assign(settings, { __alrLink: linker.link, __alrMerge: linker.merge })),
        }
      : {}),
  };
  const snapshot = data.snapshot;
  let snapshotError = data.snapshotError;
  let pyodide: PyodideApi;
  let fromSnapshot = snapshot !== undefined;
  const restoreCopy = snapshot ? sparseSnapshotCopy(snapshot) : () => {};
  try {
    pyodide = await loadPyodide(snapshot ? { ...options, _loadSnapshot: snapshot } : options);
  } catch (err) {
    if (!snapshot) throw err;
    fromSnapshot = false;
    snapshotError = String((err as Error)?.message ?? err).slice(0, 300);
    pyodide = await loadPyodide(options);
  } finally {
    restoreCopy();
  }
  restoreInstantiate();
  const wrappers = restoreWrappers();
  pyodide.setStdout(discard);
  pyodide.setStderr(discard);
  pyodide.setInterruptBuffer(data.interrupt);
  pyodide.registerJsModule('_alr_host', {
    call: bridgeCall,
    // Empty: no snapshot core fits, this session builds its own.
    fingerprint: data.hostCoreFingerprint ?? '',
    // Read only when the snapshot's core does not fit.
    sources: () => hostCoreSources(data.pythonDir),
    python_dir: data.pythonDir,
    random_seed: data.randomSeed,
  });
  const dispatch = pyodide.runPython(BOOTSTRAP, { filename: '/alr/bootstrap.py' });
  pyodide.unregisterJsModule('_alr_host');
  closeEscapeHatches();
  const stepTimers = new StepTimers();
  stepTimers.install();
  const version = pyodide.runPython('import sys; sys.version.split()[0]');
  if (data.role === 'recorder') {
    // Posted before this worker listens for requests: no model code has run in it yet.
    port?.postMessage({
      kind: 'code-cache',
      data: script ? script.makeCache() : null,
      wrappers,
      linkPlan: linker.recorded(),
    });
  }
  // Reported for diagnosis: whether Pyodide's JavaScript started from the host's code cache.
  const codeCache = !script
    ? 'unused'
    : !data.codeCache
      ? 'none'
      : script.cacheRejected
        ? 'rejected'
        : 'used';
  send({
    op: 'ready',
    python: version,
    backend: 'pyodide',
    fromSnapshot,
    snapshotError,
    codeCache,
    // Whether Pyodide's loader ran as a script (no ES module loader in this thread).
    loader,
    linking: linker.mode(),
  });

  port?.on('message', (message: { op?: string }) => {
    stepTimers.begin();
    let answer: string;
    try {
      answer = dispatch(JSON.stringify(message));
    } catch (err) {
      const text = String((err as Error)?.message ?? err);
      const kind = /MemoryError|out of memory|Out of bounds memory|memory limit/i.test(text)
        ? 'memory'
        : 'crash';
      answer = JSON.stringify({ op: 'failure', kind, detail: text.slice(-500) });
      send(JSON.parse(answer));
      process.exit(72);
    }
    stepTimers.end();
    port?.postMessage({ kind: 'raw', text: answer });
    // Reached once everything the request left behind (promise callbacks included) has run: the
    // harness holds the next step until then, and replaces a worker that never gets here.
    timers.setImmediate(() => port?.postMessage({ kind: 'idle' }));
  });
}

main().catch((err) => {
  send({ op: 'failure', kind: 'crash', detail: String(err?.stack ?? err).slice(0, 800) });
  process.exit(73);
});
