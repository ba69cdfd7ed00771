import { readFileSync } from 'node:fs';

/** Whether a process is running (Linux /proc): a zombie has exited, only its parent's wait is missing. */
export function alive(pid: number): boolean {
  try {
    return !/^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls every 50 ms while `condition` holds, for at most `withinMs`. */
export async function waitWhile(condition: () => boolean, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
