import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cacheKey, cachePayload, ResponseCache } from '../../src/models/cache.js';
import type { ChatMessage } from '../../src/models/model.js';
import { OpenAIModel } from '../../src/models/openai-backend.js';
import { startPolicyServer } from '../../src/models/policy-server.js';
import { pyJsonDumps } from '../../src/python/json.js';

const dir = mkdtempSync(join(tmpdir(), 'alr-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const hi: ChatMessage[] = [{ role: 'user', content: 'hi' }];
const compact = (value: unknown) =>
  pyJsonDumps(value, { sortKeys: true, ensureAscii: false, separators: [',', ':'] });

describe('cache key', () => {
  it('matches the reference key of its documented example', () => {
    const request = { model: 'openai/qwen3-8b', messages: hi, temperature: 0.2, maxTokens: 12288 };
    assert.equal(
      compact(cachePayload(request)),
      '{"max_tokens":12288,"messages":[{"content":"hi","role":"user"}],"model":"openai/qwen3-8b","temperature":0.2}',
    );
    assert.ok(cacheKey(request).startsWith('64692121a85a631b'));
  });

  it('records temperature as a Python float and drops unset fields', () => {
    assert.equal(
      compact(cachePayload({ model: 'm', messages: hi, temperature: 1 })),
      '{"messages":[{"content":"hi","role":"user"}],"model":"m","temperature":1.0}',
    );
    assert.equal(
      compact(cachePayload({ model: 'm', messages: hi })),
      '{"messages":[{"content":"hi","role":"user"}],"model":"m"}',
    );
  });

  it('merges the extra body and keeps non-ASCII text unescaped', () => {
    const payload = cachePayload({
      model: 'm',
      messages: [{ role: 'user', content: 'café — ok' }],
      extraBody: { chat_template_kwargs: { enable_thinking: false } },
    });
    assert.equal(
      compact(payload),
      '{"chat_template_kwargs":{"enable_thinking":false},"messages":[{"content":"café — ok","role":"user"}],"model":"m"}',
    );
  });

  it('differs when anything in the request differs', () => {
    const base = { model: 'openai/qwen3-8b', messages: hi, temperature: 0.2 };
    const keys = new Set([
      cacheKey(base),
      cacheKey({ ...base, model: 'qwen3-8b' }),
      cacheKey({ ...base, temperature: 0.3 }),
      cacheKey({ ...base, maxTokens: 10 }),
      cacheKey({ ...base, messages: [{ role: 'user', content: 'hi!' }] }),
    ]);
    assert.equal(keys.size, 5);
  });
});

describe('response cache', () => {
  it('creates the reference table in WAL mode and round-trips a reply', () => {
    const path = join(dir, 'roundtrip.sqlite');
    const cache = new ResponseCache(path);
    const request = { model: 'openai/x', messages: hi, temperature: 0 };
    assert.equal(cache.get(request), undefined);
    const reply = {
      text: 'hello',
      finishReason: 'stop',
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    };
    cache.put(request, reply);
    cache.close();
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    const row = db
      .prepare('SELECT key, created_at, request_json, response_json FROM llm_cache')
      .get() as Record<string, string>;
    db.close();
    assert.equal(row.key, cacheKey(request));
    assert.match(row.created_at as string, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const stored = JSON.parse(row.response_json as string);
    assert.equal(stored.choices[0].message.content, 'hello');
    assert.equal(stored.choices[0].finish_reason, 'stop');
    assert.deepEqual(stored.usage, reply.usage);
    assert.deepEqual(new ResponseCache(path).get(request), reply);
  });

  it('serves a repeated greedy request from the cache, and sampled requests never', async () => {
    const server = await startPolicyServer({ policy: 'scripted-persistent' });
    const path = join(dir, 'backend.sqlite');
    try {
      const greedy = new OpenAIModel({ model: 'openai/p', baseUrl: server.url, temperature: 0, cache: path });
      const first = await greedy.complete(hi);
      const second = await greedy.complete(hi);
      assert.equal(first.cacheHit, false);
      assert.equal(second.cacheHit, true);
      assert.equal(second.text, first.text);
      assert.deepEqual(second.usage, first.usage);
      assert.equal(server.requests(), 1);

      const sampled = new OpenAIModel({
        model: 'openai/p',
        baseUrl: server.url,
        temperature: 0.2,
        cache: path,
      });
      await sampled.complete(hi);
      await sampled.complete(hi);
      assert.equal(server.requests(), 3);

      const asked = new OpenAIModel({
        model: 'openai/p',
        baseUrl: server.url,
        temperature: 0.2,
        cache: path,
        cacheEnabled: true,
      });
      await asked.complete(hi);
      assert.equal((await asked.complete(hi)).cacheHit, true);
      assert.equal(server.requests(), 4);
    } finally {
      await server.close();
    }
  });
});
