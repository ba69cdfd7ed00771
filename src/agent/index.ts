// The CodeAct agent: the episode loop, its prompts, and the trace/result objects of an episode.
export { extractCodeBlocks, pyStrip } from './code-blocks.js';
export type {
  AgentCompat,
  EpisodeInput,
  EpisodeOutcome,
  GlobalsMessagePolicy,
  StopReason,
  TraceMessage,
} from './episode-types.js';
export type { EpisodeEvent, EventDataByType, EventType, FinishReason, StepEventData } from './events.js';
export {
  globalsMessage,
  llmCallFailedMessage,
  MULTIPLE_BLOCKS_MESSAGE,
  observationMessage,
  unexpectedFinishMessage,
} from './fixed-messages.js';
export { goalPrompt, initialMessages, systemPrompts } from './message-stack.js';
export type { PromptPack } from './prompts/prompt-pack.js';
export {
  defaultPromptPack,
  loadPromptPack,
  parsePromptPack,
  renderGoalTemplate,
} from './prompts/prompt-pack.js';
export { DEFAULT_MAX_TURNS, runEpisode } from './run-episode.js';
export type { EpisodeMeta, EpisodeResult, EpisodeTrace, TraceEvent, TraceSummary } from './trace.js';
export { buildResult, buildTrace, summarizeEvents, TRACE_SCHEMA } from './trace.js';
