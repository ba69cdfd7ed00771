/**
 * The built-in runtime-semantics plan (`alr experiment --plan semantics`): both scripted policies
 * over six runtimes from fully persistent to fully stateless (docs/runtimes.md) on Easy knapsack,
 * then a report whose spectrum figure shows NameError rate and tokens per episode per runtime.
 */
import { parsePlan } from './plan.js';

// The task set is the demo's (the reference's `easy_100` settings), so the plain-runtime conditions
// of both plans play the same tasks.
export const SEMANTICS_PLAN_YAML = `# Built-in study: scripted policies across the runtime spectrum (docs/runtimes.md).
# Scripted policies are deterministic programs, not models: results show how each runtime treats
# a fixed way of writing code, not a model's ability to adapt to it.
name: semantics
description: Scripted policies (persistent-style and stateless-style) on 100 Easy knapsack tasks across six runtime semantics.
out: runs/semantics
concurrency: 2
defaults:
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
stages:
  - name: eval
    kind: run
    task_sets: [easy]
    models: [scripted-persistent, scripted-stateless]
    runtimes:
      - persistent
      - stateless
      - stateless+summary
      - persistent:ttl=2
      - persistent:keep=functions
      - persistent:restart=0.2
  - name: report
    kind: report
    from: [eval]
`;

export function semanticsPlan() {
  return parsePlan(SEMANTICS_PLAN_YAML, '<built-in semantics plan>');
}
