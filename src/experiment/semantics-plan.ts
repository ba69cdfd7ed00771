/**
 * The built-in runtime-semantics plan (`alr experiment --plan semantics`): both scripted policies
 * over six runtimes from fully persistent to fully stateless (docs/runtimes.md) on Easy knapsack,
 * then a report whose spectrum figure shows NameError rate and tokens per episode per runtime.
 */
import { SCRIPTED_EASY_KNAPSACK } from './demo-plan.js';
import { parsePlan } from './plan.js';

// The task set and models are the demo's.
export const SEMANTICS_PLAN_YAML = `# Built-in study: scripted policies across the runtime spectrum (docs/runtimes.md).
# Scripted policies are deterministic programs, not models: results show how each runtime treats
# a fixed way of writing code, not a model's ability to adapt to it.
name: semantics
description: Scripted policies (persistent-style and stateless-style) on 100 Easy knapsack tasks across six runtime semantics.
out: runs/semantics
concurrency: 2
${SCRIPTED_EASY_KNAPSACK}stages:
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
