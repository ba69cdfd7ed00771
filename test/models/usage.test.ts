import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage } from '../../src/models/model.js';
import { countPromptTokens, countQwen3Tokens, renderQwen3Chat } from '../../src/models/qwen3.js';
import { approximateUsage, countChatText, estimatedUsage } from '../../src/models/usage.js';

const conversation: ChatMessage[] = [
  {
    role: 'system',
    content: 'You solve tasks with Python.\n\nAvailable tools:\ndef inspect(item_id: str) -> str',
  },
  { role: 'user', content: "Knapsack capacity: 43 — budget 26, classes {'A', 'B'}" },
  { role: 'assistant', content: 'Plan.\n\n```python\nids = json.loads(list_items())\nprint(ids)\n```' },
  {
    role: 'user',
    content: '{"success": true, "result": null, "output": "[\\"item_0a\\"]\\n", "error": null}',
  },
  {
    role: 'assistant',
    content: '<think>\nhidden\n</think>\n\nNext step, café.\n\n```python\nprint(len(ids))\n```',
  },
  { role: 'user', content: 'Python interpreter globals: ["ids"]' },
];

describe('estimated usage', () => {
  it('counts a chat piecewise exactly as the whole rendered text', () => {
    for (let k = 1; k <= conversation.length; k++) {
      const messages = conversation.slice(0, k);
      const rendered = renderQwen3Chat(messages, { addGenerationPrompt: true });
      assert.equal(countChatText(rendered), countPromptTokens(messages), `first ${k} messages`);
      // Twice: the memoized path gives the same answer.
      assert.equal(countChatText(rendered), countPromptTokens(messages));
    }
  });

  it('reports completion tokens as the reply plus the end-of-turn token', () => {
    const reply = 'Done.\n\n```python\nfinish()\n```';
    const usage = estimatedUsage(conversation, reply);
    assert.equal(usage.completion_tokens, countQwen3Tokens(reply) + 1);
    assert.equal(usage.prompt_tokens, countPromptTokens(conversation));
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  });
});

describe('approximate usage', () => {
  it('counts about four characters per token plus a few per message', () => {
    const reply = 'x'.repeat(41);
    const chars = conversation.reduce((n, m) => n + m.content.length, 0);
    const usage = approximateUsage(conversation, reply);
    assert.equal(usage.prompt_tokens, Math.ceil(chars / 4) + 5 * conversation.length + 3);
    assert.equal(usage.completion_tokens, 12);
    assert.equal(usage.total_tokens, usage.prompt_tokens + 12);
    // Within a factor of two of the exact count on this chat.
    const exact = estimatedUsage(conversation, reply).prompt_tokens;
    assert.ok(
      usage.prompt_tokens > exact / 2 && usage.prompt_tokens < exact * 2,
      `${usage.prompt_tokens} vs ${exact}`,
    );
  });
});
