// Makes a Pyodide memory snapshot (Python initialized, common standard modules imported, the host
// core's modules compiled) and writes it to the file named on the command line. Interpreters
// started from the snapshot skip Python's start-up and the compilation of the host core, which
// are most of their start time. Runs before any model code exists.
import { constants, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hostCoreSources } from './host-core-files.js';

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
// Compiled under the path a session loads them from (the same directory layout in the host), kept
// with their text: a session uses a code object only when its own source text is the same.
pyodide.globals.set('_alr_sources', pyodide.toPy(JSON.parse(hostCoreSources(pythonDir))));
pyodide.globals.set('_alr_python_dir', pythonDir);
pyodide.runPython(`
import sys, types
_prepared = types.ModuleType("_alr_compiled")
_prepared.code = {
    name: (source, compile(source, _alr_python_dir + "/" + name, "exec", dont_inherit=True))
    for name, source in _alr_sources.items()
}
# The worker's private json (the protocol's), and a second json in sys.modules for model code:
# importing it again in every session would compile its sources again.
import json
_prepared.private_json = json
for name in [n for n in sys.modules if n == "json" or n.startswith("json.")]:
    del sys.modules[name]
import json
sys.modules["_alr_compiled"] = _prepared
del _prepared, _alr_sources, _alr_python_dir, sys, types, json, name
# Everything so far lives as long as the interpreter: moved out of the collector's sight, a full
# collection in a session (one comes within its first allocations) no longer walks these objects.
import gc
gc.collect()
gc.freeze()
del gc
`);
writeFileSync(outFile, pyodide.makeMemorySnapshot());
process.exit(0);
