import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderToolDoc, renderToolPrompt, type ToolSpec } from '../../src/tasks/index.js';

const spec: ToolSpec = {
  name: 'probe',
  doc: 'First line.\n\nSecond paragraph\n   ',
  params: [
    { name: 'x', type: 'int', doc: 'the input', required: true },
    { name: 'label', type: 'str', doc: 'a label', required: false, default: null },
    { name: 'scale', type: 'float', doc: 'a factor', required: false, default: 2 },
    { name: 'strict', type: 'bool', doc: 'a flag', required: false, default: true },
    { name: 'mode', type: 'str', doc: 'a mode', required: false, default: 'fast' },
  ],
  returns: 'float',
};

test('renderToolDoc follows the reference layout (signature, indented docstring, Args block)', () => {
  const expected = [
    'def probe(x: int, label: str | None = None, scale: float = 2.0, strict: bool = True, mode: str = fast) -> float',
    '  """',
    '  First line.',
    '',
    '  Second paragraph',
    '   ', // whitespace-only lines are left as they are (textwrap.indent)
    '',
    '  Args:',
    '    x: the input',
    '    label: a label',
    '    scale: a factor',
    '    strict: a flag',
    '    mode: a mode',
    '  """',
  ].join('\n');
  assert.equal(renderToolDoc(spec), expected);
});

test('a tool without arguments keeps an empty Args block', () => {
  const doc = renderToolDoc({ name: 'finish', doc: 'Done.', params: [], returns: 'None' });
  assert.equal(doc, 'def finish() -> None\n  """\n  Done.\n\n  Args:\n  """');
});

test('renderToolPrompt applies doc overrides from a prompt pack', () => {
  const prompt = renderToolPrompt([spec], undefined, {
    probe: { doc: 'Replaced.', args: { x: 'new x doc' } },
  });
  assert.ok(prompt.startsWith('Available tools:\ndef probe('));
  assert.ok(prompt.includes('  Replaced.\n'));
  assert.ok(prompt.includes('    x: new x doc\n'));
  assert.ok(prompt.includes('    label: a label\n'));
  assert.ok(!prompt.includes('First line.'));
});
