// The task generator's settings file: the reference's pydantic `Settings` (reference-behavior.md
// §1.7), accepted unchanged from its JSON config files (a reference format: no version tag). Unknown
// keys are dropped (pydantic ignores them), missing ones take the reference's defaults, and wrong
// types are rejected with the field path. Written back inside the task set's manifest.

import { pyFloat } from '../python/json.js';
import { z } from '../util/zod.js';
import { parseWith, readJsonFile } from './json-file.js';

const int = z.number().int();
const intPair = z.tuple([int, int]);
const floatPair = z.tuple([z.number(), z.number()]);

function addIssue(ctx: z.RefinementCtx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

const llmSchema = z
  .object({
    model: z.string().default('gpt-4o-mini'),
    temperature: z.number().nullable().default(null),
    max_tokens: int.nullable().default(null),
    timeout_s: z.number().min(1).default(60),
    max_concurrent_requests: int.min(1).default(8),
    max_retries: int.min(0).default(6),
    backoff_base_s: z.number().min(0).default(0.5),
    backoff_max_s: z.number().min(0).default(30),
    jitter_s: z.number().min(0).default(0.2),
    cache_enabled: z.boolean().default(true),
  })
  .superRefine((llm, ctx) => {
    if (llm.backoff_max_s < llm.backoff_base_s)
      addIssue(ctx, ['backoff_max_s'], 'backoff_max_s must be >= backoff_base_s');
  });

function checkRange(
  ctx: z.RefinementCtx,
  name: string,
  [lo, hi]: readonly [number, number],
  loMin: number,
  loInclusive: boolean,
): void {
  const loOk = loInclusive ? lo >= loMin : lo > loMin;
  if (!loOk || hi < lo)
    addIssue(ctx, [name], `${name} must be (lo${loInclusive ? '>=' : '>'}${loMin}, hi>=lo)`);
}

const knapsackSchema = z
  .object({
    num_tasks: int.min(0).default(100),
    n_items_range: intPair.default([10, 30]),
    weight_range: intPair.default([1, 20]),
    value_range: intPair.default([1, 50]),
    classes: z.array(z.string()).default(['A', 'B', 'C']),
    num_allowed_classes: int.default(10),
    capacity_ratio_range: floatPair.default([0.35, 0.6]),
    force_nonempty_optimum: z.boolean().default(true),
  })
  .superRefine((k, ctx) => {
    checkRange(ctx, 'n_items_range', k.n_items_range, 0, false);
    checkRange(ctx, 'weight_range', k.weight_range, 0, false);
    checkRange(ctx, 'value_range', k.value_range, 0, false);
    const [clo, chi] = k.capacity_ratio_range;
    if (!(clo > 0 && clo <= chi && chi <= 1))
      addIssue(ctx, ['capacity_ratio_range'], 'capacity_ratio_range must be within (0,1]');
    if (k.classes.length === 0) addIssue(ctx, ['classes'], 'classes must be non-empty');
  });

const navigationSchema = z
  .object({
    num_tasks: int.min(0).default(100),
    horizon_range: intPair.default([8, 25]),
    extra_nodes_range: intPair.default([0, 15]),
    extra_edge_factor_range: floatPair.default([0.1, 0.35]),
    max_steps_multiplier: z.number().default(3),
  })
  .superRefine((n, ctx) => {
    checkRange(ctx, 'horizon_range', n.horizon_range, 0, false);
    checkRange(ctx, 'extra_nodes_range', n.extra_nodes_range, 0, true);
    const [lo, hi] = n.extra_edge_factor_range;
    if (!(lo >= 0 && lo <= hi && hi <= 1))
      addIssue(ctx, ['extra_edge_factor_range'], 'extra_edge_factor_range must be within [0,1]');
  });

const ruleSchema = z
  .object({
    num_tasks: int.min(0).default(100),
    families: z.array(z.enum(['linear_int', 'affine_mod'])).default(['linear_int', 'affine_mod']),
    linear_a_range: intPair.default([-7, 7]),
    linear_b_range: intPair.default([-20, 20]),
    mod_m_choices: z.array(int).default([5, 7, 11, 13, 17, 19]),
    mod_a_range: intPair.default([1, 18]),
    mod_b_range: intPair.default([0, 18]),
    probe_budget_range: intPair.default([3, 10]),
  })
  .superRefine((r, ctx) => {
    if (r.families.length === 0) addIssue(ctx, ['families'], 'families must be non-empty');
    checkRange(ctx, 'probe_budget_range', r.probe_budget_range, 0, false);
    if (r.mod_m_choices.length === 0) addIssue(ctx, ['mod_m_choices'], 'mod_m_choices must be non-empty');
  });

export const settingsSchema = z.object({
  out_dir: z.string().default('out'),
  run_name: z.string().default('run'),
  seed_start: int.default(0),
  llm_enabled: z.boolean().default(false),
  max_workers: int.min(1).default(16),
  llm: llmSchema.default(() => llmSchema.parse({})),
  knapsack: knapsackSchema.default(() => knapsackSchema.parse({})),
  navigation: navigationSchema.default(() => navigationSchema.parse({})),
  rule_diagnosis: ruleSchema.default(() => ruleSchema.parse({})),
  cache_db_path: z.string().nullable().default('cache/llm_cache.sqlite'),
});

export type Settings = z.infer<typeof settingsSchema>;
export type KnapsackConfig = Settings['knapsack'];
export type NavigationConfig = Settings['navigation'];
export type RuleDiagnosisConfig = Settings['rule_diagnosis'];

/** Validates a parsed config object. Throws InputError naming `file` and the field path. */
export function parseSettings(json: unknown, file?: string): Settings {
  return parseWith(settingsSchema, json, file);
}

/** Reads and validates a generator config file. */
export function readSettings(file: string): Settings {
  return readJsonFile(settingsSchema, file);
}

/**
 * `Settings.model_dump(mode="json")`: every field with its default, float-typed fields marked as
 * Python floats so that `60` prints `60.0` as the reference's manifest does.
 */
export function dumpSettings(s: Settings): Record<string, unknown> {
  const f = (x: number) => pyFloat(x);
  const fPair = (p: readonly [number, number]) => [f(p[0]), f(p[1])];
  return {
    out_dir: s.out_dir,
    run_name: s.run_name,
    seed_start: s.seed_start,
    llm_enabled: s.llm_enabled,
    max_workers: s.max_workers,
    llm: {
      ...s.llm,
      temperature: s.llm.temperature === null ? null : f(s.llm.temperature),
      timeout_s: f(s.llm.timeout_s),
      backoff_base_s: f(s.llm.backoff_base_s),
      backoff_max_s: f(s.llm.backoff_max_s),
      jitter_s: f(s.llm.jitter_s),
    },
    knapsack: { ...s.knapsack, capacity_ratio_range: fPair(s.knapsack.capacity_ratio_range) },
    navigation: {
      ...s.navigation,
      extra_edge_factor_range: fPair(s.navigation.extra_edge_factor_range),
      max_steps_multiplier: f(s.navigation.max_steps_multiplier),
    },
    rule_diagnosis: { ...s.rule_diagnosis },
    cache_db_path: s.cache_db_path,
  };
}
