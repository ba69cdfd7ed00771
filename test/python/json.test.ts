import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PyFloat, pyFloat, pyJsonDumps, pyJsonParse, pyJsonString } from '../../src/python/json.js';
import { testData } from '../helpers/paths.js';

const parity = JSON.parse(readFileSync(join(testData, 'python', 'parity.json'), 'utf8')) as {
  json: {
    cases: Array<{ options: Record<string, unknown>; text: string }>;
    special: string;
    strings: Array<{ units: number[]; ascii: string; unicode_units: number[] }>;
  };
};

// The object the generator script dumps, written with our float marker.
const sample = {
  b: [1, pyFloat(2), 0.1, -3.5e-7, pyFloat(1e16), null, true, false],
  a: { z: 'é ü \u2014 \u{1F600}', y: [], x: {} },
  c: 'quote" back\\ nl\n tab\t ctl\x01 del\x7f',
  n: 12345678901234567890n,
};

for (const { options, text } of parity.json.cases) {
  test(`pyJsonDumps matches json.dumps with ${JSON.stringify(options)}`, () => {
    const dumped = pyJsonDumps(sample, {
      indent: options.indent as number | undefined,
      sortKeys: options.sort_keys as boolean | undefined,
      ensureAscii: options.ensure_ascii as boolean | undefined,
      separators: options.separators as [string, string] | undefined,
    });
    assert.equal(dumped, text);
  });
}

test('every kind of character is escaped as json.dumps escapes it, with and without ensure_ascii', () => {
  for (const { units, ascii, unicode_units } of parity.json.strings) {
    const text = String.fromCharCode(...units);
    assert.equal(pyJsonString(text), ascii, `ensure_ascii, units ${units}`);
    assert.equal(
      pyJsonString(text, false),
      String.fromCharCode(...unicode_units),
      `no ensure_ascii, units ${units}`,
    );
  }
});

test('non-finite floats are written as Python writes them', () => {
  assert.equal(
    pyJsonDumps([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]),
    parity.json.special,
  );
});

test('pyJsonParse keeps Python floats and big integers so that re-dumping reproduces the text', () => {
  for (const { options, text } of parity.json.cases) {
    const parsed = pyJsonParse(text);
    const again = pyJsonDumps(parsed, {
      indent: options.indent as number | undefined,
      ensureAscii: options.ensure_ascii as boolean | undefined,
      separators: options.separators as [string, string] | undefined,
    });
    if (!options.sort_keys) assert.equal(again, text);
  }
  const v = pyJsonParse('{"score": 1.0, "n": 3, "big": 123456789012345678901}') as Record<string, unknown>;
  assert.ok(v.score instanceof PyFloat);
  assert.equal(v.n, 3);
  assert.equal(v.big, 123456789012345678901n);
  assert.throws(() => pyJsonParse('{"a": }'), /Expecting value/);
  assert.throws(() => pyJsonParse('[1] x'), /Extra data/);
});

test('pyJsonParse reads back random strings with every kind of escape, and reports faults inside long ones', () => {
  // Units that exercise the escape paths: quotes, backslashes, controls, DEL, non-ASCII, astral
  // characters and lone surrogates.
  const units = [
    0x22, 0x5c, 0x2f, 0x0a, 0x09, 0x01, 0x1f, 0x7f, 0xe9, 0x2014, 0xd83d, 0xde00, 0xdfff, 0x61, 0x20,
  ];
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  for (let n = 0; n < 300; n++) {
    const s = String.fromCharCode(
      ...Array.from({ length: next() % 60 }, () => units[next() % units.length] as number),
    );
    for (const ensureAscii of [true, false]) {
      const text = pyJsonDumps({ [s]: [s, { s }] }, { ensureAscii });
      assert.deepEqual(pyJsonParse(text), { [s]: [s, { s }] });
    }
  }
  const long = 'x'.repeat(5000);
  assert.throws(() => pyJsonParse(`["${long}\\q"]`), /Invalid \\escape: line 1 column 5003 \(char 5002\)/);
  assert.throws(
    () => pyJsonParse(`["${long}\\u12x4"]`),
    /Invalid \\uXXXX escape: line 1 column 5004 \(char 5003\)/,
  );
  assert.throws(
    () => pyJsonParse(`["${long}\u0001"]`),
    /Invalid control character at: line 1 column 5003 \(char 5002\)/,
  );
  assert.throws(
    () => pyJsonParse(`["${long}`),
    /Unterminated string starting at: line 1 column 2 \(char 1\)/,
  );
});

test('circular structures are rejected', () => {
  const a: unknown[] = [];
  a.push(a);
  assert.throws(() => pyJsonDumps(a), /Circular/);
});
