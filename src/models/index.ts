// Public API of the models module: `createModel` picks a backend from a name.

import { InputError } from '../util/errors.js';
import { OpenAIModel, type OpenAIModelOptions } from './openai-backend.js';
import { ReplayModel, resolveTracePath } from './replay.js';
import { isPolicyName, POLICY_NAMES, ScriptedPolicy } from './scripted/policy.js';

export type { CachedResponse, CacheRequest } from './cache.js';
export { cacheKey, cachePayload, ResponseCache } from './cache.js';
export type { ChatMessage, CompleteOptions, Completion, Model, TokenUsage } from './model.js';
export type { HttpCompletion, OpenAIModelOptions } from './openai-backend.js';
export { OpenAIModel, resolveBaseUrl } from './openai-backend.js';
export type {
  ContextLengthWording,
  Fault,
  FaultPlan,
  PolicyServer,
  PolicyServerOptions,
  ReasoningStyle,
} from './policy-server.js';
export { startPolicyServer, THINKING_DRAFT_MARKER, thinkingFor } from './policy-server.js';
export { ReplayModel, readRecordedTurns, resolveTracePath } from './replay.js';
export {
  ContextLengthError,
  isContextLengthError,
  MalformedResponseError,
  ModelCallError,
  RequestTimeoutError,
} from './retry.js';
export type { PolicyName } from './scripted/policy.js';
export { isPolicyName, POLICY_NAMES, ScriptedPolicy } from './scripted/policy.js';
export { Semaphore } from './semaphore.js';
export { estimatedUsage } from './usage.js';

export interface CreateModelOptions extends Omit<Partial<OpenAIModelOptions>, 'model'> {
  /** For `replay:<run dir>`: the episode whose trace to replay. */
  taskId?: string;
  family?: string;
}

/**
 * `scripted-persistent` / `scripted-stateless` → a scripted policy; `replay:<run dir or trace file>`
 * → a replay (one object per episode: pass `taskId` for a run dir); anything else → an
 * OpenAI-compatible endpoint serving that model name (`baseUrl`, or env OPENAI_BASE_URL / OPENAI_API_BASE).
 * HTTP backends hold a concurrency limit: create one per configured model and share it across episodes.
 */
export function createModel(name: string, options: CreateModelOptions = {}) {
  if (isPolicyName(name)) return new ScriptedPolicy(name);
  // A misspelt policy with no endpoint configured would otherwise fail as a missing endpoint.
  if (
    name.startsWith('scripted-') &&
    !(options.baseUrl ?? process.env.OPENAI_BASE_URL ?? process.env.OPENAI_API_BASE)
  )
    throw new InputError(
      `unknown scripted policy '${name}' (known: ${POLICY_NAMES.join(', ')})`,
      undefined,
      'llm.model',
    );
  if (name.startsWith('replay:'))
    return new ReplayModel(
      resolveTracePath(name.slice('replay:'.length), { taskId: options.taskId, family: options.family }),
    );
  const { taskId: _t, family: _f, ...http } = options;
  return new OpenAIModel({ ...http, model: name });
}
