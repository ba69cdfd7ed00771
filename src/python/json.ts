// Python's json.dumps / json.loads text, exactly: the reference writes task files, observations,
// cache keys and training lines with it, and parity tests compare bytes.
import { floatRepr } from './float-repr.js';
import { PyFloat } from './py-float.js';

export { pythonJsonLoads as pyJsonParse } from './json-loads.js';
export { PyFloat, pyFloat } from './py-float.js';

/** The number inside a value that may be a PyFloat. */
export function numberValue(x: number | PyFloat): number {
  return x instanceof PyFloat ? x.value : x;
}

export interface DumpsOptions {
  indent?: number;
  sortKeys?: boolean;
  /** Escape every non-ASCII character as \uXXXX (Python's default: true). */
  ensureAscii?: boolean;
  /** [item separator, key separator]; Python's default is [', ', ': '], or [',', ': '] with indent. */
  separators?: [string, string];
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

const SURROGATE = /[\ud800-\udfff]/;

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

const NOT_PRINTABLE_ASCII = /[\u007f-\uffff]/g;

/** A JSON string literal as Python writes it. */
export function pyJsonString(s: string, ensureAscii = true): string {
  if (ensureAscii) {
    // JSON.stringify escapes what Python escapes within ASCII (quote, backslash, controls, the same
    // short forms, lowercase hex) and escapes lone surrogates; Python's ensure_ascii also escapes
    // DEL and every other non-ASCII UTF-16 unit, which the native output still holds raw.
    const native = JSON.stringify(s);
    NOT_PRINTABLE_ASCII.lastIndex = 0;
    return NOT_PRINTABLE_ASCII.test(native)
      ? native.replace(NOT_PRINTABLE_ASCII, (c) => hex4(c.charCodeAt(0)))
      : native;
  }
  // Without ensure_ascii, Python escapes exactly what JSON.stringify escapes, except lone
  // surrogates, which JSON.stringify escapes and Python keeps: the native path serves every string
  // free of surrogates (most trace text).
  if (!SURROGATE.test(s)) return JSON.stringify(s);
  // Python's ESCAPE pattern: control characters are escaped on purpose.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control range is what must be escaped
  return `"${s.replace(/[\\"\x00-\x1f]/g, (c) => SHORT_ESCAPES[c] ?? hex4(c.charCodeAt(0)))}"`;
}

function floatText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  return floatRepr(x);
}

function numberText(x: number): string {
  if (Number.isInteger(x)) return BigInt(x).toString();
  return floatText(x);
}

/** Python sorts str keys by code point; JS's default sort compares UTF-16 units. */
function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

export function pyJsonDumps(value: unknown, options: DumpsOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? true;
  const indent = options.indent;
  const [itemSep, keySep] = options.separators ?? (indent === undefined ? [', ', ': '] : [',', ': ']);
  const seen = new Set<object>();

  const encode = (v: unknown, level: number): string => {
    if (v === null || v === undefined) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'string') return pyJsonString(v, ensureAscii);
    if (typeof v === 'number') return numberText(v);
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof PyFloat) return floatText(v.value);
    if (typeof v !== 'object') throw new TypeError(`Object of type ${typeof v} is not JSON serializable`);
    if (seen.has(v)) throw new TypeError('Circular reference detected');
    seen.add(v);
    try {
      const inner = indent === undefined ? '' : `\n${' '.repeat(indent * (level + 1))}`;
      const outer = indent === undefined ? '' : `\n${' '.repeat(indent * level)}`;
      if (Array.isArray(v)) {
        if (v.length === 0) return '[]';
        return `[${inner}${v.map((x) => encode(x, level + 1)).join(itemSep + inner)}${outer}]`;
      }
      let keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
      if (options.sortKeys) keys = keys.sort(compareCodePoints);
      if (keys.length === 0) return '{}';
      const parts = keys.map(
        (k) =>
          `${pyJsonString(k, ensureAscii)}${keySep}${encode((v as Record<string, unknown>)[k], level + 1)}`,
      );
      return `{${inner}${parts.join(itemSep + inner)}${outer}}`;
    } finally {
      seen.delete(v);
    }
  };
  return encode(value, 0);
}
