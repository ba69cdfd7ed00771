import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderWithThinking, splitInlineReasoning, splitReply } from '../../src/agent/reasoning.js';
import { OpenAIModel } from '../../src/models/index.js';

test('a leading <think> block is split off; the answer keeps its code', () => {
  const reply =
    '  <think>\nDraft:\n```python\nfinish()\n```\n</think>\n\nI list the items.\n```python\nprint(1)\n```';
  assert.deepEqual(splitInlineReasoning(reply), {
    reasoning: 'Draft:\n```python\nfinish()\n```',
    answer: 'I list the items.\n```python\nprint(1)\n```',
  });
});

test('a lone closing tag (template opened it) and an unclosed opening tag', () => {
  assert.deepEqual(splitInlineReasoning('thinking here\n</think>\n\nanswer'), {
    reasoning: 'thinking here',
    answer: 'answer',
  });
  assert.deepEqual(splitInlineReasoning('<think>\nstill thinking when the tokens ran out'), {
    reasoning: 'still thinking when the tokens ran out',
    answer: '',
  });
  // A closing tag inside code, or no tags at all, is not thinking.
  const code = 'Here:\n```python\nprint("</think>")\n```';
  assert.deepEqual(splitInlineReasoning(code), { reasoning: null, answer: code });
  assert.deepEqual(splitInlineReasoning('plain'), { reasoning: null, answer: 'plain' });
});

test('a separate reasoning field comes first, inline thinking after it', () => {
  assert.deepEqual(splitReply('<think>b</think>a', ' field '), { reasoning: 'field\n\nb', answer: 'a' });
  assert.deepEqual(splitReply('a', ''), { reasoning: null, answer: 'a' });
  assert.equal(renderWithThinking('r', 'a'), '<think>\nr\n</think>\n\na');
});

test('the backend reads `reasoning` and `reasoning_content`, and content null after thinking only', async () => {
  const bodies = [
    { message: { role: 'assistant', content: 'A', reasoning: 'R1' } },
    { message: { role: 'assistant', content: null, reasoning_content: 'R2' } },
  ];
  let i = 0;
  const fetchStub: typeof fetch = async () =>
    new Response(
      JSON.stringify({
        id: 'x',
        object: 'chat.completion',
        choices: [{ index: 0, finish_reason: 'stop', ...bodies[i++] }],
        usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
      }),
      { status: 200, headers: { 'content-type': 'application/json' } },
    );
  const model = new OpenAIModel({ model: 'm', baseUrl: 'http://127.0.0.1:9/v1', fetch: fetchStub });
  const messages = [{ role: 'user' as const, content: 'hi' }];
  const first = await model.complete(messages);
  assert.equal(first.text, 'A');
  assert.equal(first.reasoning, 'R1');
  const second = await model.complete(messages);
  assert.equal(second.text, '');
  assert.equal(second.reasoning, 'R2');
});
