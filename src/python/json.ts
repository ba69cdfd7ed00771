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
  // Line breaks with the indentation of each nesting level, made once.
  const breaks: string[] = [];
  const lineBreak = (level: number): string => {
    if (indent === undefined) return '';
    breaks[level] ??= `\n${' '.repeat(indent * level)}`;
    return breaks[level];
  };
  // Pieces of the text in order, joined once at the end (nested joins would copy deep values once
  // per level).
  const out: string[] = [];

  const write = (v: unknown, level: number): void => {
    if (v === null || v === undefined) out.push('null');
    else if (v === true) out.push('true');
    else if (v === false) out.push('false');
    else if (typeof v === 'string') out.push(pyJsonString(v, ensureAscii));
    else if (typeof v === 'number') out.push(numberText(v));
    else if (typeof v === 'bigint') out.push(v.toString());
    else if (v instanceof PyFloat) out.push(floatText(v.value));
    else if (typeof v !== 'object')
      throw new TypeError(`Object of type ${typeof v} is not JSON serializable`);
    else {
      if (seen.has(v)) throw new TypeError('Circular reference detected');
      seen.add(v);
      const inner = lineBreak(level + 1);
      if (Array.isArray(v)) {
        if (v.length === 0) out.push('[]');
        else {
          out.push('[', inner);
          v.forEach((x, i) => {
            if (i > 0) out.push(itemSep, inner);
            write(x, level + 1);
          });
          out.push(lineBreak(level), ']');
        }
      } else {
        const record = v as Record<string, unknown>;
        let keys = Object.keys(record).filter((k) => record[k] !== undefined);
        if (options.sortKeys) keys = keys.sort(compareCodePoints);
        if (keys.length === 0) out.push('{}');
        else {
          out.push('{', inner);
          keys.forEach((k, i) => {
            if (i > 0) out.push(itemSep, inner);
            out.push(pyJsonString(k, ensureAscii), keySep);
            write(record[k], level + 1);
          });
          out.push(lineBreak(level), '}');
        }
      }
      seen.delete(v);
    }
  };
  write(value, 0);
  return out.join('');
}
