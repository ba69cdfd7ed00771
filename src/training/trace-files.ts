// Locating trace and result files under run folders, in the order Python's
// `sorted(Path(root).rglob("*.trace.json"))` gives (path components compared one by one).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError } from '../util/errors.js';

export const TRACE_SUFFIX = '.trace.json';

/** Compares two strings by Unicode code point, as Python compares str. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** Python's PurePath ordering: lexicographic over the list of components. */
export function comparePathParts(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareCodePoints(a[i] as string, b[i] as string);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function walk(dir: string, parts: string[], out: string[][]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const st = statSync(full, { throwIfNoEntry: false });
      isDir = false; // like rglob, do not descend into linked folders (avoids cycles)
      isFile = st?.isFile() ?? false;
    }
    if (isDir) walk(full, [...parts, entry.name], out);
    else if (isFile && entry.name.endsWith(TRACE_SUFFIX)) out.push([...parts, entry.name]);
  }
}

/** Every `*.trace.json` below `root` (recursively), sorted like Python's sorted(rglob). */
export function findTraceFiles(root: string): string[] {
  if (!existsSync(root)) throw new InputError('no such folder', root);
  if (!statSync(root).isDirectory()) throw new InputError('not a folder (expected a run folder)', root);
  const found: string[][] = [];
  walk(root, [], found);
  found.sort(comparePathParts);
  return found.map((parts) => join(root, ...parts));
}

/** The result file that sits beside a trace (`x.trace.json` → `x.json`). */
export function resultPathFor(tracePath: string): string {
  return `${tracePath.slice(0, -TRACE_SUFFIX.length)}.json`;
}

/** A path relative to its run folder, with forward slashes (stable across systems). */
export function relativeToRoot(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
