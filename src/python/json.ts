// Python's json.dumps / json.loads text, exactly: the reference writes task files, observations,
// cache keys and training lines with it, and parity tests compare bytes.
import { floatRepr } from './float-repr.js';

/** A Python float. Plain JS numbers that are integral print as Python ints; wrap floats in this. */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

export function pyFloat(x: number): PyFloat {
  return new PyFloat(x);
}

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

/** A JSON string literal as Python writes it. */
export function pyJsonString(s: string, ensureAscii = true): string {
  // Without ensure_ascii, Python escapes exactly what JSON.stringify escapes (quote, backslash,
  // controls, same short forms, lowercase hex), except lone surrogates, which JSON.stringify escapes
  // and Python keeps: the native path serves every string free of surrogates (most trace text).
  if (!ensureAscii && !SURROGATE.test(s)) return JSON.stringify(s);
  // Python's ESCAPE_ASCII / ESCAPE patterns: control characters are escaped on purpose.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control range is what must be escaped
  const pattern = ensureAscii ? /[\\"]|[^ -~]/g : /[\\"\x00-\x1f]/g;
  return `"${s.replace(pattern, (c) => SHORT_ESCAPES[c] ?? hex4(c.charCodeAt(0)))}"`;
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

/**
 * Parses JSON text like Python's json.loads, keeping what JSON.parse loses: numbers written with a
 * fraction or exponent stay floats (PyFloat), integers beyond 2^53 become bigint, and NaN/Infinity
 * are accepted.
 */
export function pyJsonParse(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const parseString = (): string => {
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('Unterminated string');
      const c = text[i++];
      if (c === '"') return out;
      if (c === '\\') {
        const e = text[i++];
        if (e === 'u') {
          const code = Number.parseInt(text.slice(i, i + 4), 16);
          if (Number.isNaN(code) || !/^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4)))
            fail('Invalid \\u escape');
          out += String.fromCharCode(code);
          i += 4;
        } else {
          const map: Record<string, string> = {
            '"': '"',
            '\\': '\\',
            '/': '/',
            b: '\b',
            f: '\f',
            n: '\n',
            r: '\r',
            t: '\t',
          };
          if (!(e in map)) fail('Invalid escape');
          out += map[e];
        }
      } else if (c < ' ') {
        fail('Invalid control character');
      } else {
        out += c;
      }
    }
  };
  const parseValue = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('Expecting property name enclosed in double quotes');
        const key = parseString();
        ws();
        if (text[i++] !== ':') fail("Expecting ':' delimiter");
        obj[key] = parseValue();
        ws();
        const d = text[i++];
        if (d === '}') return obj;
        if (d !== ',') fail("Expecting ',' delimiter");
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue());
        ws();
        const d = text[i++];
        if (d === ']') return arr;
        if (d !== ',') fail("Expecting ',' delimiter");
      }
    }
    if (c === '"') return parseString();
    for (const [word, val] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', new PyFloat(Number.NaN)],
      ['Infinity', new PyFloat(Number.POSITIVE_INFINITY)],
      ['-Infinity', new PyFloat(Number.NEGATIVE_INFINITY)],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return val;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('Expecting value');
    i += m[0].length;
    if (m[1] !== undefined || m[2] !== undefined) return new PyFloat(Number(m[0]));
    const n = Number(m[0]);
    return Number.isSafeInteger(n) ? n : BigInt(m[0]);
  };
  const value = parseValue();
  ws();
  if (i !== text.length) fail('Extra data');
  return value;
}
