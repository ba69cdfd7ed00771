import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractCodeBlocks, pyStrip } from '../../src/agent/code-blocks.js';

test('one tagged block is extracted and stripped', () => {
  assert.deepEqual(extractCodeBlocks('Reasoning.\n```python\n  x = 1\nprint(x)\n\n```\nDone.'), [
    'x = 1\nprint(x)',
  ]);
});

test('a reply without a fence has no block', () => {
  assert.deepEqual(extractCodeBlocks('I will think first. `inline` code is not a block.'), []);
});

test('several blocks are all returned in order', () => {
  assert.deepEqual(extractCodeBlocks('```python\na = 1\n```\ntext\n```\nb = 2\n```'), ['a = 1', 'b = 2']);
});

test('untagged and json-tagged fences count as code', () => {
  assert.deepEqual(extractCodeBlocks('```\nprint(1)\n```'), ['print(1)']);
  assert.deepEqual(extractCodeBlocks('```json\n{"a": 1}\n```'), ['{"a": 1}']);
  assert.deepEqual(extractCodeBlocks('```c++\nint x;\n```'), ['int x;']);
});

test('a tag with other characters or a space before the newline is not an opening fence', () => {
  // The space after "python" stops the first fence from opening; its closing fence then opens a
  // "block" made of the prose up to the next fence, as in the reference.
  const reply = '```python \nx = 1\n```\nNow the next step\n```python\ny = 2\n```';
  assert.deepEqual(extractCodeBlocks(reply), ['Now the next step']);
  assert.deepEqual(extractCodeBlocks('```py.thon\nx = 1\n```'), []);
});

test('the closing fence need not start a line', () => {
  assert.deepEqual(extractCodeBlocks('```python\nprint("a")```'), ['print("a")']);
  assert.deepEqual(extractCodeBlocks('```python\ns = "```"\n```'), ['s = "']);
});

test('an unclosed fence is no block', () => {
  assert.deepEqual(extractCodeBlocks('```python\nx = 1\n'), []);
});

test('stripping follows Python str.strip, not String.trim', () => {
  assert.equal(pyStrip('\u001c\u0085 x \u3000'), 'x');
  assert.equal(pyStrip('\ufeffx\ufeff'), '\ufeffx\ufeff');
  assert.equal(pyStrip(' \t\n'), '');
});
