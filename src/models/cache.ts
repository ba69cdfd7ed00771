// SQLite response cache, file-compatible with the reference's (reference-behavior §5.1): same table,
// same key (sha256 of the compact sorted-key JSON of the request payload), responses stored in the
// OpenAI chat-completion shape, so an existing cache file from the reference is reused as is.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { pyFloat, pyJsonDumps } from '../python/json.js';
import type { ChatMessage, TokenUsage } from './model.js';

export interface CacheRequest {
  /** The model name exactly as configured (an `openai/` prefix included). */
  model: string;
  messages: readonly ChatMessage[];
  temperature?: number | null;
  maxTokens?: number | null;
  extraBody?: Record<string, unknown>;
}

export interface CachedResponse {
  text: string;
  /** Reasoning returned beside the answer; stored as the message's `reasoning_content`. */
  reasoning?: string;
  finishReason: string;
  usage: TokenUsage;
}

/** The payload the reference hashes: None values dropped, extra body merged in. */
export function cachePayload(request: CacheRequest): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    model: request.model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
  };
  // Python keeps a float temperature a float: 1.0 prints as `1.0`, so mark it.
  if (request.temperature !== undefined && request.temperature !== null)
    payload.temperature = pyFloat(request.temperature);
  if (request.maxTokens !== undefined && request.maxTokens !== null) payload.max_tokens = request.maxTokens;
  for (const [key, value] of Object.entries(request.extraBody ?? {}))
    if (value !== undefined) payload[key] = value;
  return payload;
}

export function cacheKey(request: CacheRequest): string {
  const text = pyJsonDumps(cachePayload(request), {
    sortKeys: true,
    ensureAscii: false,
    separators: [',', ':'],
  });
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The stored form of a reply: an OpenAI chat-completion object. */
export function completionJson(model: string, response: CachedResponse): Record<string, unknown> {
  return {
    object: 'chat.completion',
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: response.text,
          ...(response.reasoning !== undefined && { reasoning_content: response.reasoning }),
        },
        finish_reason: response.finishReason,
      },
    ],
    usage: { ...response.usage },
  };
}

function fromCompletionJson(value: unknown): CachedResponse | undefined {
  const v = value as {
    choices?: {
      message?: { content?: unknown; reasoning_content?: unknown };
      text?: unknown;
      finish_reason?: unknown;
    }[];
    usage?: Partial<TokenUsage> | null;
  };
  const choice = v?.choices?.[0];
  if (!choice) return undefined;
  const content = choice.message?.content ?? choice.text;
  if (typeof content !== 'string') return undefined;
  const usage = v.usage ?? {};
  const prompt = Number(usage.prompt_tokens ?? 0);
  const completion = Number(usage.completion_tokens ?? 0);
  const reasoning = choice.message?.reasoning_content;
  return {
    text: content,
    ...(typeof reasoning === 'string' && { reasoning }),
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : 'unknown',
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: Number(usage.total_tokens ?? prompt + completion),
    },
  };
}

export class ResponseCache {
  private readonly db: Database.Database;
  private readonly getStatement: Database.Statement<[string], { response_json: string }>;
  private readonly putStatement: Database.Statement<[string, string, string]>;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // Commits are not fsynced one by one (WAL stays consistent; a power cut may only lose the
    // newest entries, which are asked again): a synchronous fsync per turn stalls the run.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS llm_cache (key TEXT PRIMARY KEY, created_at TEXT DEFAULT (datetime('now')), request_json TEXT NOT NULL, response_json TEXT NOT NULL)",
    );
    this.getStatement = this.db.prepare('SELECT response_json FROM llm_cache WHERE key = ?');
    this.putStatement = this.db.prepare(
      'INSERT OR REPLACE INTO llm_cache (key, request_json, response_json) VALUES (?, ?, ?)',
    );
  }

  /** The stored reply for a request, or undefined (also for rows this code cannot read). */
  get(request: CacheRequest): CachedResponse | undefined {
    const row = this.getStatement.get(cacheKey(request));
    if (!row) return undefined;
    try {
      return fromCompletionJson(JSON.parse(row.response_json));
    } catch {
      return undefined;
    }
  }

  put(request: CacheRequest, response: CachedResponse): void {
    const dump = (value: unknown) => pyJsonDumps(value, { sortKeys: true, ensureAscii: false });
    this.putStatement.run(
      cacheKey(request),
      dump(cachePayload(request)),
      dump(completionJson(request.model, response)),
    );
  }

  close(): void {
    this.db.close();
  }
}
