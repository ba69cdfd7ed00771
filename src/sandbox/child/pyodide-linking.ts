// Pyodide's dynamic linking, replayed. After instantiating pyodide.asm.wasm, Emscripten's loader
// merges its ~6,600 exports into a symbol table, gives each an entry in the global offset table
// (GOT) and a slot in the function table, and wraps each JavaScript function whose address the
// module takes in a small WebAssembly module of its own: 55-70 ms of a session's start (time marks
// in a worker, one session at a time), the same work with the same result in every session of a
// host (the memory snapshot even depends on the slots being the same). One worker of the host, which never runs model code, links the usual way and
// records the result (the "link plan"); every later session applies it:
// - the ~280 GOT entries the module itself imports get their recorded values, and the function
//   table slots they name are filled at once (the JavaScript functions by one module's element
//   segments, compiled once by that worker);
// - every other GOT entry, and the table slot it names, is made when something first asks for it
//   (the GOT is a proxy); every slot is made before the loader first searches the table for a
//   function, so that search finds what it would have found;
// - the exports join the symbol table when one of them is first looked up there.
// The table ends at the recorded length, so slots handed out later are the same as without the
// plan. A plan that does not fit (another table length or other imports) is not used.
// This file imports nothing: it runs inside the sandbox.

/** What one linking produced, in a shape a worker can receive. */
export interface LinkPlan {
  /** Function table length before linking, and after. */
  tableStart: number;
  tableEnd: number;
  /** The GOT entries the module imports (in the order it asks for them), and their values. */
  imported: string[];
  importedValues: number[];
  /** Every other GOT entry and its value. */
  lazy: string[];
  lazyValues: number[];
  /** For each slot from tableStart on: the symbol whose function fills it. */
  slots: string[];
  /** Signatures of the JavaScript functions the imported entries name (importedJsSlots). */
  jsSigs: string[];
  /** tableWriterBytes of those functions and their slots, compiled. */
  jsWriter: object;
}

/** A WebAssembly.Global as the loader uses it. */
interface GotEntry {
  value: number;
}

/** The loader's internals the linker needs (a patch of pyodide.asm.mjs hands them over). */
export interface LinkerScope {
  GOT: Record<string, GotEntry>;
  table(): { length: number; grow(n: number): number; get(i: number): unknown };
  dynamicLibraries(): unknown[];
  /** The loader's own linking: updateGOT(exports); LDSO.init(); loadDylibs(). */
  link(): void;
  ldsoInit(): void;
  setTableEntry(index: number, fn: unknown): void;
  resolveSymbol(name: string): unknown;
  wrapJsFunction(fn: unknown, sig: string): unknown;
  /** Set by the linker: called before the loader builds its map of the table's functions, and after. */
  hooks: {
    beforeTableMap(): void;
    afterTableMap(map: WeakMap<object, number>): void;
    slot(index: number): void;
  };
}

/** The WebAssembly API parts used here (Node's type definitions leave WebAssembly out). */
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Global: new (descriptor: { value: 'i32'; mutable: boolean }, value: number) => GotEntry;
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
    };
  }
).WebAssembly;

const WASM_TYPES: Record<string, number> = { i: 0x7f, p: 0x7f, j: 0x7e, f: 0x7d, d: 0x7c, e: 0x6f };

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function name(text: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(text));
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/**
 * One module that imports each function (e.f0, e.f1, …) under its Emscripten signature ('vii':
 * returns nothing, takes two i32) and the function table (e.t), and puts function i in slot
 * slots[i] when instantiated: the functions become callable from the table as through the
 * loader's one-function wrapper modules, but no module exports them (in a fresh worker, exporting
 * Pyodide's 259 functions and setting them from JavaScript took 12-14 ms; these segments take
 * 1.5 ms). Null for a signature it does not know.
 */
export function tableWriterBytes(sigs: string[], slots: number[]): Uint8Array | null {
  const types: string[] = [];
  const typeBodies: number[] = [];
  const imports: number[] = [];
  const elements: number[] = [];
  for (const [i, sig] of sigs.entries()) {
    const codes = Array.from(sig, (c) => WASM_TYPES[c]);
    const result = sig[0] === 'v' ? [] : [codes[0]];
    const params = codes.slice(1);
    const slot = slots[i];
    if (sig.length === 0 || params.some((c) => c === undefined) || result.some((c) => c === undefined))
      return null;
    if (slot === undefined || !Number.isInteger(slot) || slot < 0 || slot >= 2 ** 31) return null;
    let type = types.indexOf(sig);
    if (type < 0) {
      type = types.push(sig) - 1;
      typeBodies.push(
        0x60,
        ...uleb(params.length),
        ...(params as number[]),
        ...uleb(result.length),
        ...(result as number[]),
      );
    }
    imports.push(...name('e'), ...name(`f${i}`), 0x00, ...uleb(type));
    // An active segment of table 0 at (i32.const slot) holding function i.
    elements.push(0x00, 0x41, ...sleb(slot), 0x0b, 0x01, ...uleb(i));
  }
  imports.push(...name('e'), ...name('t'), 0x01, 0x70, 0x00, 0x00);
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [...uleb(types.length), ...typeBodies]),
    ...section(2, [...uleb(sigs.length + 1), ...imports]),
    ...section(9, [...uleb(sigs.length), ...elements]),
  ]);
}

/** The plan a worker sent, when it has the one shape expected (anything else is dropped). */
export function linkPlan(value: unknown): LinkPlan | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const int = (x: unknown) =>
    Number.isSafeInteger(x) && (x as number) >= -(2 ** 31) && (x as number) < 2 ** 32;
  const names = (x: unknown) =>
    Array.isArray(x) && x.length <= 100_000 && x.every((n) => typeof n === 'string' && n.length <= 512);
  const ints = (x: unknown, length: number) => Array.isArray(x) && x.length === length && x.every(int);
  if (!int(v.tableStart) || !int(v.tableEnd) || (v.tableStart as number) < 0) return undefined;
  if ((v.tableEnd as number) < (v.tableStart as number)) return undefined;
  if (!names(v.imported) || !names(v.lazy) || !names(v.slots) || !names(v.jsSigs)) return undefined;
  if (!(v.jsWriter instanceof wasm.Module)) return undefined;
  if (!ints(v.importedValues, (v.imported as string[]).length)) return undefined;
  if (!ints(v.lazyValues, (v.lazy as string[]).length)) return undefined;
  if ((v.slots as string[]).length !== (v.tableEnd as number) - (v.tableStart as number)) return undefined;
  const { tableStart, tableEnd, imported, importedValues, lazy, lazyValues, slots, jsSigs, jsWriter } =
    v as unknown as LinkPlan;
  return { tableStart, tableEnd, imported, importedValues, lazy, lazyValues, slots, jsSigs, jsWriter };
}

/**
 * Links the way the loader does and returns what it did, or null when the result cannot be
 * replayed (a table slot that no GOT entry explains, a signature tableWriterBytes does not know).
 */
export function recordLinking(scope: LinkerScope, exports: Record<string, unknown>): LinkPlan | null {
  const tableStart = scope.table().length;
  const imported = Object.keys(scope.GOT);
  scope.link();
  const table = scope.table();
  const tableEnd = table.length;
  const slots: Array<string | undefined> = new Array(tableEnd - tableStart);
  const lazy: string[] = [];
  const lazyValues: number[] = [];
  const importedSet = new Set(imported);
  for (const [symbol, entry] of Object.entries(scope.GOT)) {
    const value = Number(entry.value);
    if (!importedSet.has(symbol)) {
      lazy.push(symbol);
      lazyValues.push(value);
    }
    if (value < tableStart || value >= tableEnd || slots[value - tableStart] !== undefined) continue;
    const fn = table.get(value);
    const exported = exports[symbol];
    const own = typeof exported === 'function' && fn === exported;
    const js = !(symbol in exports) && typeof scope.resolveSymbol(symbol) === 'function';
    if (own || js) slots[value - tableStart] = symbol;
  }
  if (slots.some((s) => s === undefined)) return null;
  const plan = {
    tableStart,
    tableEnd,
    imported,
    importedValues: imported.map((symbol) => Number(scope.GOT[symbol]?.value)),
    lazy,
    lazyValues,
    slots: slots as string[],
  };
  const jsSlots = importedJsSlots(plan, exports, scope);
  const jsSigs = jsSlots.map(([, js]) => String(js.sig));
  const bytes = tableWriterBytes(
    jsSigs,
    jsSlots.map(([index]) => index),
  );
  return bytes ? { ...plan, jsSigs, jsWriter: new wasm.Module(bytes) } : null;
}

/**
 * The slots that imported entries name and that hold JavaScript functions (wrapped), with those
 * functions, in the order the entries are imported.
 */
function importedJsSlots(
  plan: Pick<LinkPlan, 'tableStart' | 'tableEnd' | 'importedValues' | 'slots'>,
  exports: Record<string, unknown>,
  scope: LinkerScope,
): Array<[number, { sig?: string }]> {
  const seen = new Set<number>();
  const found: Array<[number, { sig?: string }]> = [];
  for (const value of plan.importedValues) {
    if (value < plan.tableStart || value >= plan.tableEnd || seen.has(value)) continue;
    seen.add(value);
    const owner = plan.slots[value - plan.tableStart] as string;
    if (typeof exports[owner] !== 'function')
      found.push([value, scope.resolveSymbol(owner) as { sig?: string }]);
  }
  return found;
}

/**
 * Applies a recorded plan in place of the loader's linking. Returns false, having changed
 * nothing, when the plan does not fit this instance (the loader then links as usual).
 */
export function applyLinkPlan(scope: LinkerScope, exports: Record<string, unknown>, plan: LinkPlan): boolean {
  const table = scope.table();
  const got = scope.GOT;
  const imported = Object.keys(got);
  if (table.length !== plan.tableStart || scope.dynamicLibraries().length > 0) return false;
  if (imported.length !== plan.imported.length || imported.some((s, i) => s !== plan.imported[i]))
    return false;
  // The JavaScript functions the imported entries name, written into the table by the plan's
  // module, which was made for these very functions.
  const pendingJs = importedJsSlots(plan, exports, scope);
  const sigs = pendingJs.map(([, js]) => String(js.sig));
  if (sigs.length !== plan.jsSigs.length || sigs.some((sig, i) => sig !== plan.jsSigs[i])) return false;

  table.grow(plan.tableEnd - plan.tableStart);
  const made = new Uint8Array(plan.tableEnd - plan.tableStart);
  /** JavaScript functions put in the table, with their slots (the loader's table map keys them). */
  const jsFunctions: Array<[unknown, number]> = [];
  const inTable = (index: number) => index >= plan.tableStart && index < plan.tableEnd;
  const makeSlot = (index: number) => {
    if (!inTable(index) || made[index - plan.tableStart]) return;
    made[index - plan.tableStart] = 1;
    const symbol = plan.slots[index - plan.tableStart] as string;
    const fn = exports[symbol];
    if (typeof fn === 'function') {
      scope.setTableEntry(index, fn);
      return;
    }
    const js = scope.resolveSymbol(symbol) as { sig?: string };
    scope.setTableEntry(index, scope.wrapJsFunction(js, String(js.sig)));
    jsFunctions.push([js, index]);
  };
  const makeAllSlots = () => {
    for (let i = plan.tableStart; i < plan.tableEnd; i++) makeSlot(i);
  };

  // The imported entries and their slots, now: the module's code reads them.
  const functions: Record<string, unknown> = { t: table };
  for (const [i, [index, js]] of pendingJs.entries()) {
    made[index - plan.tableStart] = 1;
    functions[`f${i}`] = js;
    jsFunctions.push([js, index]);
  }
  new wasm.Instance(plan.jsWriter, { e: functions });
  for (const [i, symbol] of imported.entries()) {
    const value = plan.importedValues[i] as number;
    (got[symbol] as GotEntry).value = value;
    makeSlot(value);
  }
  scope.ldsoInit();

  // Every other entry when first asked for.
  let lazyIndex: Map<string, number> | undefined;
  const lookup = (symbol: string) => {
    lazyIndex ??= new Map(plan.lazy.map((s, i) => [s, i]));
    return lazyIndex.get(symbol);
  };
  const materialize = (symbol: string) => {
    if (Object.hasOwn(got, symbol)) return;
    const i = lookup(symbol);
    if (i === undefined) return;
    const value = plan.lazyValues[i] as number;
    makeSlot(value);
    got[symbol] = new wasm.Global({ value: 'i32', mutable: true }, value);
  };
  scope.GOT = new Proxy(got, {
    get(target, symbol) {
      if (typeof symbol === 'string') materialize(symbol);
      return Reflect.get(target, symbol);
    },
    has(target, symbol) {
      return Reflect.has(target, symbol) || (typeof symbol === 'string' && lookup(symbol) !== undefined);
    },
    ownKeys(target) {
      for (const symbol of plan.lazy) materialize(symbol);
      return Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor(target, symbol) {
      if (typeof symbol === 'string') materialize(symbol);
      return Reflect.getOwnPropertyDescriptor(target, symbol);
    },
  });
  scope.hooks.beforeTableMap = makeAllSlots;
  scope.hooks.afterTableMap = (map) => {
    for (const [fn, index] of jsFunctions) map.set(fn as object, index);
  };
  scope.hooks.slot = makeSlot;
  return true;
}

/** The loader's symbol table (wasmImports), which the main module's exports join. */
export interface SymbolTable {
  table: Record<string, unknown>;
  /** The loader's own merge of these exports into the table. */
  merge(exports: Record<string, unknown>): void;
}

/**
 * Defers the loader's merge of the main module's ~6,600 exports into its symbol table, symbol by
 * symbol: an export joins the table when the table is first asked for it, as the merge would have
 * put it there (only where the table lacks the symbol or holds a stub for it); one written or
 * deleted first is left as written. Enumerating the table merges the rest. The loader's merge
 * sets each symbol apart from the others, except that `main` and `__main_argc_argv` stand in for
 * each other: asking for either merges everything. A session asks for a few exports only, so most
 * never join.
 */
export function deferMerge(symbols: SymbolTable, exports: Record<string, unknown>): void {
  let merged = false;
  // Exports the table has taken, or whose symbol was written before it was asked for.
  const settled = new Set<string | symbol>();
  const mergeRest = () => {
    if (merged) return;
    merged = true;
    // The exports as instantiated: the loader converts some of them afterwards.
    const rest =
      settled.size === 0
        ? exports
        : Object.fromEntries(Object.entries(exports).filter(([symbol]) => !settled.has(symbol)));
    symbols.merge(rest);
  };
  const aliased = (symbol: string | symbol) => symbol === 'main' || symbol === '__main_argc_argv';
  const pending = (symbol: string | symbol) =>
    !merged && typeof symbol === 'string' && !settled.has(symbol) && symbol in exports;
  // As the loader's isSymbolDefined: absent, or a stub waiting for a definition.
  const waiting = (table: Record<string, unknown>, symbol: string) => {
    const existing = Reflect.get(table, symbol) as { stub?: unknown } | undefined;
    return !existing || Boolean(existing.stub);
  };
  const beforeRead = (table: Record<string, unknown>, symbol: string | symbol) => {
    if (merged) return;
    if (aliased(symbol)) return mergeRest();
    if (!pending(symbol)) return;
    settled.add(symbol);
    if (waiting(table, symbol as string)) Reflect.set(table, symbol, exports[symbol as string]);
  };
  const beforeWrite = (symbol: string | symbol) => {
    if (aliased(symbol)) mergeRest();
    else if (pending(symbol)) settled.add(symbol);
  };
  symbols.table = new Proxy(symbols.table, {
    get(table, symbol) {
      beforeRead(table, symbol);
      return Reflect.get(table, symbol);
    },
    has(table, symbol) {
      beforeRead(table, symbol);
      return Reflect.has(table, symbol);
    },
    getOwnPropertyDescriptor(table, symbol) {
      beforeRead(table, symbol);
      return Reflect.getOwnPropertyDescriptor(table, symbol);
    },
    ownKeys(table) {
      mergeRest();
      return Reflect.ownKeys(table);
    },
    set(table, symbol, value) {
      beforeWrite(symbol);
      return Reflect.set(table, symbol, value);
    },
    defineProperty(table, symbol, descriptor) {
      beforeWrite(symbol);
      return Reflect.defineProperty(table, symbol, descriptor);
    },
    deleteProperty(table, symbol) {
      beforeWrite(symbol);
      return Reflect.deleteProperty(table, symbol);
    },
  });
}

export interface Linker {
  /** What the patched loader calls in place of merging the main module's exports (false: merge now). */
  merge(exports: Record<string, unknown>, symbols: SymbolTable): boolean;
  /** What the patched loader calls in place of its linking (false: link as usual). */
  link(exports: Record<string, unknown>, scope: LinkerScope): boolean;
  /** The plan recorded when there was none to apply (null when this linking cannot be replayed). */
  recorded(): LinkPlan | null;
  /** 'replayed' when the plan was applied, 'loader' when the loader linked. */
  mode(): 'replayed' | 'loader';
}

/** Replays `plan` when there is one; otherwise the loader links and the result is recorded. */
export function createLinker(plan: LinkPlan | undefined): Linker {
  let recorded: LinkPlan | null = null;
  let replayed = false;
  return {
    merge(exports, symbols) {
      if (!plan) return false;
      deferMerge(symbols, exports);
      return true;
    },
    link(exports, scope) {
      replayed = plan !== undefined && applyLinkPlan(scope, exports, plan);
      if (!plan) recorded = recordLinking(scope, exports);
      return replayed || !plan;
    },
    recorded: () => recorded,
    mode: () => (replayed ? 'replayed' : 'loader'),
  };
}

/** The loader's text that the patches below replace, each found exactly once. */
const LINK_CALL = 'updateGOT(origExports);LDSO.init();loadDylibs();';
const TABLE_MAP =
  'var getFunctionAddress=func=>{if(!functionsInTableMap){functionsInTableMap=new WeakMap;updateTableMap(0,wasmTable.length)}';
const TABLE_ENTRY = 'if(!func){wasmTableMirror[funcPtr]=func=wasmTable.get(funcPtr)}';
const MERGE_CALL = 'mergeLibSymbols(wasmExports,"main");';

/**
 * pyodide.asm.mjs with its linking handed to `Module.__alrLink(exports, scope)` and its merge of the
 * main module's exports to `Module.__alrMerge(exports, symbols)` when a worker sets them (returning
 * false does as before), or the text unchanged when it is not of the shape expected.
 */
export function patchLoaderLinking(source: string): string {
  const once = (text: string) => source.split(text).length === 2;
  if (![LINK_CALL, TABLE_MAP, TABLE_ENTRY, MERGE_CALL].every(once)) return source;
  const scope =
    'var __alrScope={get GOT(){return GOT},set GOT(v){GOT=v;Module["GOT"]=v},table:()=>wasmTable,' +
    'dynamicLibraries:()=>dynamicLibraries,link:()=>{updateGOT(origExports);LDSO.init();loadDylibs()},' +
    'ldsoInit:()=>LDSO.init(),setTableEntry:setWasmTableEntry,resolveSymbol:n=>resolveGlobalSymbol(n,true).sym,' +
    'wrapJsFunction:convertJsFunctionToWasm,hooks:__alrHooks};';
  const symbols =
    'var __alrSymbols={get table(){return wasmImports},set table(v){wasmImports=v},' +
    'merge:e=>mergeLibSymbols(e,"main")};';
  return source
    .replace(
      MERGE_CALL,
      `${symbols}if(!(Module["__alrMerge"]&&Module["__alrMerge"](wasmExports,__alrSymbols))){${MERGE_CALL}}`,
    )
    .replace(
      LINK_CALL,
      `${scope}if(!(Module["__alrLink"]&&Module["__alrLink"](origExports,__alrScope))){${LINK_CALL}}`,
    )
    .replace(
      TABLE_MAP,
      'var __alrHooks={beforeTableMap(){},afterTableMap(){},slot(){}};' +
        'var getFunctionAddress=func=>{if(!functionsInTableMap){__alrHooks.beforeTableMap();' +
        'functionsInTableMap=new WeakMap;updateTableMap(0,wasmTable.length);' +
        '__alrHooks.afterTableMap(functionsInTableMap)}',
    )
    .replace(
      TABLE_ENTRY,
      'if(!func){__alrHooks.slot(funcPtr);wasmTableMirror[funcPtr]=func=wasmTable.get(funcPtr)}',
    );
}
