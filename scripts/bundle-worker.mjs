// Bundles the pyodide host's worker (src/sandbox/child/pyodide-worker.ts and the few modules it
// imports) into one CommonJS file, dist/src/sandbox/child/pyodide-worker.cjs. A worker thread starts
// for every pyodide session: as one CommonJS script it needs neither Node's ES module loader nor
// several module reads (child/pyodide-script.ts loads Pyodide's own files as scripts too). It
// imports only Node built-ins, so nothing from node_modules is bundled.
import { rmSync } from 'node:fs';
import { buildSync } from 'esbuild';

buildSync({
  entryPoints: ['src/sandbox/child/pyodide-worker.ts'],
  outfile: 'dist/src/sandbox/child/pyodide-worker.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Type-only imports (pyodide's types) vanish; anything else from a package would be an error.
  packages: 'external',
  logLevel: 'warning',
});
// tsc's own output for the entry file is never loaded: removed, so that only the bundle ships.
for (const file of ['pyodide-worker.js', 'pyodide-worker.js.map'])
  rmSync(`dist/src/sandbox/child/${file}`, { force: true });
