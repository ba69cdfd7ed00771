import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  createModel,
  OpenAIModel,
  ReplayModel,
  ScriptedPolicy,
  Semaphore,
  startPolicyServer,
} from '../../src/models/index.js';
import type { ChatMessage } from '../../src/models/model.js';
import { InputError } from '../../src/util/errors.js';
import { cliPath } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'alr-models-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeTrace(path: string, texts: string[]): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const events = [
    { type: 'StartEvent', data: { task: 'goal' } },
    ...texts.map((text, turn) => ({
      type: 'StepEvent',
      data: {
        turn,
        assistant_text: text,
        code: null,
        interpreter_result: null,
        token_usage: { prompt_tokens: 10 + turn, completion_tokens: 2, total_tokens: 12 + turn },
      },
    })),
  ];
  writeFileSync(path, JSON.stringify({ summary: {}, events }));
}

const hi: ChatMessage[] = [{ role: 'user', content: 'hi' }];

describe('createModel', () => {
  it('maps policy names to scripted policies labeled as scripted', () => {
    for (const name of ['scripted-persistent', 'scripted-stateless']) {
      const model = createModel(name);
      assert.ok(model instanceof ScriptedPolicy);
      assert.equal(model.kind, 'scripted');
      assert.equal(model.name, name);
    }
  });

  it('replays a trace file turn by turn with its recorded usage, then fails clearly', async () => {
    const path = join(dir, 'one.trace.json');
    writeTrace(path, ['first', 'second']);
    const model = createModel(`replay:${path}`);
    assert.ok(model instanceof ReplayModel);
    assert.equal(model.kind, 'replay');
    assert.equal((await model.complete(hi)).text, 'first');
    const second = await model.complete(hi);
    assert.equal(second.text, 'second');
    assert.deepEqual(second.usage, { prompt_tokens: 11, completion_tokens: 2, total_tokens: 13 });
    await assert.rejects(model.complete(hi), /no more assistant turns \(2 recorded\)/);
  });

  it('finds the episode trace in a run directory by task id', async () => {
    const run = join(dir, 'run');
    writeTrace(join(run, 'results', 'agent-a', 'knapsack', 'knapsack-knapsack-0000000007.trace.json'), [
      'seven',
    ]);
    writeTrace(join(run, 'results', 'agent-a', 'knapsack', 'knapsack-knapsack-0000000008.trace.json'), [
      'eight',
    ]);
    const model = createModel(`replay:${run}`, { taskId: 'knapsack-0000000008' });
    assert.equal((await model.complete(hi)).text, 'eight');
    assert.throws(() => createModel(`replay:${run}`), InputError);
    assert.throws(() => createModel(`replay:${run}`, { taskId: 'knapsack-0000000009' }), /no trace named/);
    assert.throws(() => createModel(`replay:${join(dir, 'missing')}`), InputError);
  });

  it('rejects a trace without events, naming the file and field', () => {
    const path = join(dir, 'bad.trace.json');
    writeFileSync(path, '{"summary": {}}');
    assert.throws(
      () => createModel(`replay:${path}`),
      (err: unknown) => err instanceof InputError && /bad\.trace\.json.*events/.test(err.message),
    );
  });

  it('sends other names to an OpenAI-compatible endpoint without the openai/ prefix', async () => {
    const server = await startPolicyServer({ policy: 'scripted-stateless' });
    try {
      const model = createModel('openai/qwen3-8b-lora', {
        baseUrl: server.url,
        temperature: 0.2,
        maxTokens: 100,
        extraBody: { chat_template_kwargs: { enable_thinking: false } },
      });
      assert.ok(model instanceof OpenAIModel);
      assert.equal(model.name, 'openai/qwen3-8b-lora');
      await model.complete(hi);
      const body = server.lastBody() as Record<string, unknown>;
      assert.equal(body.model, 'qwen3-8b-lora');
      assert.equal(body.temperature, 0.2);
      assert.equal(body.max_tokens, 100);
      assert.deepEqual(body.chat_template_kwargs, { enable_thinking: false });
    } finally {
      await server.close();
    }
  });

  it('takes the endpoint from OPENAI_API_BASE when nothing else is given', () => {
    const saved = { base: process.env.OPENAI_BASE_URL, api: process.env.OPENAI_API_BASE };
    delete process.env.OPENAI_BASE_URL;
    process.env.OPENAI_API_BASE = 'http://127.0.0.1:9/v1';
    try {
      assert.equal((createModel('m') as OpenAIModel).baseUrl, 'http://127.0.0.1:9/v1');
      delete process.env.OPENAI_API_BASE;
      assert.throws(() => createModel('m'), /OPENAI_BASE_URL/);
    } finally {
      if (saved.base !== undefined) process.env.OPENAI_BASE_URL = saved.base;
      if (saved.api !== undefined) process.env.OPENAI_API_BASE = saved.api;
    }
  });
});

describe('concurrency limit', () => {
  it('never runs more tasks at once than its limit', async () => {
    const semaphore = new Semaphore(2);
    let active = 0;
    let peak = 0;
    const task = async () => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      active -= 1;
    };
    await Promise.all(Array.from({ length: 7 }, () => semaphore.run(task)));
    assert.equal(peak, 2);
  });

  it('is shared by all calls through one backend object', async () => {
    const server = await startPolicyServer({ policy: 'scripted-stateless', latencyMs: 30 });
    let inFlight = 0;
    let peak = 0;
    const counting = async (input: string | URL | Request, init?: RequestInit) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight -= 1;
      }
    };
    try {
      const model = new OpenAIModel({
        model: 'p',
        baseUrl: server.url,
        maxConcurrentRequests: 2,
        fetch: counting,
      });
      await Promise.all(Array.from({ length: 6 }, () => model.complete(hi)));
      assert.equal(server.requests(), 6);
      assert.equal(peak, 2);
    } finally {
      await server.close();
    }
  });
});

describe('alr serve', () => {
  it('prints its URL, answers chat completions, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [
      cliPath,
      'serve',
      '--policy',
      'scripted-persistent',
      '--port',
      '0',
    ]);
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /(http:\/\/\S+\/v1)/.exec(out);
        if (match) resolve(match[1] as string);
      });
      child.on('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
    });
    const model = createModel('scripted-persistent-over-http', { baseUrl: url });
    const reply = await model.complete([
      { role: 'system', content: 'def take_item(item_id: str) -> None' },
      { role: 'user', content: 'capacity 30, budget 9' },
    ]);
    assert.match(reply.text, /ids = json\.loads\(list_items\(\)\)/);
    assert.ok(reply.usage.prompt_tokens > 0);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exit, 0);
  });

  it('rejects an unknown policy with a clear message', async () => {
    const child = spawn(process.execPath, [cliPath, 'serve', '--policy', 'gpt-4']);
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 1);
    assert.match(err, /unknown policy 'gpt-4'/);
  });
});
