// One CodeAct episode (reference-behavior §4.2): ask the model, run the single code block of its
// reply, feed the observation back, until finish(), the turn limit, the token budget or the time
// limit. Model and sandbox failures become turns the model sees; the episode itself never throws
// once it has started (bad prompt packs throw InputError before the first event).
import type { ChatMessage, Completion, TokenUsage } from '../models/model.js';
import { ContextLengthError } from '../models/retry.js';
import { countRequestTokens } from '../models/usage.js';
import { runtimeMessageText } from '../runtime/messages.js';
import { parseRuntimeSpec } from '../runtime/spec.js';
import type { StepResult } from '../sandbox/interpreter.js';
import type { TaskResult } from '../tasks/environment.js';
import { InputError } from '../util/errors.js';
import { extractCodeBlocks } from './code-blocks.js';
import type { EpisodeInput, EpisodeOutcome, StopReason, TraceMessage } from './episode-types.js';
import type { EpisodeEvent, EventDataByType, EventType, FinishReason, StepEventData } from './events.js';
import {
  errorText,
  globalsMessage,
  llmCallFailedMessage,
  MULTIPLE_BLOCKS_MESSAGE,
  type Observation,
  observationMessage,
  unexpectedFinishMessage,
} from './fixed-messages.js';
import { goalPrompt, initialMessages, systemPrompts } from './message-stack.js';
import { defaultPromptPack } from './prompts/prompt-pack.js';
import { splitReply } from './reasoning.js';
import { monotonicSeconds, utcIso } from './time.js';

export const DEFAULT_MAX_TURNS = 40;

/** Raised inside the loop when the episode's time is up or its signal was aborted. */
class EpisodeInterrupted extends Error {}

/** Raised inside the loop when the next request cannot fit the model's context window. */
class ContextExceeded extends Error {}

/** Awaits `promise` unless `signal` aborts first; a late rejection of `promise` is swallowed. */
function unlessStopped<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new EpisodeInterrupted('interrupted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    prompt_tokens: a.prompt_tokens + b.prompt_tokens,
    completion_tokens: a.completion_tokens + b.completion_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

function usageOf(completion: Completion): TokenUsage {
  const { prompt_tokens, completion_tokens, total_tokens } = completion.usage;
  return { prompt_tokens, completion_tokens, total_tokens };
}

function checkLimits(input: EpisodeInput): void {
  const positiveInt = (value: number | undefined, name: string) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new InputError(`${name} must be a positive integer, got ${value}`, undefined, name);
    }
  };
  positiveInt(input.maxTurns, 'maxTurns');
  positiveInt(input.maxToolCalls, 'maxToolCalls');
  positiveInt(input.tokenBudget, 'tokenBudget');
  positiveInt(input.maxContextTokens, 'maxContextTokens');
  if (input.timeoutMs !== undefined && !(input.timeoutMs > 0)) {
    throw new InputError(`timeoutMs must be positive, got ${input.timeoutMs}`, undefined, 'timeoutMs');
  }
}

/** Consecutive failed model calls after which an episode ends with status "error" (default compat). */
export const MODEL_FAILURES_ENDING_EPISODE = 3;

export async function runEpisode(input: EpisodeInput): Promise<EpisodeOutcome> {
  checkLimits(input);
  const { environment, model, session, runtime } = input;
  const maxTurns = input.maxTurns ?? DEFAULT_MAX_TURNS;
  const compat = input.compat ?? 'default';
  const globalsPolicy = input.globalsMessage ?? 'persistent';
  const pack = input.prompts ?? defaultPromptPack();
  // Runtime specs (docs/runtimes.md): the base chooses prompts and globals; the session does the rest.
  const base = parseRuntimeSpec(runtime, undefined, 'runtime').base;
  const persistent = base === 'persistent';
  const sendGlobals = globalsPolicy === 'always' || (globalsPolicy === 'persistent' && persistent);

  const systemTexts = systemPrompts(pack, base, environment, input.maxToolCalls);
  const goal = goalPrompt(pack, environment);

  const startedAt = Date.now();
  const startedMonotonic = monotonicSeconds();
  const events: EpisodeEvent[] = [];
  const emit = <K extends EventType>(type: K, data: EventDataByType[K]): void => {
    const event = { type, data, at: Date.now() } as EpisodeEvent;
    events.push(event);
    try {
      input.onEvent?.(event);
    } catch {
      // A failing listener must not end the episode (the reference's bus ignores listener errors).
    }
  };

  // One signal ends the episode early: the time limit or the caller's abort.
  const stop = new AbortController();
  let timedOut = false;
  const timer =
    input.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stop.abort();
        }, input.timeoutMs);
  const onCallerAbort = () => stop.abort();
  if (input.signal?.aborted) stop.abort();
  else input.signal?.addEventListener('abort', onCallerAbort, { once: true });

  const history: ChatMessage[] = initialMessages(systemTexts, goal);
  const messages: TraceMessage[] = history.map((m) => ({ role: m.role, content: m.content }));
  const appendUser = (content: string) => {
    history.push({ role: 'user', content });
    messages.push({ role: 'user', content });
  };

  let total: TokenUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  let globalNames: string[] = [];
  let steps = 0;
  let stopReason: StopReason | undefined;
  let failure: string | null = null;
  let aborted = false;
  /** Model calls that failed in a row (after their retries). */
  let failedCalls = 0;

  const finish = (reason: FinishReason & StopReason) => {
    stopReason = reason;
    emit('FinishEvent', { reason, token_usage: { ...total } });
  };

  const emitModelEvents = (callStartedAt: number, usage: TokenUsage) => {
    emit('ModelCallEvent', { timestamp: utcIso(callStartedAt), prompt_tokens: usage.prompt_tokens });
    emit('ModelResponseEvent', {
      timestamp: utcIso(Date.now()),
      completion_tokens: usage.completion_tokens,
      total_tokens: usage.total_tokens,
    });
  };

  const runTurn = async (turn: number): Promise<void> => {
    const request = history.slice();
    let sentGlobals: string | null = null;
    if (sendGlobals) {
      sentGlobals = globalsMessage(globalNames);
      request.push({ role: 'user', content: sentGlobals });
    }

    // Checked before the transient message is recorded: a request that is never sent leaves no trace.
    if (input.maxContextTokens !== undefined) {
      const needed = countRequestTokens(request) + (input.requestOptions?.maxTokens ?? 0);
      if (needed > input.maxContextTokens)
        throw new ContextExceeded(
          `the next request needs ${needed} tokens (prompt${input.requestOptions?.maxTokens ? ' + max_tokens' : ''}, Qwen3-counted), more than max_context_tokens ${input.maxContextTokens}`,
        );
    }
    if (sentGlobals !== null) messages.push({ role: 'user', content: sentGlobals, transient: true });

    const callStartedAt = Date.now();
    let completion: Completion;
    try {
      completion = await unlessStopped(
        model.complete(request, { ...input.requestOptions, signal: stop.signal }),
        stop.signal,
      );
    } catch (error) {
      if (error instanceof EpisodeInterrupted) throw error;
      // Retrying cannot make the conversation shorter: the episode ends (the reference plays on).
      if (compat === 'default' && error instanceof ContextLengthError)
        throw new ContextExceeded(error.message);
      const message = llmCallFailedMessage(error);
      emit('ErrorEvent', { error: message });
      appendUser(message);
      // Each failed call already used up its retries. The reference plays on until max_turns and
      // records a "completed" episode that a re-run never repeats; by default an endpoint that keeps
      // failing ends the episode as an error instead, so that `--retry-errors` plays it again.
      failedCalls += 1;
      if (compat === 'default' && failedCalls >= MODEL_FAILURES_ENDING_EPISODE)
        throw new Error(
          `the model endpoint failed ${failedCalls} turns in a row; last failure: ${errorText(error)}`,
        );
      return;
    }
    failedCalls = 0;
    const usage = usageOf(completion);

    if (completion.finishReason !== 'stop') {
      // The reference drops such replies without counting their tokens (§11.9); by default we
      // count them, since the server did spend them.
      if (compat === 'default') {
        total = addUsage(total, usage);
        emitModelEvents(callStartedAt, usage);
      }
      const message = unexpectedFinishMessage(completion.finishReason);
      emit('ErrorEvent', { error: message });
      appendUser(message);
      return;
    }

    total = addUsage(total, usage);
    emitModelEvents(callStartedAt, usage);
    // By default the thinking is split off: only the answer is parsed for code and sent back in the
    // history (as reasoning parsers and Qwen3's template do). The reference parses content as is.
    const { reasoning, answer } =
      compat === 'default'
        ? splitReply(completion.text, completion.reasoning)
        : { reasoning: null, answer: completion.text };
    history.push({ role: 'assistant', content: answer });
    messages.push({ role: 'assistant', content: answer, ...(reasoning !== null && { reasoning }) });

    const blocks = extractCodeBlocks(answer);
    const step: StepEventData = {
      turn,
      assistant_text: answer,
      code: null,
      interpreter_result: null,
      token_usage: usage,
      observation: null,
      globals_message: sentGlobals,
      globals: [...globalNames],
      tool_calls: [],
      error_type: null,
      duration_ms: null,
      incidents: [],
      ...(reasoning !== null && { reasoning }),
    };

    if (blocks.length > 1) {
      emit('ErrorEvent', { error: MULTIPLE_BLOCKS_MESSAGE });
      appendUser(MULTIPLE_BLOCKS_MESSAGE);
      step.interpreter_result = { error: MULTIPLE_BLOCKS_MESSAGE };
      step.observation = MULTIPLE_BLOCKS_MESSAGE;
    } else if (blocks.length === 1) {
      const code = blocks[0];
      const result: StepResult = await unlessStopped(session.step(code), stop.signal);
      const observation: Observation = {
        success: result.success,
        result: null,
        output: result.output,
        error: result.error,
      };
      if (!result.success) emit('ErrorEvent', { error: result.error ?? 'Unknown execution error' });
      // In stateless mode nothing survives the step, whatever the backend reports.
      globalNames = persistent ? Object.keys(result.globals) : [];
      // A runtime spec's notice (restart) comes before the observation, its summary after it.
      const added = result.runtime_message;
      const observed = observationMessage(observation);
      const text = added?.before ? `${added.before}\n\n${observed}` : observed;
      appendUser(text);
      if (added?.after) appendUser(added.after);
      Object.assign(step, {
        code,
        interpreter_result: observation,
        observation: text,
        globals: [...globalNames],
        tool_calls: result.tool_calls,
        error_type: result.error_type,
        duration_ms: result.duration_ms,
        incidents: result.incidents,
        ...(added && { runtime_message: runtimeMessageText(added) }),
      });
    }
    steps++;
    emit('StepEvent', step);
  };

  emit('StartEvent', { task: goal });
  emit('SystemPromptEvent', { prompts: [...systemTexts] });
  try {
    for (let turn = 0; turn < maxTurns; turn++) {
      if (stop.signal.aborted) throw new EpisodeInterrupted('interrupted');
      // The reference notices finish() only at the top of the next turn (§11.8).
      if (compat === 'reference' && environment.finished) {
        finish('finish_tool');
        break;
      }
      await runTurn(turn);
      if (compat === 'default' && environment.finished) {
        finish('finish_tool');
        break;
      }
      if (input.tokenBudget !== undefined && total.total_tokens >= input.tokenBudget) {
        finish('token_budget');
        break;
      }
    }
    if (stopReason === undefined) finish('max_turns');
  } catch (error) {
    if (error instanceof ContextExceeded) {
      emit('ErrorEvent', { error: error.message });
      finish('context_exceeded');
    } else if (error instanceof EpisodeInterrupted) {
      // Like the reference's cancellation: no FinishEvent.
      stopReason = timedOut ? 'timeout' : 'error';
      aborted = !timedOut;
      if (aborted) failure = 'episode aborted';
    } else {
      failure = errorText(error);
      emit('ErrorEvent', { error: failure });
      finish('error');
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    input.signal?.removeEventListener('abort', onCallerAbort);
  }

  if (input.closeSession !== false) {
    try {
      await session.close();
    } catch {
      // The interpreter is gone either way; the environment's state is what is scored.
    }
  }

  let evaluation: TaskResult;
  try {
    evaluation = environment.evaluate();
  } catch (error) {
    failure ??= `evaluation failed: ${errorText(error)}`;
    stopReason = 'error';
    evaluation = { is_solved: false, score: 0, metrics: { error: errorText(error) } };
  }

  const finalReason: StopReason = stopReason ?? 'error';
  const finishEvent = events.find((e) => e.type === 'FinishEvent');
  const finishedMonotonic = monotonicSeconds();
  return {
    status: finalReason === 'timeout' ? 'timeout' : finalReason === 'error' ? 'error' : 'completed',
    error: finalReason === 'timeout' ? '' : failure,
    stopReason: finalReason,
    terminated: finalReason === 'finish_tool',
    truncated:
      finalReason === 'max_turns' ||
      finalReason === 'timeout' ||
      finalReason === 'token_budget' ||
      finalReason === 'context_exceeded',
    aborted,
    evaluation,
    events,
    messages,
    systemPrompts: systemTexts,
    goalPrompt: goal,
    steps,
    tokenUsage: total,
    runtime,
    compat,
    globalsMessage: globalsPolicy,
    model: { name: model.name, kind: model.kind },
    startedAt,
    finishedAt: finishEvent?.at ?? Date.now(),
    startedMonotonic,
    finishedMonotonic,
    wallTimeS: finishedMonotonic - startedMonotonic,
  };
}
