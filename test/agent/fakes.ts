// Test doubles for the agent loop: a model that plays back canned replies and an interpreter
// session whose step results a test decides. Neither is a real model or sandbox.
import type { ChatMessage, CompleteOptions, Completion, Model, TokenUsage } from '../../src/models/model.js';
import type { InterpreterSession, RuntimeMode, StepResult } from '../../src/sandbox/interpreter.js';
import type { Environment, TaskResult } from '../../src/tasks/environment.js';
import type { Tool } from '../../src/tasks/tool.js';

/** One canned reply: a text (finish reason 'stop'), a full completion, an error to throw, or 'hang'. */
export type CannedReply = string | Completion | { throws: unknown } | 'hang';

export function usage(prompt: number, completion: number): TokenUsage {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Test double of a Model: returns the canned replies in order, recording every request. */
export class CannedModel implements Model {
  readonly name = 'canned-test-model';
  readonly kind = 'scripted' as const;
  readonly requests: ChatMessage[][] = [];
  readonly options: (CompleteOptions | undefined)[] = [];
  private next = 0;

  constructor(private readonly replies: CannedReply[]) {}

  complete(messages: ChatMessage[], options?: CompleteOptions): Promise<Completion> {
    this.requests.push(messages.map((m) => ({ ...m })));
    this.options.push(options);
    const reply = this.replies[this.next++];
    if (reply === undefined)
      return Promise.resolve({ text: 'no more replies', finishReason: 'stop', usage: usage(1, 1) });
    if (reply === 'hang') {
      return new Promise((_, reject) => {
        options?.signal?.addEventListener('abort', () => reject(new Error('aborted by the episode')));
      });
    }
    if (typeof reply === 'string')
      return Promise.resolve({ text: reply, finishReason: 'stop', usage: usage(10, 5) });
    if ('throws' in reply) return Promise.reject(reply.throws);
    return Promise.resolve(reply);
  }
}

/** What a fake step returns; unset fields get neutral values. */
export type FakeStep = Partial<StepResult> | 'hang' | { throws: unknown };

/** Test double of an InterpreterSession: answers steps with a function of the code. */
export class FakeSession implements InterpreterSession {
  readonly codes: string[] = [];
  closed = 0;

  constructor(
    readonly mode: RuntimeMode,
    private readonly answer: (code: string, index: number) => FakeStep = () => ({}),
  ) {}

  step(code: string): Promise<StepResult> {
    this.codes.push(code);
    const partial = this.answer(code, this.codes.length - 1);
    if (partial === 'hang') return new Promise(() => {});
    if ('throws' in partial) return Promise.reject(partial.throws);
    return Promise.resolve({
      success: true,
      result: null,
      output: '',
      error: null,
      error_type: null,
      globals: {},
      duration_ms: 3,
      tool_calls: [],
      incidents: [],
      ...partial,
    });
  }

  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}

/** Test double of an Environment with one tool and finish(); `finished` is set by the test. */
export class FakeEnvironment implements Environment {
  readonly family = 'knapsack' as const;
  finished = false;
  evaluations = 0;

  constructor(private readonly values: Record<string, string | number> = { capacity: 42 }) {}

  tools(): Tool[] {
    return [
      {
        name: 'probe',
        doc: 'Probe something.',
        params: [{ name: 'item_id', type: 'str', doc: 'what to probe', required: true }],
        returns: 'str',
        call: () => 'probed',
      },
      {
        name: 'finish',
        doc: 'Call when the task execution is finished',
        params: [],
        returns: 'None',
        call: () => {
          this.finished = true;
          return null;
        },
      },
    ];
  }

  goalPrompt(): string {
    return 'GOAL: do the thing';
  }

  goalPromptValues(): Record<string, string | number> {
    return this.values;
  }

  evaluate(): TaskResult {
    this.evaluations++;
    return {
      is_solved: this.finished,
      score: this.finished ? 1 : 0.5,
      metrics: { agent_value: 3, capacity: 42 },
    };
  }
}

/** A session whose steps set the environment's finish flag when the code calls finish(). */
export function finishingSession(
  mode: RuntimeMode,
  env: FakeEnvironment,
  answer?: (code: string) => Partial<StepResult>,
) {
  return new FakeSession(mode, (code) => {
    if (code.includes('finish()')) env.finished = true;
    return answer?.(code) ?? {};
  });
}

export const fence = (code: string, tag = 'python') => `\`\`\`${tag}\n${code}\n\`\`\``;
