import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countPromptTokens, countQwen3Tokens, renderQwen3Chat } from '../../src/models/qwen3.js';

test('renders the Qwen3 chat template with the generation prompt and thinking disabled', () => {
  const text = renderQwen3Chat(
    [
      { role: 'system', content: 'S' },
      { role: 'user', content: 'hi' },
    ],
    { addGenerationPrompt: true },
  );
  assert.equal(
    text,
    '<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n',
  );
});

test('special tokens count as one token and ordinary text is split into BPE pieces', () => {
  assert.equal(countQwen3Tokens('<|im_start|>'), 1);
  assert.equal(countQwen3Tokens('hello'), 1);
  assert.ok(countQwen3Tokens('item_0751b1897dac') > 3);
  const prompt = countPromptTokens([{ role: 'user', content: 'hi' }]);
  // <|im_start|> user \n hi <|im_end|> \n <|im_start|> assistant \n <think> \n\n </think> \n\n
  assert.ok(prompt >= 12 && prompt <= 16, `unexpected prompt token count ${prompt}`);
});
