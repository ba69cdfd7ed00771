import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** A fresh temporary folder, removed when the test ends. */
export function tempDir(t: TestContext, label = 'alr-tasks-'): string {
  const dir = mkdtempSync(join(tmpdir(), label));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A file's text without the lines that carry wall-clock times or the output folder. */
export function withoutVolatileLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*"(generated_at|created_at|out_dir)":/.test(line))
    .join('\n');
}
