// An OpenAI-compatible chat endpoint on loopback backed by a scripted policy. It is the real HTTP
// peer for the HTTP backend's tests (with optional fault injection) and `alr serve`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ChatMessage } from './model.js';
import { type PolicyName, ScriptedPolicy } from './scripted/policy.js';
import { approximateUsage, estimatedUsage } from './usage.js';

/** A misbehavior to inject into one chat-completion request. */
export type Fault =
  | { kind: 'status'; status: number; retryAfterS?: number }
  | { kind: 'stall' }
  | { kind: 'drop' }
  | { kind: 'malformed-json' }
  | { kind: 'empty-choices' }
  | { kind: 'truncated' }
  | { kind: 'length' }
  | { kind: 'no-usage' }
  /** HTTP 400 saying the prompt exceeds the context window, in one server's wording. */
  | { kind: 'context-length'; wording: ContextLengthWording }
  /** Long thinking and then an answer without a code block (needs the `reasoning` option). */
  | { kind: 'think-only' };

export type ContextLengthWording = 'vllm' | 'sglang' | 'openai';

/** The error bodies those servers send when a prompt does not fit (numbers are made up). */
const CONTEXT_LENGTH_ERRORS: Record<ContextLengthWording, Record<string, unknown>> = {
  vllm: {
    object: 'error',
    message:
      "This model's maximum context length is 4096 tokens. However, you requested 5210 tokens (4698 in the messages, 512 in the completion). Please reduce the length of the messages or completion.",
    type: 'BadRequestError',
    param: null,
    code: 400,
  },
  sglang: {
    object: 'error',
    message: "The input (5210 tokens) is longer than the model's context length (4096 tokens).",
    type: 'BadRequestError',
    param: null,
    code: 400,
  },
  openai: {
    message:
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
    type: 'invalid_request_error',
    param: 'messages',
    code: 'context_length_exceeded',
  },
};

/**
 * How the server imitates a reasoning model: `separate` sends the thinking in `reasoning_content`
 * (a server with a reasoning parser), `inline` as `<think>…</think>` before the answer in `content`.
 * The thinking drafts a fenced code block that must never run.
 */
export type ReasoningStyle = 'separate' | 'inline';

export interface FaultPlan {
  /** Fault of each request by 0-based index (null or missing = answer normally). */
  script?: (Fault | null)[];
  /** Otherwise, inject with this probability, drawing from `kinds` with a seeded generator. */
  probability?: number;
  seed?: number;
  kinds?: Fault[];
}

export interface PolicyServerOptions {
  policy: PolicyName;
  port?: number;
  host?: string;
  /** Delay before every answer, to imitate a model's latency. */
  latencyMs?: number;
  faults?: FaultPlan;
  /** 'qwen3' (default): exact Qwen3 counts; 'approximate': ~4 characters per token, far cheaper. */
  usage?: 'qwen3' | 'approximate';
  /** Answer like a reasoning model (thinking before the policy's reply); default: no thinking. */
  reasoning?: ReasoningStyle;
}

/** Marker printed by the draft block inside the thinking: if it ever shows up, thinking code ran. */
export const THINKING_DRAFT_MARKER = 'draft-from-thinking';

/** Thinking text for a reply: it weighs the turn and drafts a block (with finish()) it then drops. */
export function thinkingFor(reply: string, long = false): string {
  const lines = [
    'Let me think about what the last output tells me before writing the block.',
    'A first draft could be:',
    '```python',
    `print("${THINKING_DRAFT_MARKER}")`,
    'finish()',
    '```',
    'No: finishing now would be premature. I will follow the plan below instead.',
  ];
  if (long)
    for (let i = 0; i < 40; i++)
      lines.push(`Option ${i + 1}: weigh it against the capacity left, then discard it.`);
  lines.push(`Plan: ${reply.split('\n')[0] ?? ''}`);
  return lines.join('\n');
}

export interface PolicyServer {
  /** Base URL including `/v1`. */
  url: string;
  /** Number of chat-completion requests received so far. */
  requests(): number;
  /** The parsed JSON body of the latest chat-completion request (undefined before the first). */
  lastBody(): unknown;
  close(): Promise<void>;
}

/** Small deterministic generator (mulberry32) for reproducible fault draws. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function parseMessages(body: unknown): ChatMessage[] | undefined {
  const messages = (body as { messages?: unknown })?.messages;
  if (!Array.isArray(messages)) return undefined;
  const out: ChatMessage[] = [];
  for (const m of messages) {
    const role = (m as { role?: unknown })?.role;
    const content = (m as { content?: unknown })?.content;
    if ((role !== 'system' && role !== 'user' && role !== 'assistant') || typeof content !== 'string')
      return undefined;
    out.push({ role, content });
  }
  return out;
}

export async function startPolicyServer(options: PolicyServerOptions): Promise<PolicyServer> {
  const policy = new ScriptedPolicy(options.policy);
  const draw = seeded(options.faults?.seed ?? 0);
  const sockets = new Set<Socket>();
  let count = 0;
  let created = 0;
  let lastBody: unknown;

  function faultFor(index: number): Fault | null {
    const plan = options.faults;
    if (!plan) return null;
    if (plan.script) return plan.script[index] ?? null;
    if (plan.probability && plan.kinds?.length && draw() < plan.probability)
      return plan.kinds[Math.floor(draw() * plan.kinds.length)] ?? null;
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, {
        object: 'list',
        data: [{ id: options.policy, object: 'model', owned_by: 'scripted' }],
      });
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found' } });
      return;
    }
    const index = count++;
    const raw = await readBody(req);
    const fault = faultFor(index);
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'stall') return; // never answer; the client's timeout must fire
    if (fault?.kind === 'context-length') {
      sendJson(res, 400, { error: CONTEXT_LENGTH_ERRORS[fault.wording] });
      return;
    }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> =
        fault.retryAfterS !== undefined ? { 'retry-after': String(fault.retryAfterS) } : {};
      sendJson(
        res,
        fault.status,
        { error: { message: `injected HTTP ${fault.status}`, type: 'injected' } },
        headers,
      );
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
      lastBody = body;
    } catch {
      sendJson(res, 400, { error: { message: 'request body is not JSON', type: 'invalid_request_error' } });
      return;
    }
    const messages = parseMessages(body);
    if (!messages) {
      sendJson(res, 400, {
        error: {
          message: '`messages` must be a list of {role, content} strings',
          type: 'invalid_request_error',
        },
      });
      return;
    }
    if (fault?.kind === 'malformed-json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "chatcmpl-x", "choices": [');
      return;
    }
    const thinkOnly = fault?.kind === 'think-only';
    const policyReply = policy.reply(messages);
    const text = thinkOnly ? 'I need to think about this more before I write any code.' : policyReply;
    const thinking = options.reasoning ? thinkingFor(policyReply, thinkOnly) : undefined;
    const content =
      thinking !== undefined && options.reasoning === 'inline'
        ? `<think>\n${thinking}\n</think>\n\n${text}`
        : text;
    const generated = thinking === undefined ? text : `<think>\n${thinking}\n</think>\n\n${text}`;
    const usage = (options.usage === 'approximate' ? approximateUsage : estimatedUsage)(messages, generated);
    const completion = {
      id: `chatcmpl-scripted-${index}`,
      object: 'chat.completion',
      created: created++,
      model:
        typeof (body as { model?: unknown }).model === 'string'
          ? (body as { model: string }).model
          : options.policy,
      choices:
        fault?.kind === 'empty-choices'
          ? []
          : [
              {
                index: 0,
                message: {
                  role: 'assistant',
                  content,
                  ...(thinking !== undefined &&
                    options.reasoning === 'separate' && { reasoning_content: thinking }),
                },
                finish_reason: fault?.kind === 'length' ? 'length' : 'stop',
              },
            ],
      ...(fault?.kind === 'no-usage' ? {} : { usage }),
    };
    if (fault?.kind === 'truncated') {
      const full = JSON.stringify(completion);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(full) });
      res.write(full.slice(0, Math.floor(full.length / 2)));
      setTimeout(() => req.socket.destroy(), 10);
      return;
    }
    sendJson(res, 200, completion);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), type: 'server_error' } });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
    requests: () => count,
    lastBody: () => lastBody,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
