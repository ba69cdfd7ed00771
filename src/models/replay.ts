// Replays the assistant turns of a recorded trace, in order, as if a model wrote them again.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseWith } from '../formats/json-file.js';
import { readTraceFile, stepEventDataSchema } from '../formats/trace.js';
import { InputError } from '../util/errors.js';
import type { ChatMessage, CompleteOptions, Completion, Model, TokenUsage } from './model.js';
import { estimatedUsage } from './usage.js';

interface RecordedTurn {
  text: string;
  usage?: TokenUsage;
}

/** Assistant turns of a trace file (`events[].type == "StepEvent"`, `data.assistant_text`). */
export function readRecordedTurns(path: string): RecordedTurn[] {
  const trace = readTraceFile(path);
  const turns: RecordedTurn[] = [];
  trace.events.forEach((event, i) => {
    if (event.type !== 'StepEvent') return;
    const field = `events[${i}].data`;
    const data = parseWith(stepEventDataSchema, event.data, path, field);
    const text = data.assistant_text;
    if (typeof text !== 'string')
      throw new InputError('StepEvent without a string assistant_text', path, `${field}.assistant_text`);
    const u = data.token_usage;
    const usage =
      u && typeof u.prompt_tokens === 'number' && typeof u.completion_tokens === 'number'
        ? {
            prompt_tokens: u.prompt_tokens,
            completion_tokens: u.completion_tokens,
            total_tokens:
              typeof u.total_tokens === 'number' ? u.total_tokens : u.prompt_tokens + u.completion_tokens,
          }
        : undefined;
    turns.push({ text, usage });
  });
  return turns;
}

function findFiles(dir: string, fileName: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findFiles(path, fileName, found);
    else if (entry === fileName) found.push(path);
  }
  return found;
}

/** The trace of one episode: the file itself, or `<family>-<taskId>.trace.json` somewhere under a run directory. */
export function resolveTracePath(source: string, episode?: { taskId?: string; family?: string }): string {
  if (!existsSync(source)) throw new InputError('replay source does not exist', source);
  if (!statSync(source).isDirectory()) return source;
  if (!episode?.taskId)
    throw new InputError('replaying a run directory needs the task id of the episode', source);
  const family = episode.family ?? episode.taskId.split('-')[0];
  const fileName = `${family}-${episode.taskId}.trace.json`;
  const found = findFiles(source, fileName).sort();
  if (found.length === 0) throw new InputError(`no trace named ${fileName} in the run directory`, source);
  if (found.length > 1)
    throw new InputError(
      `${found.length} traces named ${fileName} (several agents?); point replay at one agent's folder`,
      source,
    );
  return found[0] as string;
}

export class ReplayModel implements Model {
  readonly kind = 'replay' as const;
  readonly name: string;
  private readonly turns: RecordedTurn[];
  private next = 0;

  constructor(readonly tracePath: string) {
    this.name = `replay:${tracePath}`;
    this.turns = readRecordedTurns(tracePath);
  }

  /** Recorded turns not yet replayed. */
  get remaining(): number {
    return this.turns.length - this.next;
  }

  async complete(messages: ChatMessage[], _options?: CompleteOptions): Promise<Completion> {
    const turn = this.turns[this.next];
    if (!turn)
      throw new Error(
        `replay of ${this.tracePath} has no more assistant turns (${this.turns.length} recorded)`,
      );
    this.next += 1;
    return {
      text: turn.text,
      finishReason: 'stop',
      usage: turn.usage ?? estimatedUsage(messages, turn.text),
    };
  }
}
