// The code cache of Pyodide's JavaScript side (child/pyodide-script.ts): the installed file is of
// the shape the loader rewrites, a cache of the same text is used, and one that is corrupt or was
// made from another text (another Pyodide version) is refused by V8, Pyodide then compiling from
// source and still starting.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { compilePyodideScript, scriptSource } from '../../src/sandbox/child/pyodide-script.js';
import { pyodideDir } from '../../src/sandbox/isolation.js';

const file = join(pyodideDir(), 'pyodide.asm.mjs');
const source = readFileSync(file, 'utf8');
const url = pathToFileURL(file).href;
const EXPORT = 'export default _createPyodideModule;';

let loads = 0;
/** Every load under a name of its own: V8 would otherwise reuse this isolate's earlier compilation. */
function load(text: string, cache?: Uint8Array) {
  const name = `${url}?load=${++loads}`;
  const script = scriptSource(text);
  assert.ok(script, 'the script loader refused the text');
  return compilePyodideScript(script, name, (specifier) => import(specifier), cache);
}

test('the installed pyodide.asm.mjs has the shape the script loader rewrites', () => {
  assert.notEqual(scriptSource(source), null);
});

test('the rewritten module keeps import.meta.url and dynamic import', async () => {
  const text = scriptSource(
    `async function _createPyodideModule(a){return [a, import.meta.url, await import("node:path")]}\n${EXPORT}\n`,
  );
  assert.ok(text);
  const factory = new vm.Script(text).runInThisContext()(
    'file:///pyodide.asm.mjs',
    async (s: string) => `got ${s}`,
  );
  assert.deepEqual(await factory(1), [1, 'file:///pyodide.asm.mjs', 'got node:path']);
});

test('texts of another shape are refused (Pyodide then loads the file as a module)', () => {
  const body = 'async function _createPyodideModule(){return 1}\n';
  assert.equal(scriptSource(body), null, 'no default export');
  assert.equal(scriptSource(`import x from "y";\n${body}${EXPORT}`), null, 'a static import');
  assert.equal(scriptSource(`${body}export const y = 1;\n${EXPORT}`), null, 'another export');
  assert.equal(
    scriptSource(`${body}const d = import.meta.dirname;\n${EXPORT}`),
    null,
    'import.meta beyond url',
  );
  assert.equal(scriptSource(`${body}${EXPORT}\nconsole.log(1);`), null, 'code after the export');
  assert.equal(scriptSource(`${body}${EXPORT}\n${EXPORT}`), null, 'two exports');
});

test('a cache made from the same text is accepted', () => {
  const cache = load(source).makeCache();
  assert.ok(cache.length > 0);
  assert.equal(load(source, cache).cacheRejected, false);
});

test('a corrupt cache, or one made from another Pyodide version, is refused and Pyodide still starts', async () => {
  const good = load(source).makeCache();
  const garbled = good.slice();
  for (let i = 0; i < 32; i++) garbled[i] = (garbled[i] ?? 0) ^ 0xa5;
  const otherText = source.replace(EXPORT, `/* 314.0.8 */${EXPORT}`);
  const otherVersion = load(otherText).makeCache();
  const candidates = {
    garbled,
    truncated: good.slice(0, 100),
    random: new Uint8Array(randomBytes(good.length)),
    otherVersion,
  };
  let last: ReturnType<typeof load> | undefined;
  for (const [name, cache] of Object.entries(candidates)) {
    last = load(source, cache);
    assert.equal(last.cacheRejected, true, `${name} cache accepted`);
  }
  const { loadPyodide } = await import(pathToFileURL(join(pyodideDir(), 'pyodide.mjs')).href);
  const pyodide = await loadPyodide({
    indexURL: `${pyodideDir()}/`,
    stdout: () => {},
    stderr: () => {},
    createPyodideModule: last?.create,
  });
  assert.equal(pyodide.runPython('sum(range(10))'), 45);
});
