import { readFileSync } from 'node:fs';

/** Direct child pids of a process (Linux /proc; empty where /proc is missing or the process is gone). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Every descendant pid of a process, depth first. */
export function descendantPids(pid: number): number[] {
  return childPids(pid).flatMap((c) => [c, ...descendantPids(c)]);
}
