/**
 * The directories holding the shared libraries that given ELF files load (from `ldd`), which the
 * sandbox binds read-only. Whole directories are bound rather than each library: every bind costs
 * the sandbox's start-up a mount, and a Python with its extension modules loads dozens of
 * libraries from two or three system directories. A directory inside another one already listed
 * is covered by it.
 *
 * `ldd` on a Python and its ~70 extension modules costs about 0.3 s of CPU, so the answer is kept
 * in the user's cache folder under a name made from everything it depends on: each file's path,
 * size, modification time and inode, the dynamic linker's cache (`/etc/ld.so.cache`, rewritten
 * when libraries are installed) and `LD_LIBRARY_PATH`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { userCacheDir } from '../util/cache-dir.js';

const LINKER_CACHE = '/etc/ld.so.cache';
const inProcess = new Map<string, string[]>();

export function libraryDirectories(files: string[]): string[] {
  const key = files.join('\0');
  const known = inProcess.get(key);
  if (known) return known;
  const cacheFile = cacheFileFor(files);
  const cached = cacheFile ? readCached(cacheFile) : null;
  const dirs = cached ?? fromLdd(files);
  if (cacheFile && !cached) writeCached(cacheFile, dirs);
  inProcess.set(key, dirs);
  return dirs;
}

function fromLdd(files: string[]): string[] {
  const found = new Set<string>();
  for (let i = 0; i < files.length; i += 200) {
    const result = spawnSync('ldd', files.slice(i, i + 200), { encoding: 'utf8' });
    for (const line of (result.stdout ?? '').split('\n')) {
      const match = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
      if (match?.[1]) found.add(dirname(match[1]));
    }
  }
  const dirs: string[] = [];
  for (const dir of [...found].sort((a, b) => a.length - b.length || a.localeCompare(b)))
    if (!dirs.some((outer) => dir.startsWith(`${outer}/`))) dirs.push(dir);
  return dirs;
}

/** Null when a file cannot be examined or there is no usable cache folder. */
function cacheFileFor(files: string[]): string | null {
  const hash = createHash('sha256');
  const describe = (file: string, info: { size: number; mtimeMs: number; ino: number } | undefined) =>
    hash.update(`${file}\0${info?.size}\0${info?.mtimeMs}\0${info?.ino}\n`);
  try {
    for (const file of files) describe(file, statSync(file));
  } catch {
    return null;
  }
  describe(LINKER_CACHE, statSync(LINKER_CACHE, { throwIfNoEntry: false }));
  hash.update(`LD_LIBRARY_PATH=${process.env.LD_LIBRARY_PATH ?? ''}`);
  const dir = userCacheDir();
  return dir ? join(dir, `library-dirs-${hash.digest('hex').slice(0, 16)}.json`) : null;
}

/** The cached list, if it is one: absolute paths of directories that still exist. */
function readCached(file: string): string[] | null {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(value)) return null;
    const ok = value.every(
      (dir) =>
        typeof dir === 'string' && isAbsolute(dir) && statSync(dir, { throwIfNoEntry: false })?.isDirectory(),
    );
    return ok ? (value as string[]) : null;
  } catch {
    return null;
  }
}

function writeCached(file: string, dirs: string[]): void {
  try {
    writeFileAtomic(file, JSON.stringify(dirs));
  } catch {
    // Only a slower start next time.
  }
}
