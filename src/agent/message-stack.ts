// The messages an episode starts from (reference-behavior §4.1): system prompt, runtime note,
// few-shot block (when the pack has one for the mode), tool list — all as system messages — then
// the goal prompt as the first user message.
import type { ChatMessage } from '../models/model.js';
import type { RuntimeMode } from '../runtime/spec.js';
import type { Environment } from '../tasks/environment.js';
import { renderToolPrompt } from '../tasks/index.js';
import type { PromptPack } from './prompts/prompt-pack.js';
import { renderGoalTemplate } from './prompts/prompt-pack.js';

/** The system messages' contents, in order. */
export function systemPrompts(
  pack: PromptPack,
  runtime: RuntimeMode,
  environment: Environment,
  maxToolCalls?: number,
): string[] {
  const persistent = runtime === 'persistent';
  const prompts = [pack.system, persistent ? pack.runtime_persistent : pack.runtime_stateless];
  const fewShot = persistent ? pack.few_shot_persistent : pack.few_shot_stateless;
  if (fewShot) prompts.push(fewShot);
  let toolPrompt = renderToolPrompt(environment.tools(), maxToolCalls);
  // The note explains the limit, so it only follows a limit sentence (which ends with a newline).
  if (maxToolCalls !== undefined && pack.tool_limit_note) toolPrompt += pack.tool_limit_note;
  prompts.push(toolPrompt);
  return prompts;
}

/** The goal prompt: the pack's template for the family when it has one, else the environment's. */
export function goalPrompt(pack: PromptPack, environment: Environment): string {
  const template = pack.goal[environment.family];
  if (template === undefined) return environment.goalPrompt();
  const values = environment.goalPromptValues?.() ?? {};
  return renderGoalTemplate(template, values, pack.source, `goal.${environment.family}`);
}

/** The opening message stack of an episode. */
export function initialMessages(systemTexts: readonly string[], goal: string): ChatMessage[] {
  return [
    ...systemTexts.map((content): ChatMessage => ({ role: 'system', content })),
    { role: 'user', content: goal },
  ];
}
