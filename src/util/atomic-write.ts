import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** This machine in temporary names: shards on several machines may share one folder (and pids). */
export const temporaryHostTag = `on-${hostname().replace(/[^A-Za-z0-9-]/g, '-')}`;

/**
 * Test seam for fault tests: when ALR_TEST_FAIL_WRITES is set, writes to paths containing it stop
 * halfway through the temporary file and throw, as a full disk or an I/O error would.
 */
const failWritesTo = process.env.ALR_TEST_FAIL_WRITES || undefined;

function temporarySibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.${temporaryHostTag}.tmp`);
}

/** The bytes to write, and how many of them a simulated failure writes before throwing. */
function plan(path: string, tmp: string, data: string | Uint8Array) {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const failAfter =
    failWritesTo !== undefined && path.includes(failWritesTo) ? Math.floor(bytes.length / 2) : undefined;
  const failure = () => new Error(`EIO: i/o error (simulated by ALR_TEST_FAIL_WRITES), write '${tmp}'`);
  return { bytes, failAfter, failure };
}

/**
 * Writes a file so that readers see either the old content or the whole new content, never a
 * partial file: write a temporary sibling, fsync it, then rename it over the target.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = temporarySibling(path);
  const { bytes, failAfter, failure } = plan(path, tmp, data);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    if (failAfter !== undefined) {
      writeSync(fd, bytes, 0, failAfter);
      throw failure();
    }
    let offset = 0;
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

/**
 * `writeFileAtomic` off the event loop (the writes and the fsync run on libuv's thread pool), for
 * the files written while episodes are running, so that a slow disk does not stall them.
 */
export async function writeFileAtomicAsync(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporarySibling(path);
  const { bytes, failAfter, failure } = plan(path, tmp, data);
  const file = await open(tmp, 'w');
  let closed = false;
  try {
    if (failAfter !== undefined) {
      await file.write(bytes, 0, failAfter);
      throw failure();
    }
    await file.writeFile(bytes);
    await file.sync();
    await file.close();
    closed = true;
    await rename(tmp, path);
  } catch (err) {
    if (!closed) await file.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
}
