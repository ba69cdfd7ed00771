// Pyodide compiles a tiny WebAssembly module for each JavaScript function it puts in the
// function table while it starts: the same few dozen byte strings in every session. A module
// compiled once in the host is used for the same bytes instead. This file imports nothing: it runs
// inside the sandbox.

/** A compiled WebAssembly module (Node's type definitions leave WebAssembly out). */
export interface WasmModule {
  readonly wasmModule: true;
}

/** Largest module taken for a table wrapper (they are a few dozen bytes). */
const MAX_WRAPPER_BYTES = 512;

/**
 * Until the returned function is called, `new WebAssembly.Module(bytes)` of a small module returns
 * the `shared` module compiled from the same bytes (a compiled module holds no state: each instance
 * has its own). The modules compiled meanwhile are recorded, and the returned function, which puts
 * the constructor back, returns them (the host's first session passes them on).
 */
export function useSharedWrappers(
  shared: Array<[string, WasmModule]> | undefined,
): () => Array<[string, WasmModule]> {
  const known = new Map(shared ?? []);
  const compiled: Array<[string, WasmModule]> = [];
  const wasm = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;
  const original = wasm.Module as new (bytes: Uint8Array) => WasmModule;
  wasm.Module = new Proxy(original, {
    construct(target, args, newTarget) {
      const bytes = args[0];
      if (!(bytes instanceof Uint8Array) || bytes.length > MAX_WRAPPER_BYTES || newTarget !== wasm.Module)
        return Reflect.construct(target, args, newTarget);
      const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
      const cached = known.get(key);
      if (cached) return cached;
      const module = new target(bytes);
      known.set(key, module);
      compiled.push([key, module]);
      return module;
    },
  });
  return () => {
    wasm.Module = original;
    return compiled;
  };
}
