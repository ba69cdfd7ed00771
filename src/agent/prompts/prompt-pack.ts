// Prompt packs: the texts of the agent's message stack, kept out of the code so that a user can
// supply the exact texts a policy was trained with (format: docs/prompts.md).
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';
import type { TaskFamily } from '../../tasks/environment.js';
import { formatFieldPath, InputError } from '../../util/errors.js';

const goalTemplates = z
  .object({
    knapsack: z.string().optional(),
    navigation: z.string().optional(),
    rule_diagnosis: z.string().optional(),
  })
  .strict();

const promptPackSchema = z
  .object({
    system: z.string(),
    runtime_persistent: z.string(),
    runtime_stateless: z.string(),
    /** Absent, null or empty: no few-shot message in that mode (the reference's stateless stack). */
    few_shot_persistent: z.string().nullish(),
    few_shot_stateless: z.string().nullish(),
    /** Goal-prompt templates per family with `{placeholder}` fields; absent: the environment's own. */
    goal: goalTemplates.nullish(),
  })
  .strict();

export type PromptPackFields = z.infer<typeof promptPackSchema>;

export interface PromptPack {
  system: string;
  runtime_persistent: string;
  runtime_stateless: string;
  few_shot_persistent: string | null;
  few_shot_stateless: string | null;
  goal: Partial<Record<TaskFamily, string>>;
  /** Where the pack came from ('default' or a file path), for error messages and run metadata. */
  source: string;
}

/** Validates a parsed pack; `source` names the file in errors. */
export function parsePromptPack(value: unknown, source: string): PromptPack {
  const parsed = promptPackSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = formatFieldPath(issue.path) || undefined;
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')} (expected system, runtime_persistent, runtime_stateless, few_shot_persistent, few_shot_stateless, goal)`
        : issue.message;
    throw new InputError(`invalid prompt pack: ${message}`, source, field);
  }
  const fields = parsed.data;
  const goal: Partial<Record<TaskFamily, string>> = {};
  for (const [family, template] of Object.entries(fields.goal ?? {})) {
    if (template !== undefined) goal[family as TaskFamily] = template;
  }
  return {
    system: fields.system,
    runtime_persistent: fields.runtime_persistent,
    runtime_stateless: fields.runtime_stateless,
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
