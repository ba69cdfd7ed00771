// The load benchmark's memory sampler, in a worker thread so that walking /proc for hundreds of
// interpreter processes never delays the harness's event loop. Twice a second it sums the resident
// memory of the harness and every process below it (the model server excluded) and counts the
// interpreter processes (the children of the process launcher). It reports its peaks and its own
// CPU time (which the benchmark subtracts from the harness's) when asked to stop.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { childPids } from '../src/util/process-tree.js';

const { harnessPid, excludePid, intervalMs } = workerData as {
  harnessPid: number;
  excludePid: number;
  intervalMs: number;
};

function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function treeRssKb(pid: number): number {
  let total = rssKb(pid);
  for (const child of childPids(pid)) total += treeRssKb(child);
  return total;
}

/** CPU milliseconds of this thread (Linux /proc/thread-self). */
function threadCpuMs(): number {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const startCpu = threadCpuMs();
let peakKb = 0;
let peakHarnessKb = 0;
let peakInterpreters = 0;

function sample(): void {
  const harnessKb = rssKb(harnessPid);
  let kb = harnessKb;
  let interpreters = 0;
  for (const kid of childPids(harnessPid)) {
    if (kid === excludePid) continue;
    kb += treeRssKb(kid);
    // The harness's children are its process launcher(s); theirs are the interpreters.
    interpreters += childPids(kid).length;
  }
  peakKb = Math.max(peakKb, kb);
  peakHarnessKb = Math.max(peakHarnessKb, harnessKb);
  peakInterpreters = Math.max(peakInterpreters, interpreters);
}

const timer = setInterval(sample, intervalMs);
parentPort?.on('message', () => {
  clearInterval(timer);
  parentPort?.postMessage({
    peakMb: peakKb / 1024,
    peakHarnessMb: peakHarnessKb / 1024,
    peakInterpreters,
    cpuMs: threadCpuMs() - startCpu,
  });
});
