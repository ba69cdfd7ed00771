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

// Where a run of plain string characters ends: a quote, a backslash or a control character.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters end the run (an error)
const STRING_STOP = /["\\\x00-\x1f]/g;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const SHORT_ESCAPES = '"\\/bfnrt';
// A whole well-formed string literal (one pass of the native regex engine).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are excluded
const VALID_STRING = /"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

export function pythonJsonLoads(doc: string): PyJsonValue {
  if (doc.startsWith('\ufeff'))
    throw new PythonJsonDecodeError('Unexpected UTF-8 BOM (decode using utf-8-sig)', doc, 0);
  let i = 0;
  const skip = () => {
    for (;;) {
      const c = doc.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      i++;
    }
  };
  const fail = (reason: string, pos: number): never => {
    throw new PythonJsonDecodeError(reason, doc, pos);
  };

  // A well-formed literal is recognized in one regex pass and unescaped by the native parser,
  // whose escapes are exactly Python's (lone surrogates included).
  const parseString = (): string => {
    const begin = i; // index of the opening quote
    VALID_STRING.lastIndex = i;
    if (!VALID_STRING.test(doc)) return stringFault(begin);
    i = VALID_STRING.lastIndex;
    const literal = doc.slice(begin, i);
    return literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
  };

  /** The first fault of a literal VALID_STRING rejected, reported as CPython reports it. */
  const stringFault = (begin: number): never => {
    for (let j = begin + 1; ; ) {
      STRING_STOP.lastIndex = j;
      j = STRING_STOP.exec(doc)?.index ?? doc.length;
      if (j >= doc.length) fail('Unterminated string starting at', begin);
      if (doc.charCodeAt(j) <= 0x1f) fail('Invalid control character at', j);
      if (doc[j] === '"') throw new Error('pythonJsonLoads: a well-formed string was rejected');
      // backslash
      if (j + 1 >= doc.length) fail('Unterminated string starting at', begin);
      const esc = doc[j + 1] as string;
      if (esc === 'u') {
        if (!HEX4.test(doc.slice(j + 2, j + 6))) fail('Invalid \\uXXXX escape', j + 1);
        j += 6;
      } else {
        if (!SHORT_ESCAPES.includes(esc)) fail('Invalid \\escape', j);
        j += 2;
      }
    }
  };

  /** Whether `text` is next in the document; if so, moves past it. */
  const at = (text: string): boolean => {
    if (!doc.startsWith(text, i)) return false;
    i += text.length;
    return true;
  };

  // Dispatch on the first character, in the order of CPython's scanner.
  const parseValue = (): PyJsonValue => {
    switch (doc[i]) {
      case '"':
        return parseString();
      case '{':
        return parseObject();
      case '[':
        return parseArray();
      case 'n':
        if (at('null')) return null;
        break;
      case 't':
        if (at('true')) return true;
        break;
      case 'f':
        if (at('false')) return false;
        break;
      case 'N':
        if (at('NaN')) return new PyFloat(Number.NaN);
        break;
      case 'I':
        if (at('Infinity')) return new PyFloat(Number.POSITIVE_INFINITY);
        break;
      case '-':
        if (at('-Infinity')) return new PyFloat(Number.NEGATIVE_INFINITY);
        break;
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
