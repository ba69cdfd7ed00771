// Loads Pyodide's JavaScript side (pyodide.asm.mjs, 1.2 MB) as a classic script, which V8 can
// start from a code cache, so that a worker does not parse and compile it again. The host reads and
// rewrites the file once and gives that text to every worker; the cache is made from that text inside the host
// by a worker that never runs model code (child/pyodide-host.ts) and handed to the host's other
// workers. V8 checks that a cache fits the source's length, its own version and flags, and
// compiles from source when it does not. This file imports only Node built-ins: it runs inside
// the sandbox.
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { patchLoaderLinking } from './pyodide-linking.js';

/** Pyodide's module factory (the default export of pyodide.asm.mjs). */
export type PyodideModuleFactory = (settings: object) => Promise<unknown>;

export interface PyodideScript {
  create: PyodideModuleFactory;
  /** True when a cache was given and V8 did not accept it (the script was compiled from source). */
  cacheRejected: boolean;
  /** The code cache of everything compiled so far (call once Pyodide has started). */
  makeCache(): Uint8Array;
}

const EXPORT = 'export default _createPyodideModule;';

/**
 * pyodide.asm.mjs as a function of its two module-only features (import.meta.url and dynamic
 * import), or null when the file is not of the one shape this rewriting was checked against.
 */
export function scriptSource(moduleSource: string): string | null {
  const exportAt = moduleSource.lastIndexOf(EXPORT);
  if (exportAt < 0 || moduleSource.indexOf(EXPORT) !== exportAt) return null;
  if (moduleSource.slice(exportAt + EXPORT.length).trim() !== '') return null;
  const body = moduleSource.slice(0, exportAt);
  // Static import/export statements, or import.meta beyond .url, cannot be rewritten this way.
  if (/(^|[;\n}])\s*(import|export)[\s{*]/.test(body)) return null;
  if (body.split('import.meta').length !== body.split('import.meta.url').length) return null;
  const rewritten = patchLoaderLinking(body)
    .replaceAll('import.meta.url', '__alrModuleUrl')
    .replace(/(?<![\w$.])import\(/g, '__alrImport(');
  return `(function (__alrModuleUrl, __alrImport) {${rewritten}\nreturn _createPyodideModule;\n})`;
}

/** The loader's one export statement at its end, e.g. `export{dt as loadPyodide,U as version};`. */
const LOADER_EXPORTS = /export\s*\{([^{}]*)\}\s*;?\s*(\/\/# sourceMappingURL=\S*\s*)?$/;

/**
 * pyodide.mjs (Pyodide's loader, 18 kB) as a function of its dynamic import that returns
 * loadPyodide, or null when the file is not of the one shape this rewriting was checked against.
 * Loaded this way, and with the worker itself one CommonJS file, a worker never starts Node's ES
 * module loader (about 8% of a session's start, measured host against host).
 */
export function loaderScriptSource(moduleSource: string): string | null {
  const exports = LOADER_EXPORTS.exec(moduleSource);
  if (!exports) return null;
  const body = moduleSource.slice(0, exports.index);
  const local = /^\s*([\w$]+)\s+as\s+loadPyodide\s*$/;
  const name = (exports[1] ?? '')
    .split(',')
    .map((entry) => local.exec(entry)?.[1])
    .find((found) => found !== undefined);
  if (!name) return null;
  if (/(^|[;\n}])\s*(import|export)[\s{*]/.test(body) || body.includes('import.meta')) return null;
  const rewritten = body.replace(/(?<![\w$.])import\(/g, '__alrImport(');
  return `(function (__alrImport) {${rewritten}\nreturn ${name};\n})`;
}

/**
 * What the rewritten scripts call in place of `import(specifier)`. Node's built-in modules are
 * taken with require and handed over as their namespace would be (the live exports, and the module
 * as `default`), so that Node's ES module loader never starts in a worker; anything else is
 * imported. `requireFrom`: any file path (built-ins resolve the same from everywhere).
 */
export function scriptImporter(requireFrom: string): (specifier: string) => Promise<unknown> {
  const require = createRequire(requireFrom);
  const asNamespace = (module: object) =>
    new Proxy(module, {
      get: (target, key) => (key === 'default' ? target : Reflect.get(target, key)),
    });
  return async (specifier) =>
    specifier.startsWith('node:') ? asNamespace(require(specifier)) : import(specifier);
}

/** Pyodide's loadPyodide, typed loosely: its options and result are Pyodide's own. */
export type LoadPyodide = (options: Record<string, unknown>) => Promise<PyodideApi>;
export type PyodideApi = Awaited<ReturnType<typeof import('pyodide').loadPyodide>>;

/** Compiles `source` (what loaderScriptSource made of the loader at `url`) and returns loadPyodide. */
export function compileLoaderScript(
  source: string,
  url: string,
  importModule: (specifier: string) => Promise<unknown>,
): LoadPyodide {
  const factory = new vm.Script(source, { filename: url }).runInThisContext() as (
    dynamicImport: (specifier: string) => Promise<unknown>,
  ) => LoadPyodide;
  return factory(importModule);
}

/**
 * Compiles `source` (what scriptSource made of pyodide.asm.mjs at `url`), from `cache` when V8
 * accepts it.
 */
export function compilePyodideScript(
  source: string,
  url: string,
  importModule: (specifier: string) => Promise<unknown>,
  cache?: Uint8Array,
): PyodideScript {
  // A view of shared memory is copied: V8 takes the cache as an ordinary buffer.
  const cachedData = cache ? Buffer.from(cache) : undefined;
  const script = new vm.Script(source, { filename: url, cachedData });
  const factory = script.runInThisContext() as (
    moduleUrl: string,
    dynamicImport: (specifier: string) => Promise<unknown>,
  ) => PyodideModuleFactory;
  return {
    create: factory(url, importModule),
    cacheRejected: cachedData !== undefined && script.cachedDataRejected === true,
    makeCache: () => new Uint8Array(script.createCachedData()),
  };
}
