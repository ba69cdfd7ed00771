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

const BOOTSTRAP = `
import builtins as _b, os as _os, sys as _sys
import json as _private_json
_enc = _private_json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
_dec = _private_json.JSONDecoder().decode
for _n in [n for n in _sys.modules if n == "json" or n.startswith("json.")]:
    del _sys.modules[_n]
import json as _user_json

def _load(path, source):
    ns = {"__builtins__": dict(_b.__dict__), "__name__": "alr_" + path.rsplit("/", 1)[-1][:-3]}
    exec(compile(source, path, "exec"), ns)
    return ns

import _alr_host
_host_call = _alr_host.call
del _sys.modules["_alr_host"]
_runtime_ns = _load(_alr_runtime_path, _alr_runtime_source)
_analysis_ns = _load(_alr_analysis_path, _alr_analysis_source)
_runtime = _runtime_ns["Runtime"](lambda text: _host_call(text), _enc, _dec)

def _refused(*_a, **_k):
    raise PermissionError("sandbox: starting processes is not allowed")
for _n in ("system", "popen", "fork", "execv", "execve", "spawnv", "posix_spawn", "kill"):
    if hasattr(_os, _n):
        setattr(_os, _n, _refused)

_snapshot = _runtime_ns["ProcessSnapshot"]()

# Runtime specs (semantics.py): loaded on the first request, which plain runtimes never make.
_semantics_ns = None
def _semantics_request(m):
    global _semantics_ns
    if _semantics_ns is None:
        _semantics_ns = _load(_alr_semantics_path, _alr_semantics_source)
    return _semantics_ns["handle"](m, _runtime, _runtime_ns["BUILTIN_NAMES"])

def _alr_dispatch(text):
    global _user_json
    m = _dec(text)
    op = m.get("op")
    if op == "init":
        _runtime.configure(m["mode"], m["tools"], m.get("outputCap"), _user_json)
        return _enc({"op": "initialized"})
    if op == "step":
        r = _runtime.run_step(m["code"])
        r["op"] = "step_done"
        return _enc(r)
    if op == "reset":
        _user_json = _snapshot.restore()
        return _enc({"op": "reset_done"})
    if op == "analyze":
        return _enc({"op": "analysis", "results": _analysis_ns["analyze_blocks"](m["blocks"])})
    if op == "semantics":
        return _enc(_semantics_request(m))
    return _enc({"op": "failure", "kind": "crash", "detail": "unknown request"})
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
  const globals = pyodide.globals;
  for (const name of ['runtime', 'analysis', 'semantics']) {
    const path = join(data.pythonDir, `${name}.py`);
    globals.set(`_alr_${name}_path`, path);
    globals.set(`_alr_${name}_source`, readFileSync(path, 'utf8'));
  }
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
