/**
 * Bytecode of the cpython backend's runtime files, compiled once per harness process by the same
 * Python the interpreters run, so that each interpreter start skips compiling them (a fifth of a
 * start's CPU, and there is one start per episode). The interpreter checks every file against a
 * hash of its source and its own version and compiles the source itself on any mismatch, so a
 * missing or stale directory only costs time.
 */
import { execFileSync } from 'node:child_process';
import { processTempDir, removeProcessTempDir } from '../util/temp-dirs.js';
import { HOST_CORE_PYTHON_FILES } from './child/host-core-files.js';

/** Must match BYTECODE_KEY in python/cpython_host.py. */
const KEY = 0x616c72;
const FILES = [...HOST_CORE_PYTHON_FILES, 'cpython_zygote.py'];

// Writes <name>.bin = source hash (8 bytes) + sys.hexversion (4 bytes) + marshal of the code
// compiled under the file name the interpreter will see.
const COMPILE = `
import _imp, marshal, os, sys
source_dir, seen_dir, out_dir, key = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
for name in sys.argv[5:]:
    with open(os.path.join(source_dir, name), "rb") as handle:
        source = handle.read()
    code = compile(source, os.path.join(seen_dir, name), "exec")
    header = _imp.source_hash(key, source) + sys.hexversion.to_bytes(4, "little")
    with open(os.path.join(out_dir, name + ".bin"), "wb") as handle:
        handle.write(header + marshal.dumps(code))
`;

const made = new Map<string, string | null>();

/**
 * A directory with the compiled files for this Python and the directory the interpreter sees the
 * sources in (null when compiling failed). Removed when the harness exits or a signal ends it.
 */
export function cpythonBytecode(python: string, sourceDir: string, seenDir: string): string | null {
  const key = `${python}\0${sourceDir}\0${seenDir}`;
  if (made.has(key)) return made.get(key) ?? null;
  let dir: string | null = processTempDir('alr-bytecode-');
  try {
    execFileSync(python, ['-I', '-S', '-c', COMPILE, sourceDir, seenDir, dir, String(KEY), ...FILES], {
      stdio: 'ignore',
      timeout: 30_000,
    });
  } catch {
    removeProcessTempDir(dir);
    dir = null;
  }
  made.set(key, dir);
  return dir;
}
