import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pyFloat } from '../../src/python/json.js';
import { pyYamlDump } from '../../src/python/pyyaml-dump.js';
import { formatDuration, progressLine } from '../../src/runner/progress.js';
import { countStatuses, pySum } from '../../src/runner/summary.js';

describe('PyYAML-compatible dump', () => {
  // Expected texts are what PyYAML 6 writes for `yaml.dump({"k": value})`.
  const cases: Array<[unknown, string]> = [
    ['plain', 'k: plain\n'],
    ['', "k: ''\n"],
    ['yes', "k: 'yes'\n"],
    ['No', "k: 'No'\n"],
    ['null', "k: 'null'\n"],
    ['~', "k: '~'\n"],
    ['12', "k: '12'\n"],
    ['1.5', "k: '1.5'\n"],
    ['1e5', 'k: 1e5\n'],
    ['0x1f', "k: '0x1f'\n"],
    ['12:30', "k: '12:30'\n"],
    ['2024-01-01', "k: '2024-01-01'\n"],
    ['./cache/x', 'k: ./cache/x\n'],
    ['openai/qwen3-8b', 'k: openai/qwen3-8b\n'],
    ['-abc', 'k: -abc\n'],
    ['- a', "k: '- a'\n"],
    ['a: b', "k: 'a: b'\n"],
    ['a:b', 'k: a:b\n'],
    ['a #b', "k: 'a #b'\n"],
    ['#a', "k: '#a'\n"],
    ["x'y", "k: x'y\n"],
    ["'q'", "k: '''q'''\n"],
    ['trailing ', "k: 'trailing '\n"],
    ['@x', "k: '@x'\n"],
    ['a:', "k: 'a:'\n"],
    ['é', 'k: "\\xE9"\n'],
    ['tab\there', 'k: "tab\\there"\n'],
    [null, 'k: null\n'],
    [true, 'k: true\n'],
    [3, 'k: 3\n'],
    [pyFloat(300), 'k: 300.0\n'],
    [pyFloat(1e-5), 'k: 1.0e-05\n'],
    [pyFloat(1e16), 'k: 1.0e+16\n'],
    [pyFloat(Number.POSITIVE_INFINITY), 'k: .inf\n'],
    [0.5, 'k: 0.5\n'],
    [[], 'k: []\n'],
    [{}, 'k: {}\n'],
  ];
  it('quotes and formats scalars as PyYAML does', () => {
    for (const [value, expected] of cases)
      assert.equal(pyYamlDump({ k: value }), expected, JSON.stringify(value));
  });

  it('writes nested blocks with sorted keys and lists at their key’s indentation', () => {
    const text = pyYamlDump({ z: [1, { b: 2, a: [3] }], a: { y: null, x: 'v' } });
    assert.equal(text, 'a:\n  x: v\n  y: null\nz:\n- 1\n- a:\n  - 3\n  b: 2\n');
  });
});

describe('summary arithmetic', () => {
  it('sums floats as Python 3.12 does (compensated)', () => {
    assert.equal(pySum([0.1, 0.2, 0.3]), 0.6);
    assert.notEqual(0.1 + 0.2 + 0.3, 0.6, 'a plain left-to-right sum differs');
    assert.equal(pySum([1e16, 1, -1e16]), 1);
    assert.equal(pySum([]), 0);
  });

  it('counts statuses in order of first appearance', () => {
    assert.deepEqual(Object.entries(countStatuses(['skipped', 'completed', 'skipped', 'error'])), [
      ['skipped', 2],
      ['completed', 1],
      ['error', 1],
    ]);
  });
});

describe('progress line', () => {
  it('shows done/total, running, skipped, errors, tokens and an ETA from this invocation’s pace', () => {
    const line = progressLine({ total: 10, done: 6, skipped: 2, running: 2, errors: 1, tokens: 12345 }, 40);
    assert.equal(
      line,
      '6/10 episodes | 2 skipped | 2 running | 1 errors | 12.3k tokens | elapsed 40s | ETA 40s',
    );
    assert.match(
      progressLine({ total: 3, done: 3, skipped: 0, running: 0, errors: 0, tokens: 0 }, 5),
      /\| done$/,
    );
    assert.match(
      progressLine({ total: 3, done: 0, skipped: 0, running: 1, errors: 0, tokens: 0 }, 5),
      /ETA \?$/,
    );
    assert.equal(formatDuration(3725), '1h02m');
    assert.equal(formatDuration(65), '1m05s');
  });
});
