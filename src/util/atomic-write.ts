import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/**
 * Test seam for fault tests: when ALR_TEST_FAIL_WRITES is set, writes to paths containing it stop
 * halfway through the temporary file and throw, as a full disk or an I/O error would.
 */
const failWritesTo = process.env.ALR_TEST_FAIL_WRITES || undefined;

/**
 * Writes a file so that readers see either the old content or the whole new content, never a
 * partial file: write a temporary sibling, fsync it, then rename it over the target.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    if (failWritesTo !== undefined && path.includes(failWritesTo)) {
      writeSync(fd, bytes, 0, Math.floor(bytes.length / 2));
      throw new Error(`EIO: i/o error (simulated by ALR_TEST_FAIL_WRITES), write '${tmp}'`);
    }
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}
