/**
 * Experiment plans: a YAML file that describes a whole study as task sets, models and stages
 * (generate → teacher runs → export → external training → evaluation runs → report). See
 * docs/running.md, "Experiment plans", for the format.
 */

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import YAML from 'yaml';
import { parseWith } from '../formats/json-file.js';
import { runtimeModeSchema } from '../formats/runtime-mode.js';
import { FAMILY_NAMES, GLOBALS_MESSAGE_MODES, llmConfigSchema } from '../runner/config.js';
import { normalizeRuntime, parseRuntimeSpec, runtimeSlug } from '../runtime/spec.js';
import { InputError } from '../util/errors.js';
import { z } from '../util/zod.js';

const name = z
  .string()
  .min(1)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'use letters, digits, ".", "_" and "-" only (it becomes a folder name)',
  );
const family = z.enum(FAMILY_NAMES);
/** Any runtime spec (docs/runtimes.md), stored in its canonical spelling. */
const runtimeSpec = z
  .string()
  .superRefine((value, ctx) => {
    try {
      parseRuntimeSpec(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  })
  .transform((value) => normalizeRuntime(value));

/**
 * An `llm` mapping of the plan: the benchmark config's LLMConfig keys (temperature, max_tokens,
 * timeout_s, max_retries, …; the model name is the model's own `model`). Checked here, so that a
 * mistake names the plan's field, and kept as written: each condition fills in the defaults after
 * merging `defaults.llm` with the model's `llm`.
 */
const llmKeys = z.object(llmConfigSchema.shape).omit({ model: true }).partial().strict();
const llmSettings = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const checked = llmKeys.safeParse(value);
  if (!checked.success)
    for (const issue of checked.error.issues)
      ctx.addIssue({ code: 'custom', message: issue.message, path: [...issue.path] });
});

/** Agent settings shared by every condition (the AgentConfig keys of a benchmark config, minus name/model). */
const agentDefaultsSchema = z
  .object({
    max_turns: z.number().int().min(1).optional(),
    timeout_s: z.number().min(1).optional(),
    max_tool_calls: z.number().int().min(1).nullable().optional(),
    globals_message: z.enum(GLOBALS_MESSAGE_MODES).optional(),
    compat: z.enum(['default', 'reference']).optional(),
    prompts: z.string().min(1).optional(),
    token_budget: z.number().int().positive().optional(),
    max_context_tokens: z.number().int().positive().optional(),
    /** LLMConfig keys (temperature, max_tokens, timeout_s, max_retries, …). */
    llm: llmSettings.optional(),
  })
  .strict();

const taskSetSchema = z
  .object({
    /** Use an existing task folder. */
    dir: z.string().min(1).optional(),
    /** Or generate one: a generator config file (the reference's Settings JSON) and/or inline settings. */
    generate: z
      .object({
        config: z.string().min(1).optional(),
        settings: z.record(z.string(), z.unknown()).optional(),
        families: z.array(family).min(1).optional(),
        num_tasks: z.number().int().min(0).optional(),
        reference_global_seed: z.number().int().optional(),
      })
      .strict()
      .optional(),
    /** The first N tasks of each family. */
    limit: z.number().int().min(1).optional(),
    /** Difficulty label shown in tables (default: the task-set name). */
    label: z.string().min(1).optional(),
  })
  .strict()
  .refine((t) => (t.dir === undefined) !== (t.generate === undefined), {
    message: "give exactly one of 'dir' (an existing task folder) or 'generate'",
  });

const modelSchema = z
  .object({
    /** scripted-persistent, scripted-stateless, replay:<dir>, or a served model name. */
    model: z.string().min(1),
    /** One endpoint, or a list of replicas of the model. */
    base_url: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** The execution style the model was trained on (scripted policies: implied by the name). */
    policy_style: runtimeModeSchema.optional(),
    /** LLMConfig keys for this model, over `defaults.llm` (e.g. `max_retries`). */
    llm: llmSettings.optional(),
  })
  .strict();

const runStageSchema = z
  .object({
    name,
    kind: z.literal('run'),
    task_sets: z.array(z.string()).min(1),
    models: z.array(z.string()).min(1),
    runtimes: z
      .array(runtimeSpec)
      .min(1)
      .default(['persistent', 'stateless'])
      .refine((list) => new Set(list).size === list.length, 'a runtime is listed twice'),
    families: z.array(family).min(1).optional(),
  })
  .strict();

const exportStageSchema = z
  .object({
    name,
    kind: z.literal('export'),
    /** A run stage: one JSONL per (model, runtime) of it. */
    from: z.string(),
    compat: z.enum(['default', 'reference']).optional(),
    format: z.enum(['messages', 'sharegpt']).optional(),
    solved_only: z.boolean().optional(),
  })
  .strict();

const externalStageSchema = z
  .object({
    name,
    kind: z.literal('external'),
    /** What to do outside (printed verbatim, with the stage's inputs and marker file). */
    instructions: z.string().min(1),
    /**
     * A script doing that work (relative to the plan), submitted as a Slurm job by
     * `--executor slurm`; the stage is done when it exits 0.
     */
    script: z.string().min(1).optional(),
  })
  .strict();

const reportStageSchema = z
  .object({
    name,
    kind: z.literal('report'),
    from: z.array(z.string()).min(1),
  })
  .strict();

const stageSchema = z.discriminatedUnion('kind', [
  runStageSchema,
  exportStageSchema,
  externalStageSchema,
  reportStageSchema,
]);

export const planSchema = z
  .object({
    name: name.default('experiment'),
    description: z.string().optional(),
    /** Output root (relative to the working directory); `--out` overrides it. */
    out: z.string().min(1).optional(),
    concurrency: z.number().int().min(1).default(2),
    backend: z.enum(['pyodide', 'cpython']).optional(),
    defaults: agentDefaultsSchema.default({}),
    task_sets: z.record(name, taskSetSchema),
    models: z.record(name, modelSchema),
    stages: z.array(stageSchema).min(1),
  })
  .strict()
  .superRefine((plan, ctx) => {
    const seen = new Map<string, string>();
    plan.stages.forEach((stage, i) => {
      const at = (field: string) => ['stages', i, field];
      if (seen.has(stage.name))
        ctx.addIssue({ code: 'custom', message: `duplicate stage name '${stage.name}'`, path: at('name') });
      if (stage.kind === 'run') {
        for (const t of stage.task_sets)
          if (!plan.task_sets[t])
            ctx.addIssue({ code: 'custom', message: `unknown task set '${t}'`, path: at('task_sets') });
        for (const m of stage.models)
          if (!plan.models[m])
            ctx.addIssue({ code: 'custom', message: `unknown model '${m}'`, path: at('models') });
      }
      const sources = stage.kind === 'export' ? [stage.from] : stage.kind === 'report' ? stage.from : [];
      for (const source of sources)
        if (seen.get(source) !== 'run')
          ctx.addIssue({
            code: 'custom',
            message: `'${source}' is not an earlier run stage`,
            path: at('from'),
          });
      seen.set(stage.name, stage.kind);
    });
  });

export type Plan = z.infer<typeof planSchema>;
export type Stage = Plan['stages'][number];
export type RunStage = z.infer<typeof runStageSchema>;
export type ExportStage = z.infer<typeof exportStageSchema>;
export type ExternalStage = z.infer<typeof externalStageSchema>;
export type ReportStage = z.infer<typeof reportStageSchema>;
export type TaskSetSpec = z.infer<typeof taskSetSchema>;
export type ModelSpec = z.infer<typeof modelSchema>;

export interface LoadedPlan {
  plan: Plan;
  /** Folder against which the plan's relative file paths (configs, task dirs, prompts) resolve. */
  baseDir: string;
  file: string;
}

export function parsePlan(text: string, file: string): Plan {
  let payload: unknown;
  try {
    payload = YAML.parse(text);
  } catch (err) {
    throw new InputError(`not valid YAML: ${(err as Error).message}`, file);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    throw new InputError('an experiment plan must be a YAML mapping', file);
  return parseWith(planSchema, payload, file);
}

export function loadPlan(file: string): LoadedPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read plan: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, file);
  }
  return { plan: parsePlan(text, file), baseDir: dirname(resolve(file)), file };
}

/** A path written in a plan, resolved against the plan's folder. */
export function planPath(loaded: Pick<LoadedPlan, 'baseDir'>, path: string): string {
  return isAbsolute(path) ? path : resolve(loaded.baseDir, path);
}

/** The run folder name of a condition, as the paper's released benchmark names them: `{model}_{runtime}_{task set}`. */
export function conditionName(model: string, runtime: string, taskSet: string): string {
  return `${model}_${runtimeSlug(runtime)}_${taskSet}`;
}
