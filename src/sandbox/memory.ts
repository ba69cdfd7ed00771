/** Resident memory of a process and all its descendants, from /proc (Linux); null elsewhere. */
import { readFileSync } from 'node:fs';

function children(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[];
  try {
    tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
  } catch {
    return found;
  }
  for (const t of tasks) if (t) found.push(Number(t));
  return found;
}

function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function processTreeRss(pid: number): number | null {
  if (process.platform !== 'linux') return null;
  let total = 0;
  const stack = [pid];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const next = stack.pop() as number;
    if (seen.has(next)) continue;
    seen.add(next);
    total += rssBytes(next);
    stack.push(...children(next));
  }
  return total;
}
