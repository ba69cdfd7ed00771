/**
 * analyzeCode(blocks): Python's own `ast` over many code blocks. A few analysis processes per
 * backend are kept for the life of the harness (they do not keep the harness alive), so that
 * analysing thousands of blocks costs one interpreter start per process; a large request is
 * split between them, since parsing is CPU-bound and Python runs on one core.
 *
 * The default backend is the machine's python3 (the cpython backend, under the same sandbox as
 * model code) when there is one, since it starts in milliseconds where Pyodide takes a second or
 * more; otherwise Pyodide.
 */
import { availableParallelism } from 'node:os';
import { DEFAULT_MEMORY_LIMIT_MB } from './defaults.js';
import type { BackendName, CodeAnalysis } from './interpreter.js';
import { InterpreterProcess } from './interpreter-process.js';
import { cpythonAvailable, type IsolationMode, launchSpec } from './isolation.js';
import { preparePyodideSnapshot, pyodideSnapshot } from './pyodide-snapshot.js';
import { requestAnalysis } from './sandbox.js';

export interface AnalyzeOptions {
  backend?: BackendName;
  isolation?: IsolationMode;
}

/** Blocks below which a request is not split (a second process would not pay for itself). */
const SPLIT_MIN_BLOCKS = 400;
/** Analysis processes per backend at most (parsing uses one core each). */
const MAX_PROCESSES = Math.max(1, Math.min(2, availableParallelism()));

interface Slot {
  proc: Promise<InterpreterProcess> | null;
  queue: Promise<unknown>;
}

const pools = new Map<BackendName, Slot[]>();
let defaultBackend: BackendName | undefined;

/** cpython when the machine has python3, else pyodide (decided once per harness). */
export function defaultAnalysisBackend(): BackendName {
  defaultBackend ??= cpythonAvailable() ? 'cpython' : 'pyodide';
  return defaultBackend;
}

async function startProcess(backend: BackendName, isolation: IsolationMode): Promise<InterpreterProcess> {
  // A snapshot already in the cache is used at once; otherwise this start takes the slow path.
  if (backend === 'pyodide') void preparePyodideSnapshot(isolation);
  const spec = launchSpec(backend, {
    isolation,
    memoryLimitMb: DEFAULT_MEMORY_LIMIT_MB,
    pyodideSnapshot: backend === 'pyodide' ? pyodideSnapshot() : null,
  });
  const proc = await InterpreterProcess.start(spec, DEFAULT_MEMORY_LIMIT_MB);
  proc.setReferenced(false);
  return proc;
}

async function liveProcess(
  slot: Slot,
  backend: BackendName,
  isolation: IsolationMode,
): Promise<InterpreterProcess> {
  const existing = slot.proc ? await slot.proc.catch(() => null) : null;
  if (existing?.alive) return existing;
  slot.proc = startProcess(backend, isolation);
  return slot.proc;
}

/** Runs one request on one slot's process, after the requests already queued there. */
function onSlot(
  slot: Slot,
  backend: BackendName,
  isolation: IsolationMode,
  blocks: string[],
): Promise<CodeAnalysis[]> {
  const run = async () => {
    const proc = await liveProcess(slot, backend, isolation);
    proc.setReferenced(true);
    try {
      return await requestAnalysis(proc, blocks);
    } finally {
      proc.setReferenced(false);
    }
  };
  const result = slot.queue.then(run, run);
  slot.queue = result.catch(() => {});
  return result;
}

export async function analyzeCode(blocks: string[], options: AnalyzeOptions = {}): Promise<CodeAnalysis[]> {
  const backend = options.backend ?? defaultAnalysisBackend();
  const isolation = options.isolation ?? 'auto';
  let slots = pools.get(backend);
  if (!slots) {
    slots = Array.from({ length: MAX_PROCESSES }, () => ({ proc: null, queue: Promise.resolve() }));
    pools.set(backend, slots);
  }
  const parts = blocks.length >= SPLIT_MIN_BLOCKS ? slots.length : 1;
  // Contiguous slices, so that the answers concatenate back in order.
  const size = Math.ceil(blocks.length / parts);
  const answers = await Promise.all(
    Array.from({ length: parts }, (_, i) =>
      onSlot(slots[i] as Slot, backend, isolation, blocks.slice(i * size, (i + 1) * size)),
    ),
  );
  return answers.flat();
}
