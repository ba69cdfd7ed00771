/** Resident memory of a process and all its descendants, from /proc (Linux); null elsewhere. */
import { readFileSync } from 'node:fs';
import { descendantPids } from '../util/process-tree.js';

let pageBytes: number | undefined;
/** The page size, from this process's own resident size in pages (statm) and in kB (status). */
function pageSize(): number {
  if (pageBytes === undefined) {
    pageBytes = 4096;
    try {
      const pages = Number(readFileSync('/proc/self/statm', 'utf8').split(' ')[1]);
      const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
      if (pages > 0 && kb > 0) pageBytes = 2 ** Math.round(Math.log2((kb * 1024) / pages));
    } catch {}
  }
  return pageBytes;
}

/** Resident memory of one process in bytes (0 when it is gone). */
export function processRss(pid: number): number {
  try {
    // statm (resident pages, the second field) is several times cheaper to read than status.
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * pageSize() || 0;
  } catch {
    return 0;
  }
}

export function processTreeRss(pid: number): number | null {
  if (process.platform !== 'linux') return null;
  return [pid, ...descendantPids(pid)].reduce((total, p) => total + processRss(p), 0);
}

/** Pids of a tree are listed again only every this many samples. */
const RELIST_EVERY = 10;

/**
 * The memory watchdog's view of one interpreter's process tree, sampled several times a second
 * while a step runs. Interpreters cannot start processes (bubblewrap's PID namespace, the audit
 * hook, Node without child processes), so the tree's pids are listed again only now and then,
 * which keeps a sample to a few small reads.
 */
export class ProcessTreeMemory {
  private pids: number[] = [];
  private samples = 0;

  constructor(private readonly root: number) {}

  rss(): number | null {
    if (process.platform !== 'linux') return null;
    if (this.samples++ % RELIST_EVERY === 0) this.pids = [this.root, ...descendantPids(this.root)];
    return this.pids.reduce((total, p) => total + processRss(p), 0);
  }
}
