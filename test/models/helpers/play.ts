// Plays a scripted policy through a simplified CodeAct loop (the agent's message protocol:
// system tool list, goal prompt, observations, the transient globals message in persistent mode).

import type { ChatMessage, Model } from '../../../src/models/model.js';
import { pyJsonDumps } from '../../../src/python/json.js';
import type { TaskResult } from '../../../src/tasks/environment.js';
import { createEnvironment, loadTask, renderToolPrompt } from '../../../src/tasks/index.js';
import { TinyPython } from './tiny-python.js';

export interface PlayedEpisode {
  result: TaskResult;
  replies: string[];
  observations: { success: boolean; output: string; error: string | null }[];
  turns: number;
  inspectCalls: number;
}

const FENCE = /```[a-zA-Z0-9_+-]*\n(.*?)```/gs;

/** Something that writes turns: a Model, or a scripted policy's pure `reply` (no token counting, faster). */
export type Writer = Model | { reply(messages: readonly ChatMessage[]): string };

async function write(writer: Writer, messages: ChatMessage[]): Promise<string> {
  return 'reply' in writer ? writer.reply(messages) : (await writer.complete(messages)).text;
}

export async function playEpisode(
  model: Writer,
  taskPath: string,
  runtime: 'persistent' | 'stateless',
  options: { maxToolCalls?: number; maxTurns?: number } = {},
): Promise<PlayedEpisode> {
  const env = createEnvironment(loadTask(taskPath));
  const tools = env.tools();
  const python = new TinyPython(runtime, tools, options.maxToolCalls);
  const history: ChatMessage[] = [
    { role: 'system', content: `Runtime: ${runtime}` },
    { role: 'system', content: renderToolPrompt(tools, options.maxToolCalls) },
    { role: 'user', content: env.goalPrompt() },
  ];
  const replies: string[] = [];
  const observations: PlayedEpisode['observations'] = [];
  let globals: string[] = [];
  let turns = 0;
  try {
    for (; turns < (options.maxTurns ?? 40) && !env.finished; turns++) {
      const request =
        runtime === 'persistent'
          ? [
              ...history,
              { role: 'user' as const, content: `Python interpreter globals: ${JSON.stringify(globals)}` },
            ]
          : history;
      const text = await write(model, request);
      replies.push(text);
      history.push({ role: 'assistant', content: text });
      const blocks = [...text.matchAll(FENCE)].map((m) => (m[1] as string).trim());
      if (blocks.length !== 1) throw new Error(`expected one code block, got ${blocks.length}`);
      const step = await python.step(blocks[0] as string);
      globals = step.globals;
      const observation = { success: step.success, output: step.output, error: step.error };
      observations.push(observation);
      history.push({
        role: 'user',
        content: pyJsonDumps({ success: step.success, result: null, output: step.output, error: step.error }),
      });
    }
  } finally {
    python.close();
  }
  const inspectCalls = replies.join('\n').split('inspect(').length - 1;
  return { result: env.evaluate(), replies, observations, turns, inspectCalls };
}
