// The shared table-wrapper modules of the pyodide worker (child/shared-wrappers.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useSharedWrappers, type WasmModule } from '../../src/sandbox/child/shared-wrappers.js';

const wasm = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;
type ModuleClass = new (bytes: Uint8Array) => WasmModule;
const compile = (bytes: Uint8Array) => new (wasm.Module as ModuleClass)(bytes);

/** A module exporting one function of `params` i32 parameters, with `padding` bytes of custom section. */
function wrapperBytes(params: number, padding = 0): Uint8Array {
  // A custom section (id 0) named "p"; its size in two LEB128 bytes.
  const size = padding + 2;
  const custom = padding > 0 ? [0, (size & 127) | 128, size >> 7, 1, 112, ...Array(padding).fill(0)] : [];
  return Uint8Array.of(
    ...[0, 97, 115, 109, 1, 0, 0, 0], // magic, version
    ...[1, 4 + params, 1, 96, params, ...Array(params).fill(127), 0], // type section
    ...[3, 2, 1, 0], // function section
    ...[7, 5, 1, 1, 102, 0, 0], // export "f"
    ...[10, 4, 1, 2, 0, 11], // code section
    ...custom,
  );
}

test('a module of the same bytes is the shared one; new ones are recorded; the constructor comes back', () => {
  const original = wasm.Module;
  const first = compile(wrapperBytes(1));
  const restore = useSharedWrappers([[Buffer.from(wrapperBytes(1)).toString('latin1'), first]]);
  try {
    assert.equal(compile(wrapperBytes(1)), first, 'the shared module was compiled again');
    const fresh = compile(wrapperBytes(2));
    assert.ok(fresh instanceof (wasm.Module as ModuleClass), 'instanceof through the wrapped constructor');
    assert.equal(compile(wrapperBytes(2)), fresh, 'a module compiled here is reused within the session');
  } finally {
    const recorded = restore();
    assert.equal(wasm.Module, original);
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]?.[0], Buffer.from(wrapperBytes(2)).toString('latin1'));
  }
  assert.notEqual(compile(wrapperBytes(1)), first, 'the shared module outlived the restore');
});

test('large modules are compiled as usual, never shared', () => {
  const big = wrapperBytes(1, 600);
  const restore = useSharedWrappers([]);
  try {
    assert.notEqual(compile(big), compile(big));
  } finally {
    assert.equal(restore().length, 0);
  }
});
