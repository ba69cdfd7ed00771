// Worker thread of the pyodide sandbox process: loads Pyodide from the package directory (offline),
// installs the shared Python runtime and runs steps. Tool calls block on a shared mailbox until the
// main thread delivers the harness's answer. This file imports only Node built-ins and Pyodide.
import { constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

interface WorkerData {
  pyodideDir: string;
  snapshotFile?: string;
  pythonDir: string;
  interrupt: Int32Array;
  control: Int32Array;
  mailbox: Uint8Array;
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

function bridgeCall(text: string): string {
  Atomics.store(data.control, 0, 0);
  port?.postMessage({ kind: 'raw', text });
  Atomics.wait(data.control, 0, 0);
  const length = Atomics.load(data.control, 1);
  return new TextDecoder().decode(data.mailbox.slice(0, length));
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

// The Python modules of the shared host core (python/host_core.py loads the others by name).
const PYTHON_FILES = [
  'host_core.py',
  'process_hooks.py',
  'runtime.py',
  'error_text.py',
  'safe_repr.py',
  'analysis.py',
];

// Wires host_core.py to this worker: a private json for the protocol, the tool bridge, and a
// dispatch function that the message handler below calls with each request's text.
const BOOTSTRAP = `
import builtins as _b, sys as _sys
import json as _private_json
_enc = _private_json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_dec = _private_json.JSONDecoder().decode
for _n in [n for n in _sys.modules if n == "json" or n.startswith("json.")]:
    del _sys.modules[_n]
import json as _user_json

_sources = dict(_alr_sources)
del _alr_sources

def _load(file_name):
    ns = {"__builtins__": dict(_b.__dict__), "__name__": "alr_" + file_name[:-3]}
    exec(compile(_sources[file_name], _alr_python_dir + "/" + file_name, "exec"), ns)
    return ns

import _alr_host
_host_call = _alr_host.call
del _sys.modules["_alr_host"]
_core_ns = _load("host_core.py")
_core = _core_ns["HostCore"](_load, lambda text: _host_call(text), _enc, _dec, _user_json)

def _alr_dispatch(text):
    answer = _core.handle(_dec(text))
    if answer is None:
        answer = {"op": "failure", "kind": "crash", "detail": "unknown request"}
    return _enc(answer)
_alr_dispatch
`;

async function main(): Promise<void> {
  const { loadPyodide } = await import(pathToFileURL(join(data.pyodideDir, 'pyodide.mjs')).href);
  const discard = { batched: () => {} };
  const options = {
    indexURL: `${data.pyodideDir}/`,
    stdout: () => {},
    stderr: () => {},
    env: { HOME: '/home/pyodide' },
  };
  let snapshot: Uint8Array | undefined;
  let snapshotError: string | undefined;
  try {
    if (data.snapshotFile) snapshot = readFileSync(data.snapshotFile);
  } catch (err) {
    snapshotError = String((err as Error)?.message ?? err).slice(0, 300);
  }
  let pyodide: Awaited<ReturnType<typeof loadPyodide>>;
  let fromSnapshot = snapshot !== undefined;
  try {
    pyodide = await loadPyodide(snapshot ? { ...options, _loadSnapshot: snapshot } : options);
  } catch (err) {
    if (!snapshot) throw err;
    fromSnapshot = false;
    snapshotError = String((err as Error)?.message ?? err).slice(0, 300);
    pyodide = await loadPyodide(options);
  }
  pyodide.setStdout(discard);
  pyodide.setStderr(discard);
  // Model code reading stdin gets end-of-file (as with /dev/null), never the protocol's input.
  pyodide.setStdin({ stdin: () => null });
  pyodide.setInterruptBuffer(data.interrupt);
  pyodide.registerJsModule('_alr_host', { call: bridgeCall });
  const sources = Object.fromEntries(
    PYTHON_FILES.map((name) => [name, readFileSync(join(data.pythonDir, name), 'utf8')]),
  );
  pyodide.globals.set('_alr_python_dir', data.pythonDir);
  pyodide.globals.set('_alr_sources', pyodide.toPy(sources));
  const dispatch = pyodide.runPython(BOOTSTRAP, { filename: '/alr/bootstrap.py' });
  pyodide.unregisterJsModule('_alr_host');
  closeEscapeHatches();
  const version = pyodide.runPython('import sys; sys.version.split()[0]');
  send({ op: 'ready', python: version, backend: 'pyodide', fromSnapshot, snapshotError });

  port?.on('message', (message: { op?: string }) => {
    if (message.op === 'step') Atomics.store(data.interrupt, 0, 0);
    let answer: string;
    try {
      answer = dispatch(JSON.stringify(message));
    } catch (err) {
      const text = String((err as Error)?.message ?? err);
      const kind = /MemoryError|out of memory|Out of bounds memory/i.test(text) ? 'memory' : 'crash';
      answer = JSON.stringify({ op: 'failure', kind, detail: text.slice(-500) });
      send(JSON.parse(answer));
      process.exit(72);
    }
    port?.postMessage({ kind: 'raw', text: answer });
  });
}

main().catch((err) => {
  send({ op: 'failure', kind: 'crash', detail: String(err?.stack ?? err).slice(0, 800) });
  process.exit(73);
});
