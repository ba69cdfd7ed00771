import type { TaskFamily } from './environment.js';

/** Fields every task file carries (reference `TaskData`). */
export interface TaskCommon {
  family: TaskFamily;
  seed: number;
  difficulty: Record<string, unknown>;
  schema_version: string;
  task_id?: string | null;
  run_name?: string | null;
  generated_at?: string | null;
  nl?: unknown;
}

export interface KnapsackItem {
  class: string;
  value: number;
  weight: number;
}

export interface KnapsackTask extends TaskCommon {
  family: 'knapsack';
  public: {
    /** Generation order of the items. */
    item_ids: string[];
    capacity: number;
    /** Classes the knapsack accepts (empty = every class), in the order they were sampled. */
    allowed_classes: string[];
    inspect_budget: number;
  };
  private: { items: Record<string, KnapsackItem> };
  reference: { optimal_item_ids: string[]; optimal_value: number; optimal_weight: number };
}

export interface NavigationTask extends TaskCommon {
  family: 'navigation';
  public: { start_node: string; goal_node: string; max_steps: number; notes?: string | null };
  private: {
    adjacency: Record<string, string[]>;
    layer: Record<string, number>;
    one_shortest_path: string[];
  };
  reference: { shortest_path_length: number; one_shortest_path: string[] };
}

export type RuleFamilyName = 'linear_int' | 'affine_mod';

export interface RuleParams {
  family: string;
  a: number;
  b: number;
  m?: number;
  [key: string]: unknown;
}

export interface RuleDiagnosisTask extends TaskCommon {
  family: 'rule_diagnosis';
  public: {
    probe_budget: number;
    family_hint?: string | null;
    x_domain: Record<string, unknown>;
    notes?: string | null;
  };
  private: { params: RuleParams };
  reference: { params: RuleParams };
}

export type Task = KnapsackTask | NavigationTask | RuleDiagnosisTask;
