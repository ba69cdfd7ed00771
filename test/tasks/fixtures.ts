// Small hand-made tasks in the reference layout, for environment and loader tests.

export function knapsackTaskJson(): Record<string, unknown> {
  return {
    family: 'knapsack',
    seed: 7,
    difficulty: {},
    schema_version: 'pythonformer.task.v1',
    task_id: 'knapsack-0000000000',
    public: {
      item_ids: ['item_c', 'item_a', 'item_b', 'item_d'],
      capacity: 10,
      allowed_classes: ['A', 'B'],
      inspect_budget: 2,
    },
    private: {
      items: {
        item_a: { class: 'A', value: 30, weight: 6 },
        item_b: { class: 'B', value: 25, weight: 4 },
        item_c: { class: 'Z', value: 90, weight: 1 },
        item_d: { class: 'Ä', value: 5, weight: 5 },
      },
    },
    reference: { optimal_item_ids: ['item_a', 'item_b'], optimal_value: 55, optimal_weight: 10 },
  };
}

export function navigationTaskJson(): Record<string, unknown> {
  return {
    family: 'navigation',
    seed: 3,
    difficulty: {},
    public: { start_node: 'n0', goal_node: 'n2', max_steps: 3, notes: null },
    private: {
      adjacency: { n0: ['n1', 'n3'], n1: ['n0', 'n2', 'n3'], n2: ['n1'], n3: ['n1', 'n0'] },
      layer: { n0: 0, n1: 1, n2: 2, n3: 1 },
      one_shortest_path: ['n0', 'n1', 'n2'],
    },
    reference: { shortest_path_length: 2, one_shortest_path: ['n0', 'n1', 'n2'] },
  };
}

export function ruleTaskJson(family: 'linear_int' | 'affine_mod'): Record<string, unknown> {
  const params = family === 'linear_int' ? { a: -3, b: 4, family } : { a: 4, b: 22, family, m: 23 };
  return {
    family: 'rule_diagnosis',
    seed: 11,
    difficulty: { probe_budget: 2, rule_family: family },
    public: {
      probe_budget: 2,
      family_hint: family,
      x_domain: { type: 'int', suggested_range: [0, 46] },
      notes: null,
    },
    private: { params },
    reference: { params },
  };
}
