/**
 * analyzeCode(blocks): Python's own `ast` over many code blocks in one request. One analysis
 * process per backend is kept for the life of the harness (it does not keep the harness alive),
 * so that analysing thousands of blocks costs one interpreter start.
 */
import { DEFAULT_MEMORY_LIMIT_MB } from './defaults.js';
import type { BackendName, CodeAnalysis } from './interpreter.js';
import { InterpreterProcess } from './interpreter-process.js';
import { type IsolationMode, launchSpec } from './isolation.js';
import { preparePyodideSnapshot, pyodideSnapshot } from './pyodide-snapshot.js';
import { requestAnalysis } from './sandbox.js';

export interface AnalyzeOptions {
  backend?: BackendName;
  isolation?: IsolationMode;
}

const shared = new Map<BackendName, Promise<InterpreterProcess>>();
let queue: Promise<unknown> = Promise.resolve();

async function analysisProcess(backend: BackendName, isolation: IsolationMode): Promise<InterpreterProcess> {
  const existing = shared.get(backend);
  if (existing) {
    const proc = await existing.catch(() => null);
    if (proc?.alive) return proc;
  }
  // A snapshot already in the cache is used at once; otherwise this start takes the slow path.
  if (backend === 'pyodide') void preparePyodideSnapshot(isolation);
  const spec = launchSpec(backend, {
    isolation,
    memoryLimitMb: DEFAULT_MEMORY_LIMIT_MB,
    pyodideSnapshot: backend === 'pyodide' ? pyodideSnapshot() : null,
  });
  const started = InterpreterProcess.start(spec, DEFAULT_MEMORY_LIMIT_MB);
  shared.set(backend, started);
  const proc = await started;
  proc.setReferenced(false);
  return proc;
}

export function analyzeCode(blocks: string[], options: AnalyzeOptions = {}): Promise<CodeAnalysis[]> {
  const backend = options.backend ?? 'pyodide';
  const run = async () => {
    const proc = await analysisProcess(backend, options.isolation ?? 'auto');
    proc.setReferenced(true);
    try {
      return await requestAnalysis(proc, blocks);
    } finally {
      proc.setReferenced(false);
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => {});
  return result;
}
