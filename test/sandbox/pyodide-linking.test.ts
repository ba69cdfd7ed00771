// Pyodide's linking replayed from a recorded plan (child/pyodide-linking.ts): an instance linked
// from the plan ends with the same global offset table and the same function table as one the
// loader linked, its deferred parts are made when asked for, Python runs in it, and a plan that
// does not fit is not used.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  createLinker,
  deferMerge,
  type Linker,
  type LinkPlan,
  linkPlan,
  tableWriterBytes,
} from '../../src/sandbox/child/pyodide-linking.js';
import { compilePyodideScript, scriptSource } from '../../src/sandbox/child/pyodide-script.js';
import { pyodideDir } from '../../src/sandbox/isolation.js';

const file = join(pyodideDir(), 'pyodide.asm.mjs');
const script = scriptSource(readFileSync(file, 'utf8'));

interface Table {
  length: number;
  get(i: number): ((...args: unknown[]) => unknown) | null;
}
interface Started {
  runPython(code: string): unknown;
  _module: {
    LDSO: { loadedLibsByName: Record<string, { exports: Record<string, unknown> }> };
    GOT: Record<string, { value: number }>;
    wasmTable: Table;
    addFunction(f: unknown, sig: string): number;
  };
}

let loads = 0;
async function start(linker: Linker): Promise<Started> {
  assert.ok(script, 'the script loader refused pyodide.asm.mjs');
  const compiled = compilePyodideScript(
    script,
    `${pathToFileURL(file).href}?link=${++loads}`,
    (s) => import(s),
  );
  const { loadPyodide } = await import(pathToFileURL(join(pyodideDir(), 'pyodide.mjs')).href);
  return loadPyodide({
    indexURL: `${pyodideDir()}/`,
    stdout: () => {},
    stderr: () => {},
    createPyodideModule: (settings: Record<string, unknown>) =>
      compiled.create(Object.assign(settings, { __alrLink: linker.link, __alrMerge: linker.merge })),
  });
}

const wasmApi = (globalThis as unknown as { WebAssembly: Record<string, new (...a: never[]) => unknown> })
  .WebAssembly;

test('the table writer puts each function, with its signature, in its slot of the table', () => {
  const slots = [5, 0, 130, 2];
  const bytes = tableWriterBytes(['iii', 'vi', 'dd', 'ji'], slots);
  assert.ok(bytes);
  const seen: unknown[] = [];
  const Module = wasmApi.Module as unknown as new (b: Uint8Array) => object;
  const Instance = wasmApi.Instance as unknown as new (m: object, i: object) => object;
  const Table = wasmApi.Table as unknown as new (d: object) => Table;
  const table = new Table({ element: 'anyfunc', initial: 200 });
  new Instance(new Module(bytes), {
    e: {
      f0: (a: number, b: number) => a * b,
      f1: (a: number) => void seen.push(a),
      f2: (x: number) => x / 2,
      f3: (a: number) => BigInt(a) << 40n,
      t: table,
    },
  });
  assert.equal(table.get(5)?.(6, 7), 42);
  assert.equal(table.get(0)?.(5), undefined);
  assert.deepEqual(seen, [5]);
  assert.equal(table.get(130)?.(3), 1.5);
  assert.equal(table.get(2)?.(1), 1n << 40n);
  for (const other of [1, 3, 4, 129, 131]) assert.equal(table.get(other), null, `slot ${other}`);
  assert.equal(tableWriterBytes(['vq'], [1]), null, 'an unknown type letter');
  assert.equal(tableWriterBytes([''], [1]), null, 'an empty signature');
  assert.equal(tableWriterBytes(['v'], []), null, 'no slot');
});

test('a replayed linking ends with the loader\u2019s GOT and function table, made when asked for', async () => {
  const recorder = createLinker(undefined);
  const linked = await start(recorder);
  assert.equal(recorder.mode(), 'loader');
  const recorded = recorder.recorded();
  assert.ok(recorded, 'the loader\u2019s linking could not be recorded');
  const plan = linkPlan(structuredClone(recorded));
  assert.deepEqual(plan, recorded, 'the plan does not survive the trip to the host and back');
  assert.ok(plan.imported.length > 0 && plan.lazy.length > plan.imported.length);
  assert.ok(plan.jsSigs.length > 0, 'no JavaScript function for the compiled table writer');

  const replayer = createLinker(plan);
  const replayed = await start(replayer);
  assert.equal(replayer.mode(), 'replayed');
  const a = linked._module;
  const b = replayed._module;
  assert.equal(b.wasmTable.length, a.wasmTable.length, 'table length');
  let deferred = 0;
  for (let i = plan.tableStart; i < plan.tableEnd; i++) if (b.wasmTable.get(i) === null) deferred++;
  assert.ok(deferred > 1000, `only ${deferred} slots were left to be made later`);
  assert.equal(
    replayed.runPython('import json; json.dumps(sorted({3: "c", 1: "a"}.items()))'),
    '[[1, "a"], [3, "c"]]',
  );

  // A GOT entry asked for is made with its slot.
  const symbol = plan.lazy.find((s, i) => {
    const v = plan.lazyValues[i] as number;
    return v >= plan.tableStart && v < plan.tableEnd && typeof a.GOT[s] === 'object';
  });
  assert.ok(symbol);
  const slot = b.GOT[symbol]?.value as number;
  assert.equal(slot, a.GOT[symbol]?.value);
  assert.notEqual(b.wasmTable.get(slot), null);

  // The loader's first search of the table makes every slot: addFunction of a function already
  // there finds it, and a new one gets the slot it gets after the loader's own linking.
  const existing = a.wasmTable.get(slot);
  assert.equal(a.addFunction(existing, 'v'), slot);
  assert.equal(b.addFunction(b.wasmTable.get(slot), 'v'), slot);
  assert.equal(
    b.addFunction(() => 1, 'i'),
    a.addFunction(() => 1, 'i'),
  );
  for (let i = 0; i < a.wasmTable.length; i++) {
    const fa = a.wasmTable.get(i);
    const fb = b.wasmTable.get(i);
    assert.equal(fb === null, fa === null, `slot ${i}`);
    if (i < plan.tableStart || typeof fa !== 'function' || typeof fb !== 'function') continue;
    assert.equal(fb.length, fa.length, `slot ${i}: arity`);
    // A function of the module itself is named by its index there; the loader's wrapper of a
    // JavaScript function is function 0 of a module of its own (and not compared).
    if (fa.name !== '0') assert.equal(fb.name, fa.name, `slot ${i}`);
  }
  // Every GOT entry, read through the proxy.
  const names = Object.keys(a.GOT);
  assert.deepEqual(Object.keys(b.GOT).sort(), [...names].sort());
  for (const name of names) assert.equal(b.GOT[name]?.value, a.GOT[name]?.value, `GOT ${name}`);
  // The symbol table the main module's exports joined (deferred in the replayed one).
  const symbolsA = a.LDSO.loadedLibsByName.__main__?.exports ?? {};
  const symbolsB = b.LDSO.loadedLibsByName.__main__?.exports ?? {};
  assert.ok(Object.keys(symbolsA).length > 6000);
  assert.deepEqual(Object.keys(symbolsB).sort(), Object.keys(symbolsA).sort());
  for (const [symbol, x] of Object.entries(symbolsA)) {
    const y = symbolsB[symbol];
    assert.equal(typeof y, typeof x, `symbol ${symbol}`);
    if (typeof x === 'function' && typeof y === 'function' && /^\d+$/.test(x.name))
      assert.equal(y.name, x.name, `symbol ${symbol}`);
  }
  assert.equal(replayed.runPython('sum(i * i for i in range(100))'), 328350);
});

// The loader's mergeLibSymbols, restated: each export joins where the table lacks its symbol or
// holds a stub, and `main` and `__main_argc_argv` stand in for each other.
function loaderMerge(table: Record<string, unknown>, exports: Record<string, unknown>): void {
  for (const [symbol, value] of Object.entries(exports)) {
    const join = (target: string) => {
      const existing = table[target] as { stub?: boolean } | undefined;
      if (!existing || existing.stub) table[target] = value;
    };
    join(symbol);
    if (symbol === 'main') join('__main_argc_argv');
    if (symbol === '__main_argc_argv') join('main');
  }
}

test('the deferred merge ends with the table the loader\u2019s merge makes, one symbol at a time', () => {
  const exports = { stubbed: 'E1', kept: 'E2', read: 'E3', written: 'E4', deleted: 'E5', unread: 'E6' };
  const fresh = () => ({ stubbed: { stub: true }, kept: 'defined', other: 'js' }) as Record<string, unknown>;
  const eager = fresh();
  loaderMerge(eager, exports);
  const raw = fresh();
  const symbols = { table: raw, merge: (e: Record<string, unknown>) => loaderMerge(symbols.table, e) };
  deferMerge(symbols, exports);
  const lazy = symbols.table;
  for (const table of [eager, lazy]) {
    assert.equal(table.read, 'E3');
    assert.equal('stubbed' in table, true);
    assert.equal(table.kept, 'defined');
    table.written = 'W';
    delete table.deleted;
  }
  assert.equal(Object.hasOwn(raw, 'unread'), false, 'an export nobody asked for joined the table');
  assert.equal(raw.stubbed, 'E1');
  assert.deepEqual({ ...lazy }, eager);
  assert.deepEqual(raw, eager);

  const withMain = { main: 'M', helper: 'H' };
  const aliasEager: Record<string, unknown> = {};
  loaderMerge(aliasEager, withMain);
  const aliasSymbols = {
    table: {} as Record<string, unknown>,
    merge: (e: Record<string, unknown>) => loaderMerge(aliasSymbols.table, e),
  };
  deferMerge(aliasSymbols, withMain);
  assert.equal(aliasSymbols.table.__main_argc_argv, 'M');
  assert.deepEqual({ ...aliasSymbols.table }, aliasEager);
});

test('a plan that does not fit this instance is not used, and the loader links', async () => {
  const recorder = createLinker(undefined);
  await start(recorder);
  const plan = recorder.recorded() as LinkPlan;
  const otherTable = createLinker({ ...plan, tableStart: plan.tableStart + 1, slots: plan.slots.slice(1) });
  const pyodide = await start(otherTable);
  assert.equal(otherTable.mode(), 'loader');
  assert.equal(pyodide.runPython('6 * 7'), 42);
  const otherImports = createLinker({ ...plan, imported: [...plan.imported].reverse() });
  await start(otherImports);
  assert.equal(otherImports.mode(), 'loader');
  const otherSigs = createLinker({ ...plan, jsSigs: [...plan.jsSigs.slice(1), 'v'] });
  await start(otherSigs);
  assert.equal(otherSigs.mode(), 'loader', 'a table writer made for other functions');
});

test('plans of another shape are dropped by the host', () => {
  const good: LinkPlan = {
    tableStart: 2,
    tableEnd: 3,
    imported: ['a'],
    importedValues: [2],
    lazy: ['b'],
    lazyValues: [7],
    slots: ['a'],
    jsSigs: ['vi'],
    jsWriter: new (wasmApi.Module as unknown as new (b: Uint8Array) => object)(
      tableWriterBytes(['vi'], [2]) as Uint8Array,
    ),
  };
  assert.deepEqual(linkPlan(good), good);
  assert.equal(linkPlan({ ...good, jsWriter: {} }), undefined, 'no compiled table writer');
  assert.equal(linkPlan(null), undefined);
  assert.equal(linkPlan({ ...good, slots: [] }), undefined, 'slots do not cover the table');
  assert.equal(linkPlan({ ...good, importedValues: [] }), undefined, 'a value missing');
  assert.equal(linkPlan({ ...good, lazyValues: ['7'] }), undefined, 'a value of another type');
  assert.equal(linkPlan({ ...good, tableEnd: 1, slots: [] }), undefined, 'the table shrinks');
  assert.equal(linkPlan({ ...good, imported: [{}] }), undefined, 'a name of another type');
});
