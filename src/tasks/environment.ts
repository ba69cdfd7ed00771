import type { Tool } from './tool.js';

export type TaskFamily = 'knapsack' | 'navigation' | 'rule_diagnosis';
export const TASK_FAMILIES: readonly TaskFamily[] = ['knapsack', 'navigation', 'rule_diagnosis'];

/** `env.evaluate()` of the reference: `metrics` keys in the reference's order. */
export interface TaskResult {
  is_solved: boolean;
  score: number;
  metrics: Record<string, number | string | boolean | null>;
}

/** One episode's environment. It owns all task state; tools mutate it; evaluate() reads it. */
export interface Environment {
  readonly family: TaskFamily;
  /** The family's tools in prompt order, followed by the common `finish` tool. */
  tools(): Tool[];
  /** True once `finish()` was called. */
  readonly finished: boolean;
  /** The goal prompt given to the agent as its first user message. */
  goalPrompt(): string;
  /**
   * Optional: the values of the goal prompt's placeholders (e.g. capacity, inspect_budget,
   * item_classes), as the text they take in the prompt. Lets a prompt pack override the goal text.
   */
  goalPromptValues?(): Record<string, string | number>;
  evaluate(): TaskResult;
}
