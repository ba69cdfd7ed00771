// Makes a Pyodide memory snapshot (Python initialized, common standard modules imported, the host
// core built) and writes it to the file named on the command line. Interpreters started from the
// snapshot skip Python's start-up and the building of the host core, which are most of their start
// time. Runs before any model code exists.
import { constants, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hostCoreSources } from './host-core-files.js';
import { hostCoreFingerprint } from './host-core-fingerprint.js';
import { SESSION_CORE } from './pyodide-session-core.js';

const [pyodideDir, outFile, pythonDir] = process.argv.slice(2) as [string, string, string];
Object.defineProperty(process, 'binding', {
  configurable: true,
  value: (name: string) => {
    if (name === 'constants') return { fs: constants };
    throw new Error('not available in the sandbox');
  },
});
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, 'pyodide.mjs')).href);
const pyodide = await loadPyodide({
  indexURL: `${pyodideDir}/`,
  stdout: () => {},
  stderr: () => {},
  env: { HOME: '/home/pyodide' },
  _makeSnapshot: true,
});
pyodide.runPython(
  'import ast, json, traceback, types, io, math, random, re, collections, itertools, functools, heapq, statistics',
);
// The host core, built as a session would build it, under the path a session loads it from (the
// same directory layout in the host); sessions use it when it was built from their sources.
const sources = hostCoreSources(pythonDir);
pyodide.globals.set('_alr_sources', sources);
pyodide.globals.set('_alr_python_dir', pythonDir);
pyodide.globals.set('_alr_fingerprint', hostCoreFingerprint(sources));
pyodide.runPython(SESSION_CORE);
pyodide.runPython(`
import sys, types
_prepared = types.ModuleType("_alr_prepared")
_prepared.core = _alr_session_core(_alr_sources, _alr_python_dir, _alr_fingerprint)
sys.modules["_alr_prepared"] = _prepared
del _prepared, _alr_session_core, _alr_sources, _alr_python_dir, _alr_fingerprint, sys, types
# Everything so far lives as long as the interpreter: moved out of the collector's sight, a full
# collection in a session (one comes within its first allocations) no longer walks these objects.
import gc
gc.collect()
gc.freeze()
del gc
`);
writeFileSync(outFile, pyodide.makeMemorySnapshot());
process.exit(0);
