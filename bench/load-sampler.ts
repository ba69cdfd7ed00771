// The load benchmark's memory sampler, in a worker thread so that walking /proc for hundreds of
// interpreter processes never delays the harness's event loop. Twice a second it sums the resident
// memory of the harness and every process below it (the model server excluded) and counts the
// interpreter processes (the innermost processes below the process launcher: one per episode,
// whether started on its own or forked from the cpython fork server). Forked interpreters share
// the fork server's pages, which each one's resident size counts again: the sum of resident sizes is
// an upper bound, so every fourth sample also sums the proportional set sizes (PSS: a shared page
// counts as 1/n in each of the n processes sharing it), the memory the run really holds. It reports its peaks and its own
// CPU time (which the benchmark subtracts from the harness's) when asked to stop.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { processRss } from '../src/sandbox/memory.js';
import { childPids } from '../src/util/process-tree.js';

const { harnessPid, excludePid, intervalMs } = workerData as {
  harnessPid: number;
  excludePid: number;
  intervalMs: number;
};

/** CPU milliseconds of this thread (Linux /proc/thread-self). */
function threadCpuMs(): number {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const MB = 1024 * 1024;
const startCpu = threadCpuMs();
let peakMb = 0;
let peakPssMb = 0;
let samples = 0;
let peakHarnessMb = 0;
let peakInterpreters = 0;

/** Proportional set size of one process in bytes (0 when it is gone). */
function processPss(pid: number): number {
  try {
    const kb = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Resident (and, when asked, proportional) bytes of a process tree and its childless processes. */
function walk(pid: number, pss: boolean): { bytes: number; pssBytes: number; leaves: number } {
  const kids = childPids(pid);
  let bytes = processRss(pid);
  let pssBytes = pss ? processPss(pid) : 0;
  let leaves = kids.length === 0 ? 1 : 0;
  for (const kid of kids) {
    const below = walk(kid, pss);
    bytes += below.bytes;
    pssBytes += below.pssBytes;
    leaves += below.leaves;
  }
  return { bytes, pssBytes, leaves };
}

function sample(): void {
  const pss = samples++ % 4 === 0;
  const harness = processRss(harnessPid);
  let total = harness;
  let totalPss = pss ? processPss(harnessPid) : 0;
  let interpreters = 0;
  // The harness's children are its process launcher(s) (and the excluded model server).
  for (const kid of childPids(harnessPid)) {
    if (kid === excludePid) continue;
    for (const started of childPids(kid)) {
      const tree = walk(started, pss);
      total += tree.bytes;
      totalPss += tree.pssBytes;
      interpreters += tree.leaves;
    }
    total += processRss(kid);
    if (pss) totalPss += processPss(kid);
  }
  if (pss) peakPssMb = Math.max(peakPssMb, totalPss / MB);
  peakMb = Math.max(peakMb, total / MB);
  peakHarnessMb = Math.max(peakHarnessMb, harness / MB);
  peakInterpreters = Math.max(peakInterpreters, interpreters);
}

const timer = setInterval(sample, intervalMs);
parentPort?.on('message', () => {
  clearInterval(timer);
  parentPort?.postMessage({
    peakMb,
    peakPssMb,
    peakHarnessMb,
    peakInterpreters,
    cpuMs: threadCpuMs() - startCpu,
  });
});
