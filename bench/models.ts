// Model-layer overheads that a run pays per turn: scripted usage counting on a growing conversation,
// an HTTP round trip through the openai client to a local policy server, and response-cache access.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResponseCache } from '../src/models/cache.js';
import type { ChatMessage } from '../src/models/model.js';
import { OpenAIModel } from '../src/models/openai-backend.js';
import { startPolicyServer } from '../src/models/policy-server.js';
import { ScriptedPolicy } from '../src/models/scripted/policy.js';
import { estimatedUsage } from '../src/models/usage.js';
import type { BenchOptions } from './options.js';

function conversation(turns: number): ChatMessage[] {
  const messages: ChatMessage[] = [
    {
      role: 'system',
      content: 'Available tools:\ndef inspect(item_id: str) -> str\ndef take_item(item_id: str) -> None',
    },
    { role: 'user', content: 'Knapsack capacity: 120\nInspect budget: 60 distinct items' },
  ];
  for (let t = 0; t < turns; t++) {
    const stats = Array.from(
      { length: 20 },
      (_, i) =>
        `{"inspect": "item_${(t * 20 + i).toString(16).padStart(12, '0')}", "stats": {"class": "C", "value": ${i * 7}, "weight": ${i + 3}}}`,
    );
    messages.push({ role: 'assistant', content: `Turn ${t}.\n\n\`\`\`python\nprint(${t})\n\`\`\`` });
    messages.push({
      role: 'user',
      content: JSON.stringify({ success: true, result: null, output: `${stats.join('\n')}\n`, error: null }),
    });
  }
  return messages;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function run(options: BenchOptions): Promise<unknown> {
  const turns = Number(options.settings.turns ?? (options.quick ? 8 : 20));
  const requests = Number(options.settings.requests ?? (options.quick ? 20 : 100));
  const concurrency = Number(options.settings.concurrency ?? 8);

  // Usage counting as an episode grows (each turn re-counts the whole history).
  const history = conversation(turns);
  const perTurnMs: number[] = [];
  let promptTokens = 0;
  for (let k = 4; k <= history.length; k += 2) {
    const start = performance.now();
    promptTokens = estimatedUsage(history.slice(0, k), 'ok').prompt_tokens;
    perTurnMs.push(performance.now() - start);
  }

  // HTTP round trips through the real client to a scripted policy on loopback.
  const server = await startPolicyServer({ policy: 'scripted-persistent' });
  const model = new OpenAIModel({
    model: 'scripted-persistent',
    baseUrl: server.url,
    maxConcurrentRequests: concurrency,
  });
  const short = conversation(2);
  await model.complete(short);
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next += 1;
        const t0 = performance.now();
        await model.complete(short);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const httpSeconds = (performance.now() - started) / 1000;
  await server.close();

  // Cache: put then get the same requests.
  const dir = mkdtempSync(join(tmpdir(), 'alr-bench-cache-'));
  const cache = new ResponseCache(join(dir, 'cache.sqlite'));
  const reply = {
    text: new ScriptedPolicy('scripted-stateless').reply(short),
    finishReason: 'stop',
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
  const keys = Array.from({ length: requests }, (_, i) => ({
    model: 'openai/m',
    messages: [...short, { role: 'user' as const, content: String(i) }],
    temperature: 0,
  }));
  let t0 = performance.now();
  for (const k of keys) cache.put(k, reply);
  const putMs = (performance.now() - t0) / keys.length;
  t0 = performance.now();
  for (const k of keys) cache.get(k);
  const getMs = (performance.now() - t0) / keys.length;
  cache.close();
  rmSync(dir, { recursive: true, force: true });

  const round = (x: number) => Number(x.toFixed(3));
  return {
    usage_counting: {
      turns,
      final_prompt_tokens: promptTokens,
      median_ms_per_turn: round(median(perTurnMs)),
      max_ms_per_turn: round(Math.max(...perTurnMs)),
    },
    http_round_trip: {
      requests,
      concurrency,
      requests_per_s: round(requests / httpSeconds),
      median_latency_ms: round(median(latencies)),
    },
    cache: { entries: keys.length, put_ms: round(putMs), get_ms: round(getMs) },
  };
}
