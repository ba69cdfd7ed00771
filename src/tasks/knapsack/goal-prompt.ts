import { pyStrRepr } from '../python-repr.js';

/** What the knapsack goal prompt needs to know about the task. */
export interface KnapsackPromptFacts {
  capacity: number;
  inspectBudget: number;
  /** Classes of all items, sorted. */
  itemClasses: readonly string[];
}

/**
 * The first user message of a knapsack episode, in our own words. Scripted policies read the
 * capacity and the budget with /capacity\D*(\d+)/i and /budget\D*(\d+)/i, so each number must be
 * the first integer after the first occurrence of its word.
 */
export function knapsackGoalPrompt(facts: KnapsackPromptFacts): string {
  return `Task: Opaque Knapsack
Pick a set of items whose total weight stays within the weight limit and whose total value is as high as possible.

What you know:
- Knapsack capacity (largest total weight allowed): ${facts.capacity}
- Inspect budget: ${facts.inspectBudget} distinct items may be inspected. Inspecting an item you have already inspected is free.
- Classes that occur among the items: ${pythonSetRepr(facts.itemClasses)}
- Item ids are opaque. list_items() returns all of them; an item's weight, value and class stay hidden until you inspect it.
- The knapsack accepts only some of the classes, and you are not told which. take_item() refuses an item of a class that is not accepted, so refusals tell you which classes are out.

Rules:
- Take only items you have inspected; never assume an item's properties.
- Never go over the capacity. Keep the weight used so far in a variable and update it after every successful take.
- Spread your inspections over the whole list (for example every k-th id, or a random sample) instead of only the first ids.
- Finish inspecting before you start taking, and call finish() only after you have taken your items.

How you are scored:
- Your score is the total value you take divided by the best total value that the accepted items allow within the capacity.
- Use the budget: inspecting only a handful of items, or leaving much of the capacity unused while budget remains, gives a poor score.
`;
}

/** A Python set literal of strings, e.g. `{'A', 'C'}` (the form the reference's prompt used). */
export function pythonSetRepr(values: readonly string[]): string {
  if (values.length === 0) return 'set()';
  return `{${values.map(pyStrRepr).join(', ')}}`;
}
