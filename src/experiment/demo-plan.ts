/**
 * The built-in demo plan (`alr experiment` with no plan, `npm run demo`): the paper's 2×2 design
 * (policy style × runtime) played by the two scripted policies on 100 Easy knapsack tasks, then a
 * report. It needs no model, no GPU and no network. Printed by `alr experiment --print-plan`.
 */
import { parsePlan } from './plan.js';

// The generator settings are the reference's `easy_100` task config (Easy knapsack parameters,
// seed_start 123456789), restricted to the knapsack family. Shared with the semantics plan, so that
// the plain-runtime conditions of both plans play the same tasks.
export const SCRIPTED_EASY_KNAPSACK = `defaults:
  max_turns: 40
  max_tool_calls: 25
  timeout_s: 300
task_sets:
  easy:
    label: Easy
    generate:
      families: [knapsack]
      settings:
        run_name: easy_100
        seed_start: 123456789
        knapsack:
          num_tasks: 100
          n_items_range: [25, 40]
          weight_range: [5, 20]
          value_range: [10, 100]
          classes: [A, B, C, D, E, F, G, H, I, J, K, L, M, N, O]
          num_allowed_classes: 3
          capacity_ratio_range: [0.35, 0.5]
models:
  scripted-persistent:
    model: scripted-persistent
  scripted-stateless:
    model: scripted-stateless
`;

export const DEMO_PLAN_YAML = `# Built-in demo: the 2x2 (policy style x runtime) design played by scripted policies.
# Scripted policies are deterministic programs, not models: results show the pipeline, not a model's skill.
name: demo
description: Scripted policies (persistent-style and stateless-style) on 100 Easy knapsack tasks, in both runtimes.
out: runs/demo
concurrency: 2
${SCRIPTED_EASY_KNAPSACK}stages:
  - name: eval
    kind: run
    task_sets: [easy]
    models: [scripted-persistent, scripted-stateless]
    runtimes: [persistent, stateless]
  - name: report
    kind: report
    from: [eval]
`;

export function demoPlan() {
  return parsePlan(DEMO_PLAN_YAML, '<built-in demo plan>');
}
