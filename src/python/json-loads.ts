/**
 * Python's `json.loads`, with CPython's error messages (`Expecting value: line 1 column 1 (char 0)`,
 * `Expecting property name enclosed in double quotes: …`, `Extra data: …`), because the model sees
 * them verbatim (the rule-diagnosis `submit` tool), and with Python's number types: a number
 * written with a fraction or exponent stays a float (PyFloat) so that re-dumping reproduces the
 * text, and an integer beyond 2^53 becomes a bigint.
 */
import { PyFloat } from './py-float.js';

export class PythonJsonDecodeError extends Error {
  constructor(
    readonly reason: string,
    readonly doc: string,
    readonly pos: number,
  ) {
    const lineno = countNewlines(doc, pos) + 1;
    const colno = pos - doc.lastIndexOf('\n', pos - 1);
    super(`${reason}: line ${lineno} column ${colno} (char ${pos})`);
  }
}

function countNewlines(doc: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (doc[i] === '\n') n++;
  return n;
}

export type PyJsonValue =
  | null
  | boolean
  | number
  | bigint
  | PyFloat
  | string
  | PyJsonValue[]
  | { [key: string]: PyJsonValue };

const WHITESPACE = ' \t\n\r';
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

export function pythonJsonLoads(doc: string): PyJsonValue {
  if (doc.startsWith('\ufeff'))
    throw new PythonJsonDecodeError('Unexpected UTF-8 BOM (decode using utf-8-sig)', doc, 0);
  let i = 0;
  const skip = () => {
    while (i < doc.length && WHITESPACE.includes(doc[i] as string)) i++;
  };
  const fail = (reason: string, pos: number): never => {
    throw new PythonJsonDecodeError(reason, doc, pos);
  };

  const parseString = (): string => {
    const begin = i; // index of the opening quote
    i++;
    let out = '';
    for (;;) {
      let j = i;
      while (j < doc.length && doc[j] !== '"' && doc[j] !== '\\') {
        if ((doc.charCodeAt(j) ?? 0) <= 0x1f) fail('Invalid control character at', j);
        j++;
      }
      out += doc.slice(i, j);
      if (j >= doc.length) fail('Unterminated string starting at', begin);
      if (doc[j] === '"') {
        i = j + 1;
        return out;
      }
      // backslash
      if (j + 1 >= doc.length) fail('Unterminated string starting at', begin);
      const esc = doc[j + 1] as string;
      if (esc === 'u') {
        const hex = doc.slice(j + 2, j + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\uXXXX escape', j + 1);
        out += String.fromCharCode(Number.parseInt(hex, 16));
        i = j + 6;
      } else {
        const mapped = ESCAPES[esc];
        if (mapped === undefined) fail('Invalid \\escape', j);
        out += mapped;
        i = j + 2;
      }
    }
  };

  const LITERALS: Array<[string, PyJsonValue | (() => PyJsonValue)]> = [
    ['null', null],
    ['true', true],
    ['false', false],
    ['NaN', () => new PyFloat(Number.NaN)],
    ['Infinity', () => new PyFloat(Number.POSITIVE_INFINITY)],
    ['-Infinity', () => new PyFloat(Number.NEGATIVE_INFINITY)],
  ];

  const parseValue = (): PyJsonValue => {
    const c = doc[i];
    if (c === '"') return parseString();
    if (c === '{') return parseObject();
    if (c === '[') return parseArray();
    for (const [text, value] of LITERALS) {
      if (doc.startsWith(text, i)) {
        i += text.length;
        return typeof value === 'function' ? value() : value;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(doc);
    if (m) {
      i += m[0].length;
      const value = Number(m[0]);
      if (m[1] !== undefined || m[2] !== undefined) return new PyFloat(value);
      return Number.isSafeInteger(value) ? value : BigInt(m[0]);
    }
    return fail('Expecting value', i);
  };

  const parseObject = (): { [key: string]: PyJsonValue } => {
    const out: { [key: string]: PyJsonValue } = {};
    i++;
    skip();
    if (doc[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      if (doc[i] !== '"') fail('Expecting property name enclosed in double quotes', i);
      const key = parseString();
      skip();
      if (doc[i] !== ':') fail("Expecting ':' delimiter", i);
      i++;
      skip();
      out[key] = parseValue();
      skip();
      if (doc[i] === '}') {
        i++;
        return out;
      }
      if (doc[i] !== ',') fail("Expecting ',' delimiter", i);
      i++;
      skip();
    }
  };

  const parseArray = (): PyJsonValue[] => {
    const out: PyJsonValue[] = [];
    i++;
    skip();
    if (doc[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(parseValue());
      skip();
      if (doc[i] === ']') {
        i++;
        return out;
      }
      if (doc[i] !== ',') fail("Expecting ',' delimiter", i);
      i++;
      skip();
    }
  };

  skip();
  const value = parseValue();
  skip();
  if (i !== doc.length) fail('Extra data', i);
  return value;
}
