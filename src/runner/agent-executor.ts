/**
 * The real episode player: one model backend per agent, shared by its episodes, and the run's
 * shared sandbox for its backend (context.sandboxes); per episode: load the task, build its environment, open an interpreter session for the
 * agent's runtime, run the CodeAct loop, and turn the outcome into the trace and result objects.
 */

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildResult, buildTrace, loadPromptPack, type PromptPack, runEpisode } from '../agent/index.js';
import { createModel, type Model } from '../models/index.js';
import { runtimeBase } from '../runtime/spec.js';
import type { BackendName } from '../sandbox/index.js';
import { createEnvironment, loadTask } from '../tasks/index.js';
import { requestExtraBody } from './config.js';
import { EndpointOutageWatch } from './endpoint-outage.js';
import type { AgentExecutor, EpisodeJob, EpisodeOutput, ExecutorFactory } from './episode.js';
import { modelKindOf } from './run-metadata.js';

/**
 * Interpreters kept started ahead of need, per agent. A pyodide session in reserve holds about
 * 50 MB and starts in about 0.1 s: at 64 and 256 concurrent episodes, 2 in reserve gave the
 * throughput 8 gave, with 340 MB less at 64 (docs/performance.md).
 */
const MAX_WARM_INTERPRETERS: Record<BackendName, number> = { cpython: 8, pyodide: 2 };

export const agentExecutorFactory: ExecutorFactory = async (agent, context) => {
  const { config } = agent;
  const llm = config.llm;
  const prompts: PromptPack | undefined = agent.prompts ? loadPromptPack(agent.prompts) : undefined;
  const httpOptions = {
    baseUrl: llm.base_url,
    temperature: llm.temperature ?? undefined,
    maxTokens: llm.max_tokens ?? undefined,
    timeoutS: llm.timeout_s,
    maxConcurrentRequests: llm.max_concurrent_requests,
    maxRetries: llm.max_retries,
    backoffBaseS: llm.backoff_base_s,
    backoffMaxS: llm.backoff_max_s,
    jitterS: llm.jitter_s,
    cacheEnabled: llm.cache_enabled,
    extraBody: requestExtraBody(llm),
    ...(context.cacheDbPath &&
      llm.cache_enabled &&
      modelKindOf(llm.model) === 'http' && { cache: prepareCache(context.cacheDbPath) }),
  };
  // Replays are per episode (each replays its own trace); every other model is shared by the agent's
  // episodes so that an endpoint's concurrency limit holds across them.
  const perEpisode = llm.model.startsWith('replay:');
  const created: Model | undefined = perEpisode ? undefined : createModel(llm.model, httpOptions);
  // An endpoint that is down stops the run (endpoint-outage.ts) instead of failing every episode.
  const watch =
    created?.kind === 'http'
      ? new EndpointOutageWatch(endpointOf(created), (error) => context.onFatal?.(error))
      : undefined;
  const shared = created && watch ? watch.watch(created) : created;
  // After the model: a bad model setting fails before any interpreter is started.
  // Warm processes only hide start-up latency between episodes, so a few suffice at any concurrency;
  // one per concurrent episode would double the interpreter memory of a large run (docs/performance.md).
  const poolSize = Math.min(context.concurrency ?? 1, MAX_WARM_INTERPRETERS[agent.backend]);
  const sandbox = context.sandboxes.get(agent.backend, poolSize);

  return {
    async run(job: EpisodeJob, caller: AbortSignal): Promise<EpisodeOutput> {
      const { signal, release } = watch
        ? eitherSignal(caller, watch.signal)
        : { signal: caller, release() {} };
      try {
        return await playEpisode(job, signal);
      } finally {
        release();
      }
    },
    // The sandbox is shut down by its owner (shared-sandboxes.ts), after the run or stage.
    async close() {},
  } satisfies AgentExecutor;

  async function playEpisode(job: EpisodeJob, signal: AbortSignal): Promise<EpisodeOutput> {
    const task = loadTask(job.task.file);
    const environment = createEnvironment(task);
    const model =
      shared ?? createModel(llm.model, { ...httpOptions, taskId: job.task.taskId, family: job.task.family });
    const session = await sandbox.openSession({
      mode: runtimeBase(agent.runtime) ?? 'persistent',
      runtime: agent.runtime,
      taskId: job.task.taskId,
      tools: environment.tools(),
      maxToolCalls: config.max_tool_calls ?? undefined,
      ...(agent.compat === 'reference' && { outputCap: null }),
    });
    const outcome = await runEpisode({
      environment,
      model,
      session,
      runtime: agent.runtime,
      maxTurns: config.max_turns,
      maxToolCalls: config.max_tool_calls ?? undefined,
      tokenBudget: agent.tokenBudget,
      maxContextTokens: agent.maxContextTokens,
      timeoutMs: config.timeout_s * 1000,
      requestOptions: {
        ...(llm.temperature !== null && { temperature: llm.temperature }),
        ...(llm.max_tokens !== null && { maxTokens: llm.max_tokens }),
      },
      globalsMessage: agent.globalsMessage,
      compat: agent.compat,
      prompts,
      signal,
    });
    const meta = {
      taskId: job.task.taskId,
      family: job.task.family,
      seed: typeof task.seed === 'number' ? task.seed : null,
      taskFile: job.task.file,
      agent: agent.name,
      backend: agent.backend,
    };
    return {
      status: outcome.status,
      aborted: outcome.aborted,
      result: buildResult(outcome, meta) as unknown as Record<string, unknown>,
      trace: buildTrace(outcome, meta) as unknown as Record<string, unknown>,
      totalTokens: outcome.tokenUsage.total_tokens,
      steps: outcome.steps,
    };
  }
};

/** The endpoint (or replicas) an HTTP model calls, for messages. */
function endpointOf(model: Model): string {
  const url = (model as { baseUrl?: unknown }).baseUrl;
  return typeof url === 'string' ? url : model.name;
}

/** A signal raised by either of two, with its listeners removed by `release` (episodes are many). */
function eitherSignal(a: AbortSignal, b: AbortSignal): { signal: AbortSignal; release: () => void } {
  const both = new AbortController();
  const onA = () => both.abort(a.reason);
  const onB = () => both.abort(b.reason);
  if (a.aborted) onA();
  else if (b.aborted) onB();
  a.addEventListener('abort', onA, { once: true });
  b.addEventListener('abort', onB, { once: true });
  return {
    signal: both.signal,
    release: () => {
      a.removeEventListener('abort', onA);
      b.removeEventListener('abort', onB);
    },
  };
}

function prepareCache(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  return path;
}
