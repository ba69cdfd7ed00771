// Plays a scripted policy on a task file through the product's agent loop (runEpisode) and the real
// sandbox (cpython backend), and lists what the policy wrote and saw, step by step.
import type { TestContext } from 'node:test';
import type { EpisodeOutcome } from '../../../src/agent/episode-types.js';
import { runEpisode } from '../../../src/agent/run-episode.js';
import type { PolicyName } from '../../../src/models/scripted/policy.js';
import { ScriptedPolicy } from '../../../src/models/scripted/policy.js';
import {
  cpythonAvailable,
  createSandbox,
  type RuntimeMode,
  type Sandbox,
} from '../../../src/sandbox/index.js';
import { createEnvironment, loadTask } from '../../../src/tasks/index.js';
import { requireSystemDep } from '../../helpers/system-deps.js';

export interface StepSeen {
  code: string | null;
  success: boolean;
  output: string;
  error: string | null;
}

export interface PlayedEpisode {
  outcome: EpisodeOutcome;
  /** The policy's replies, in order. */
  replies: string[];
  /** One entry per step: the code block run and the interpreter's observation of it. */
  steps: StepSeen[];
}

export const MAX_TOOL_CALLS = 25;

/**
 * One sandbox for a test file, started on first use (so a machine without python3 starts nothing);
 * episodes are cached by policy, task and runtime, since several tests read the same episode.
 */
export class ScriptedEpisodes {
  private sandbox: Sandbox | undefined;
  private readonly played = new Map<string, Promise<PlayedEpisode>>();

  /** Whether python3 (the cpython backend) is here; a loud skip otherwise. */
  available(t: TestContext): boolean {
    return requireSystemDep(t, 'python3', cpythonAvailable());
  }

  play(policy: PolicyName, taskPath: string, runtime: RuntimeMode): Promise<PlayedEpisode> {
    const key = `${policy}|${taskPath}|${runtime}`;
    let episode = this.played.get(key);
    if (!episode) {
      episode = this.playOnce(policy, taskPath, runtime);
      this.played.set(key, episode);
    }
    return episode;
  }

  private async playOnce(policy: PolicyName, taskPath: string, runtime: RuntimeMode): Promise<PlayedEpisode> {
    // The policies' code is ours and trusted: interpreters are reset and reused between episodes.
    this.sandbox ??= createSandbox({ backend: 'cpython', poolSize: 1, recycle: 'namespace' });
    const environment = createEnvironment(loadTask(taskPath));
    const session = await this.sandbox.openSession({
      mode: runtime,
      tools: environment.tools(),
      maxToolCalls: MAX_TOOL_CALLS,
    });
    const outcome = await runEpisode({
      environment,
      model: new ScriptedPolicy(policy),
      session,
      runtime,
      maxToolCalls: MAX_TOOL_CALLS,
      maxTurns: 40,
    });
    const steps: StepSeen[] = [];
    for (const event of outcome.events) {
      if (event.type !== 'StepEvent') continue;
      const seen = event.data.interpreter_result;
      if (seen && 'success' in seen)
        steps.push({ code: event.data.code, success: seen.success, output: seen.output, error: seen.error });
      else
        steps.push({
          code: event.data.code,
          success: false,
          output: '',
          error: seen?.error ?? 'no code block',
        });
    }
    const replies = outcome.messages.filter((m) => m.role === 'assistant').map((m) => m.content);
    return { outcome, replies, steps };
  }

  async shutdown(): Promise<void> {
    await this.sandbox?.shutdown();
    this.sandbox = undefined;
  }
}
