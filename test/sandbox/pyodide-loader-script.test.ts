// Pyodide's loader (pyodide.mjs) run as a script (child/pyodide-script.ts): the installed file has
// the shape the rewriting expects and yields loadPyodide, its dynamic imports reach the importer a
// worker gives it, other shapes are refused, and that importer hands over Node's built-ins the way
// their module namespaces would, without Node's ES module loader.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path, { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  compileLoaderScript,
  loaderScriptSource,
  scriptImporter,
} from '../../src/sandbox/child/pyodide-script.js';
import { pyodideDir } from '../../src/sandbox/isolation.js';

const file = join(pyodideDir(), 'pyodide.mjs');

test('the installed pyodide.mjs is rewritten into a script that returns loadPyodide', () => {
  const source = loaderScriptSource(readFileSync(file, 'utf8'));
  assert.ok(source, 'the installed loader was refused');
  const loadPyodide = compileLoaderScript(source, pathToFileURL(file).href, scriptImporter(file));
  assert.equal(typeof loadPyodide, 'function');
  assert.equal(loadPyodide.name, 'loadPyodide');
});

test('the rewritten loader sends its dynamic imports to the importer it is given', async () => {
  const source = loaderScriptSource(
    'async function q(a){return [a, await import("node:path")]}\nvar v="1";export{q as loadPyodide,v as version};\n//# sourceMappingURL=pyodide.mjs.map\n',
  );
  assert.ok(source);
  const loadPyodide = compileLoaderScript(source, 'file:///pyodide.mjs', async (s) => `got ${s}`);
  assert.deepEqual(await loadPyodide({ x: 1 }), [{ x: 1 }, 'got node:path']);
});

test('loaders of another shape are refused (a worker then imports the module)', () => {
  const body = 'async function q(){return 1}\n';
  assert.equal(loaderScriptSource(body), null, 'no export');
  assert.equal(loaderScriptSource(`${body}export{q as load};`), null, 'no loadPyodide');
  assert.equal(
    loaderScriptSource(`import x from "y";\n${body}export{q as loadPyodide};`),
    null,
    'a static import',
  );
  assert.equal(
    loaderScriptSource(`${body}const u = import.meta.url;\nexport{q as loadPyodide};`),
    null,
    'import.meta',
  );
  assert.equal(loaderScriptSource(`${body}export{q as loadPyodide};\nq();`), null, 'code after the export');
});

test('the importer hands over built-ins as their namespaces, and imports anything else', async () => {
  const importModule = scriptImporter(file);
  const ns = (await importModule('node:path')) as { default: unknown; join: unknown; sep: unknown };
  assert.equal(ns.default, path);
  assert.equal(ns.join, path.join);
  assert.equal(ns.sep, path.sep);
  const other = (await importModule('data:text/javascript,export default 42;')) as { default: number };
  assert.equal(other.default, 42);
  await assert.rejects(importModule('node:no-such-module'));
});
