// Makes a Pyodide memory snapshot (Python initialized, common standard modules imported) and
// writes it to the file named on the command line. Interpreters started from the snapshot skip
// Python's start-up, which is most of their start time. Runs before any model code exists.
import { constants, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [pyodideDir, outFile] = process.argv.slice(2) as [string, string];
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
writeFileSync(outFile, pyodide.makeMemorySnapshot());
process.exit(0);
