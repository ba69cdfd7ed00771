// Prompt packs: the texts of the agent's message stack, kept out of the code so that a user can
// supply the exact texts a policy was trained with (format: docs/prompts.md).
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { TaskFamily } from '../../tasks/environment.js';
import { InputError, validationError } from '../../util/errors.js';
import { z } from '../../util/zod.js';

/** Names the fields a strict object knows when it meets one it does not (a typo, most often). */
function unknownFieldsMessage(known: readonly string[]) {
  return (issue: { code?: string; keys?: readonly string[] }) =>
    issue.code === 'unrecognized_keys'
      ? `unknown field(s) ${(issue.keys ?? []).map((k) => `'${k}'`).join(', ')} (expected ${known.join(', ')})`
      : undefined;
}

const goalTemplates = z.strictObject(
  {
    knapsack: z.string().optional(),
    navigation: z.string().optional(),
    rule_diagnosis: z.string().optional(),
  },
  { error: unknownFieldsMessage(['knapsack', 'navigation', 'rule_diagnosis']) },
);

const PACK_FIELDS = [
  'system',
  'runtime_persistent',
  'runtime_stateless',
  'tool_limit_note',
  'few_shot_persistent',
  'few_shot_stateless',
  'goal',
] as const;

const promptPackSchema = z.strictObject(
  {
    system: z.string(),
    runtime_persistent: z.string(),
    runtime_stateless: z.string(),
    /** Appended to the tool list after its tool-call limit sentence; absent: nothing is added. */
    tool_limit_note: z.string().nullish(),
    /** Absent, null or empty: no few-shot message in that mode (the reference's stateless stack). */
    few_shot_persistent: z.string().nullish(),
    few_shot_stateless: z.string().nullish(),
    /** Goal-prompt templates per family with `{placeholder}` fields; absent: the environment's own. */
    goal: goalTemplates.nullish(),
  },
  { error: unknownFieldsMessage(PACK_FIELDS) },
);

export type PromptPackFields = z.infer<typeof promptPackSchema>;

export interface PromptPack {
  system: string;
  runtime_persistent: string;
  runtime_stateless: string;
  tool_limit_note: string | null;
  few_shot_persistent: string | null;
  few_shot_stateless: string | null;
  goal: Partial<Record<TaskFamily, string>>;
  /** Where the pack came from ('default' or a file path), for error messages and run metadata. */
  source: string;
}

/** Validates a parsed pack; `source` names the file in errors. */
export function parsePromptPack(value: unknown, source: string): PromptPack {
  const parsed = promptPackSchema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, source, '', 'invalid prompt pack');
  const fields = parsed.data;
  const goal: Partial<Record<TaskFamily, string>> = {};
  for (const [family, template] of Object.entries(fields.goal ?? {})) {
    if (template !== undefined) goal[family as TaskFamily] = template;
  }
  return {
    system: fields.system,
    runtime_persistent: fields.runtime_persistent,
    runtime_stateless: fields.runtime_stateless,
    tool_limit_note: fields.tool_limit_note || null,
    few_shot_persistent: fields.few_shot_persistent || null,
    few_shot_stateless: fields.few_shot_stateless || null,
    goal,
    source,
  };
}

/** Reads a prompt pack from a JSON (.json) or YAML (anything else) file. */
export function loadPromptPack(file: string): PromptPack {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read prompt pack: ${(err as Error).message}`, file);
  }
  let value: unknown;
  try {
    value = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new InputError(
      `prompt pack is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
      file,
    );
  }
  return parsePromptPack(value, file);
}

let defaultPack: PromptPack | undefined;

/** The built-in pack (src/agent/prompts/default.yaml, copied beside the compiled code). */
export function defaultPromptPack(): PromptPack {
  if (!defaultPack) {
    const file = fileURLToPath(new URL('./default.yaml', import.meta.url));
    defaultPack = { ...loadPromptPack(file), source: 'default' };
  }
  return defaultPack;
}

/**
 * Fills a goal template the way Python's `str.format` does for simple fields: `{name}` is replaced,
 * `{{` and `}}` are literal braces. A field the environment does not provide is an input error.
 */
export function renderGoalTemplate(
  template: string,
  values: Readonly<Record<string, string | number>>,
  source: string,
  field: string,
): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, name: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const key = (name ?? '').trim();
    if (!Object.hasOwn(values, key)) {
      const known = Object.keys(values);
      throw new InputError(
        `unknown placeholder {${key}}; this task provides ${known.length ? known.map((k) => `{${k}}`).join(', ') : 'no placeholders'}`,
        source,
        field,
      );
    }
    return String(values[key]);
  });
}
