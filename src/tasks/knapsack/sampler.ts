import type { KnapsackConfig } from '../../formats/generator-settings.js';
import { type PyFloat, pyFloat } from '../../python/json.js';
import { PyRandom } from '../../python/random.js';
import { pyRound, pyRoundTo } from '../../python/round.js';
import { opaqueId } from '../opaque-id.js';
import type { KnapsackItem } from '../types.js';
import { type SolverItem, solveKnapsack } from './solver.js';

const MAX_ATTEMPTS = 200;
const ATTEMPT_SEED_STRIDE = 1_000_003;

/**
 * Chooses the allowed classes of one attempt. The reference draws them from Python's unseeded
 * module-level generator; `attemptRng` is the attempt's own seeded generator, positioned right
 * after the item-count draw.
 */
export type AllowedClassesSource = (classes: readonly string[], k: number, attemptRng: PyRandom) => string[];

/** Draws from the attempt's own generator: every task is reproducible from its seed alone. */
export const allowedFromAttemptRng: AllowedClassesSource = (classes, k, rng) => rng.sample(classes, k);

/** Emulates the reference's global generator as one stream shared by all attempts, in job order. */
export function allowedFromGlobalStream(globalSeed: number): AllowedClassesSource {
  const global = new PyRandom(globalSeed);
  return (classes, k) => global.sample(classes, k);
}

/** A sampled knapsack instance (the task file minus the generator's metadata). */
export interface KnapsackInstance {
  family: 'knapsack';
  seed: number;
  difficulty: {
    n_items: number;
    optimal_set_size: number;
    capacity: number;
    p_valid: PyFloat;
    budget_coverage: PyFloat;
    max_item_dominance: PyFloat;
  };
  public: { item_ids: string[]; capacity: number; allowed_classes: string[]; inspect_budget: number };
  private: { items: Record<string, KnapsackItem> };
  reference: { optimal_item_ids: string[]; optimal_value: number; optimal_weight: number };
}

/** Raised after every attempt was rejected; the message is the reference's. */
export class KnapsackSamplingError extends Error {
  readonly pythonType = 'RuntimeError';
}

/**
 * `sample_knapsack_instance(seed, cfg)` (reference-behavior.md §1.4): the exact draw order,
 * rejection rules, capacity rounding, strict-tie-break optimum and inspect-budget formula.
 */
export function sampleKnapsack(
  seed: number,
  cfg: KnapsackConfig,
  allowedSource: AllowedClassesSource = allowedFromAttemptRng,
): KnapsackInstance {
  const [wLo, wHi] = cfg.weight_range;
  const [vLo, vHi] = cfg.value_range;
  const classes = [...cfg.classes];
  const k = cfg.num_allowed_classes;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const rng = new PyRandom(seed + attempt * ATTEMPT_SEED_STRIDE);
    const nItems = rng.randint(cfg.n_items_range[0], cfg.n_items_range[1]);
    const allowedList = allowedSource(classes, k, rng);
    const allowed = new Set(allowedList);
    const probValid = k / classes.length;
    const avgWeight = (wLo + wHi) / 2;

    // A Map keeps Python dict semantics should two ids ever collide: first position, last value.
    const items = new Map<string, KnapsackItem>();
    const itemIds: string[] = [];
    for (let i = 0; i < nItems; i++) {
      const id = opaqueId(rng, 'item');
      itemIds.push(id);
      const cls = i === 0 ? rng.choice(allowedList) : rng.choice(classes);
      const weight = rng.randint(wLo, wHi);
      const value = rng.randint(vLo, vHi);
      items.set(id, { weight, value, class: cls });
    }

    const allowedItems: SolverItem[] = [];
    for (const [id, item] of items)
      if (allowed.has(item.class)) allowedItems.push({ id, weight: item.weight, value: item.value });
    if (allowedItems.length < 5) continue;

    const totalAllowedWeight = allowedItems.reduce((sum, it) => sum + it.weight, 0);
    const ratio = rng.uniform(cfg.capacity_ratio_range[0], cfg.capacity_ratio_range[1]);
    let capacity = Math.max(1, pyRound(totalAllowedWeight * ratio));
    const minWeight = Math.min(...allowedItems.map((it) => it.weight));
    if (capacity < minWeight) capacity = minWeight;

    const optimum = solveKnapsack(allowedItems, capacity);
    const chosen = optimum.itemIds;
    if (chosen.length < 3) continue;
    const maxSingle = Math.max(...chosen.map((id) => (items.get(id) as KnapsackItem).value));
    if (maxSingle / optimum.value > 0.4) continue;

    // The budget formula, in the reference's order of double operations.
    const estimatedItemsToFill = capacity / avgWeight;
    const targetValidFinds = estimatedItemsToFill * 1.5;
    const statBudget = targetValidFinds / Math.max(probValid, 0.01);
    const deterministicFloor = chosen.length * 1.1;
    const rawBudget = Math.max(statBudget, deterministicFloor);
    const inspectBudget = Math.max(5, Math.min(Math.ceil(rawBudget), nItems));

    return {
      family: 'knapsack',
      seed,
      difficulty: {
        n_items: nItems,
        optimal_set_size: chosen.length,
        capacity,
        p_valid: pyFloat(pyRoundTo(probValid, 2)),
        budget_coverage: pyFloat(pyRoundTo(inspectBudget / nItems, 2)),
        max_item_dominance: pyFloat(pyRoundTo(maxSingle / optimum.value, 2)),
      },
      public: { item_ids: itemIds, capacity, allowed_classes: allowedList, inspect_budget: inspectBudget },
      private: { items: Object.fromEntries(items) },
      reference: { optimal_item_ids: chosen, optimal_value: optimum.value, optimal_weight: optimum.weight },
    };
  }
  throw new KnapsackSamplingError(
    `Failed to sample a balanced knapsack instance (seed=${seed}). Try loosening the dominance check or increasing N.`,
  );
}
