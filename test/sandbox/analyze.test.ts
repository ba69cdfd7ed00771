// analyzeCode: Python's own ast over many blocks in one request, on both backends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeCode } from '../../src/sandbox/index.js';
import { backendAvailable } from './helpers.js';

const BLOCKS = [
  'import json, os.path as p\nfrom math import sqrt\nids = json.loads(list_items())\nfor i in ids[:3]:\n    info[i] = inspect(i)',
  'def plan(items):\n    best = max(items, key=lambda kv: kv[1])\n    return best + bonus\ntotal = plan(data)\ntotal += 1',
  'x = [y for y in range(3)]\nclass K:\n    attr = x\nprint(K.attr, undefined_name)',
  'def f(:\n    pass',
  'from . import sibling\nwith open("f") as handle:\n    text = handle.read()\ntry:\n    pass\nexcept ValueError as err:\n    print(err)',
  'n = n + 1\nif (m := 3) > 2:\n    print(m)',
];

for (const backend of ['pyodide', 'cpython'] as const) {
  test(`analyzeCode reports bound, loaded, imported and free names (${backend})`, async (t) => {
    if (!backendAvailable(t, backend)) return;
    const [a, b, c, d, e, f] = await analyzeCode(BLOCKS, { backend });
    assert.deepEqual(a, {
      parsed: true,
      bound: ['json', 'p', 'sqrt', 'ids', 'i'],
      loaded: ['json', 'list_items', 'ids', 'inspect', 'i', 'info'],
      imports: ['json', 'os.path', 'math'],
      free: ['list_items', 'inspect', 'info'],
    });
    assert.deepEqual(b?.bound, ['plan', 'total']);
    assert.deepEqual(b?.free, ['bonus', 'data']);
    assert.ok(b?.loaded.includes('best') && b.loaded.includes('kv'));
    assert.deepEqual(c?.bound, ['x', 'K']);
    assert.deepEqual(c?.free, ['undefined_name']);
    assert.deepEqual(d, { parsed: false, bound: [], loaded: [], imports: [], free: [] });
    assert.deepEqual(e?.imports, ['.']);
    assert.deepEqual(e?.bound, ['sibling', 'handle', 'text', 'err']);
    assert.deepEqual(e?.free, []);
    assert.deepEqual(f?.bound, ['n', 'm']);
    assert.deepEqual(f?.free, ['n']);
  });
}

test('analyzeCode handles large batches in one call', async () => {
  const blocks = Array.from({ length: 2000 }, (_, i) => `v${i} = w${i} + ${i}\nprint(v${i})`);
  const results = await analyzeCode(blocks);
  assert.equal(results.length, blocks.length);
  assert.deepEqual(results[1234]?.free, ['w1234']);
  assert.deepEqual(results[1999]?.bound, ['v1999']);
});

// A name bound only inside a function body (or a class body, or as a comprehension variable) is
// not a module global: another function reading it needs it from outside the block.
for (const backend of ['pyodide', 'cpython'] as const) {
  test(`analyzeCode: names bound only inside functions are not module-level (${backend})`, async (t) => {
    if (!backendAvailable(t, backend)) return;
    const [local, declared, classBody, comprehension, walrus] = await analyzeCode(
      [
        'def make():\n    helper = 1\n    return helper\ndef use():\n    return helper',
        'def make():\n    global helper\n    helper = 1\ndef use():\n    return helper',
        'class K:\n    helper = 1\ndef use():\n    return helper',
        'xs = [helper for helper in range(3)]\ndef use():\n    return helper',
        'xs = [(helper := v) for v in range(3)]\ndef use():\n    return helper',
      ],
      { backend },
    );
    assert.deepEqual(local?.free, ['helper']);
    assert.deepEqual(local?.bound, ['make', 'use']);
    assert.deepEqual(declared?.free, []);
    assert.deepEqual(declared?.bound, ['make', 'helper', 'use']);
    assert.deepEqual(classBody?.free, ['helper']);
    assert.deepEqual(comprehension?.free, ['helper']);
    assert.deepEqual(walrus?.free, []);
  });
}
