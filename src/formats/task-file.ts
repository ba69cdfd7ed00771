// A task file (`tasks/<family>/<task_id>.json`): the reference's layout (reference-behavior.md
// §1.8), written by `alr tasks generate` and read by every run. A reference format: no version tag
// of ours; its own `schema_version` is kept as written. Unknown extra fields are kept, so a file
// written by a newer generator still loads; the released-dataset variant of knapsack tasks is
// mapped onto the reference layout on reading.

import { pyJsonDumps } from '../python/json.js';
import { solveKnapsack } from '../tasks/knapsack/solver.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { InputError } from '../util/errors.js';
import { isRecord } from '../util/is-record.js';
import { z } from '../util/zod.js';
import { parseWith, readJsonFile } from './json-file.js';

export const TASK_SCHEMA_VERSION = 'pythonformer.task.v1';

const int = z.number().int();
const nonNegativeInt = int.min(0);
const common = {
  seed: int,
  difficulty: z.record(z.string(), z.unknown()).default({}),
  schema_version: z.string().default(TASK_SCHEMA_VERSION),
  task_id: z.string().nullish(),
  run_name: z.string().nullish(),
  generated_at: z.string().nullish(),
  nl: z.unknown().optional(),
};

const knapsackItem = z.looseObject({
  class: z.string(),
  value: nonNegativeInt,
  weight: nonNegativeInt,
});

export const knapsackTaskSchema = z
  .looseObject({
    ...common,
    family: z.literal('knapsack'),
    public: z.looseObject({
      item_ids: z.array(z.string()),
      capacity: nonNegativeInt,
      allowed_classes: z.array(z.string()),
      inspect_budget: nonNegativeInt,
    }),
    private: z.looseObject({ items: z.record(z.string(), knapsackItem) }),
    reference: z.looseObject({
      optimal_item_ids: z.array(z.string()),
      optimal_value: nonNegativeInt,
      optimal_weight: nonNegativeInt,
    }),
  })
  .superRefine((task, ctx) => {
    const items = task.private.items;
    task.public.item_ids.forEach((id, i) => {
      if (!(id in items))
        ctx.addIssue({
          code: 'custom',
          path: ['public', 'item_ids', i],
          message: `item id '${id}' is not in private.items`,
        });
    });
    task.reference.optimal_item_ids.forEach((id, i) => {
      if (!(id in items))
        ctx.addIssue({
          code: 'custom',
          path: ['reference', 'optimal_item_ids', i],
          message: `item id '${id}' is not in private.items`,
        });
    });
  });

const nodeList = z.array(z.string());

export const navigationTaskSchema = z
  .looseObject({
    ...common,
    family: z.literal('navigation'),
    public: z.looseObject({
      start_node: z.string(),
      goal_node: z.string(),
      max_steps: nonNegativeInt,
      notes: z.string().nullish(),
    }),
    private: z.looseObject({
      adjacency: z.record(z.string(), nodeList),
      layer: z.record(z.string(), int),
      one_shortest_path: nodeList,
    }),
    reference: z.looseObject({ shortest_path_length: nonNegativeInt, one_shortest_path: nodeList }),
  })
  .superRefine((task, ctx) => {
    const adjacency = task.private.adjacency;
    for (const key of ['start_node', 'goal_node'] as const) {
      if (!(task.public[key] in adjacency))
        ctx.addIssue({
          code: 'custom',
          path: ['public', key],
          message: `node '${task.public[key]}' is not in private.adjacency`,
        });
    }
    for (const [node, neighbors] of Object.entries(adjacency)) {
      neighbors.forEach((n, i) => {
        if (!(n in adjacency))
          ctx.addIssue({
            code: 'custom',
            path: ['private', 'adjacency', node, i],
            message: `neighbor '${n}' is not a node of private.adjacency`,
          });
      });
    }
  });

const ruleParams = z
  .looseObject({ family: z.string(), a: int, b: int, m: int.optional() })
  .superRefine((p, ctx) => {
    if (p.family !== 'linear_int' && p.family !== 'affine_mod')
      ctx.addIssue({
        code: 'custom',
        path: ['family'],
        message: `unknown rule family '${p.family}' (expected linear_int or affine_mod)`,
      });
    if (p.family === 'affine_mod' && (p.m === undefined || p.m === 0))
      ctx.addIssue({ code: 'custom', path: ['m'], message: 'affine_mod needs a non-zero modulus m' });
  });

export const ruleDiagnosisTaskSchema = z.looseObject({
  ...common,
  family: z.literal('rule_diagnosis'),
  public: z.looseObject({
    probe_budget: nonNegativeInt,
    family_hint: z.string().nullish(),
    x_domain: z.record(z.string(), z.unknown()),
    notes: z.string().nullish(),
  }),
  private: z.looseObject({ params: ruleParams }),
  reference: z.looseObject({ params: ruleParams }),
});

const schemas = {
  knapsack: knapsackTaskSchema,
  navigation: navigationTaskSchema,
  rule_diagnosis: ruleDiagnosisTaskSchema,
} as const;

export type KnapsackTask = z.infer<typeof knapsackTaskSchema>;
export type KnapsackItem = z.infer<typeof knapsackItem>;
export type NavigationTask = z.infer<typeof navigationTaskSchema>;
export type RuleDiagnosisTask = z.infer<typeof ruleDiagnosisTaskSchema>;
export type RuleParams = z.infer<typeof ruleParams>;
/** One task of any family, as read from its file. */
export type TaskFile = KnapsackTask | NavigationTask | RuleDiagnosisTask;

/**
 * Maps the released-dataset variant of a knapsack task onto the reference layout:
 * `public.budget` → `inspect_budget`, `public.valid_classes` → `allowed_classes`, a missing
 * `item_ids` → the sorted keys of `private.items`, and a missing `reference` → the exact optimum
 * over the allowed items. Returns a new object; other families pass through unchanged.
 */
export function normalizeReleasedVariant(raw: unknown): unknown {
  if (!isRecord(raw) || raw.family !== 'knapsack') return raw;
  const task: Record<string, unknown> = { ...raw };
  if (isRecord(task.public)) {
    const pub: Record<string, unknown> = { ...task.public };
    if (pub.inspect_budget === undefined && pub.budget !== undefined) pub.inspect_budget = pub.budget;
    if (pub.allowed_classes === undefined && pub.valid_classes !== undefined)
      pub.allowed_classes = pub.valid_classes;
    const items = isRecord(task.private) ? task.private.items : undefined;
    if (pub.item_ids === undefined && isRecord(items)) pub.item_ids = Object.keys(items).sort();
    task.public = pub;
  }
  return task;
}

/** Fills a missing knapsack `reference` with the exact optimum (the released files may omit it). */
export function completeKnapsackReference(raw: unknown): unknown {
  if (!isRecord(raw) || raw.family !== 'knapsack' || raw.reference !== undefined) return raw;
  const pub = raw.public;
  const priv = raw.private;
  if (!isRecord(pub) || !isRecord(priv) || !isRecord(priv.items)) return raw;
  const { capacity, allowed_classes: allowed, item_ids: ids } = pub;
  if (!Number.isSafeInteger(capacity) || (capacity as number) < 0) return raw;
  if (!Array.isArray(allowed) || !Array.isArray(ids)) return raw;
  const items = priv.items as Record<string, unknown>;
  const candidates = [];
  for (const id of ids) {
    const item = items[id as string];
    if (!isRecord(item) || !Number.isSafeInteger(item.weight) || !Number.isSafeInteger(item.value))
      return raw;
    if (allowed.length === 0 || allowed.includes(item.class))
      candidates.push({ id: id as string, weight: item.weight as number, value: item.value as number });
  }
  if (candidates.some((c) => c.weight < 0 || c.value < 0)) return raw;
  const best = solveKnapsack(candidates, capacity as number);
  return {
    ...raw,
    reference: { optimal_item_ids: best.itemIds, optimal_value: best.value, optimal_weight: best.weight },
  };
}

/**
 * Validates a parsed task file (the reference layout or the released-dataset variant, see
 * `normalizeReleasedVariant`); a failure is an InputError naming `file` and the field.
 */
export function parseTaskFile(value: unknown, file: string): TaskFile {
  const task = completeKnapsackReference(normalizeReleasedVariant(value));
  if (!isRecord(task)) throw new InputError('a task file must hold a JSON object', file);
  const family = task.family;
  if (typeof family !== 'string' || !Object.hasOwn(schemas, family))
    throw new InputError(
      `expected one of knapsack, navigation, rule_diagnosis, got ${JSON.stringify(family)}`,
      file,
      'family',
    );
  return parseWith<TaskFile>(schemas[family as keyof typeof schemas], task, file);
}

export function readTaskFile(file: string): TaskFile {
  return parseTaskFile(readJsonFile(z.unknown(), file), file);
}

/** Task and manifest files: `json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2)` + "\n". */
export function taskFileText(value: unknown): string {
  return `${pyJsonDumps(value, { indent: 2, sortKeys: true, ensureAscii: false })}\n`;
}

/**
 * Writes a task exactly as given (the reference's bytes), after checking that it reads back: a
 * generator bug must not leave a task file that no run can load.
 */
export function writeTaskFile(file: string, task: object): void {
  parseTaskFile(task, file);
  writeFileAtomic(file, taskFileText(task));
}
