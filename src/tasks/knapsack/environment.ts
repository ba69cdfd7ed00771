import { pyJsonDumps } from '../../python/json.js';
import type { Environment, TaskResult } from '../environment.js';
import { createFinishTool } from '../finish-tool.js';
import { type Tool, type ToolArgs, ToolRuntimeError } from '../tool.js';
import type { KnapsackItem, KnapsackTask } from '../types.js';
import { knapsackGoalPrompt, pythonSetRepr } from './goal-prompt.js';
import { KNAPSACK_TOOL_DOCS } from './tool-docs.js';

/**
 * Opaque Knapsack environment (reference `KnapsackEnv`, `reference-behavior.md` §2.2): the state
 * lives here, the tools mutate it, evaluate() scores it against the stored optimum.
 */
export class KnapsackEnvironment implements Environment {
  readonly family = 'knapsack' as const;
  readonly capacity: number;
  readonly inspectBudget: number;
  readonly allowedClasses: ReadonlySet<string>;
  /** Items in file order (sorted ids for generated files), as the reference's dict. */
  private readonly items: Map<string, KnapsackItem>;
  private readonly optimalValue: number;

  readonly taken: string[] = [];
  totalWeight = 0;
  totalValue = 0;
  inspectedCount = 0;
  private readonly inspectCache = new Map<string, string>();
  private finishCalled = false;

  constructor(readonly task: KnapsackTask) {
    this.capacity = task.public.capacity;
    this.inspectBudget = task.public.inspect_budget;
    this.allowedClasses = new Set(task.public.allowed_classes);
    this.items = new Map(Object.entries(task.private.items));
    this.optimalValue = task.reference.optimal_value;
  }

  get finished(): boolean {
    return this.finishCalled;
  }

  /** Classes of all items, sorted (the reference prints them in hash order, see docs/tasks.md). */
  itemClasses(): string[] {
    return [...new Set([...this.items.values()].map((item) => item.class))].sort();
  }

  goalPrompt(): string {
    return knapsackGoalPrompt({
      capacity: this.capacity,
      inspectBudget: this.inspectBudget,
      itemClasses: this.itemClasses(),
    });
  }

  goalPromptValues(): Record<string, string | number> {
    return {
      capacity: this.capacity,
      inspect_budget: this.inspectBudget,
      item_classes: pythonSetRepr(this.itemClasses()),
    };
  }

  private item(itemId: string): KnapsackItem {
    const item = this.items.get(itemId);
    if (!item) throw new ToolRuntimeError(`Unknown item_id: ${itemId}`, 'ValueError');
    return item;
  }

  inspect(itemId: string): string {
    const item = this.item(itemId);
    const cached = this.inspectCache.get(itemId);
    if (cached !== undefined) return cached;
    if (this.inspectedCount >= this.inspectBudget) {
      throw new ToolRuntimeError(
        `Inspect budget exceeded (budget=${this.inspectBudget}, used=${this.inspectedCount})`,
        'RuntimeError',
      );
    }
    const text = pyJsonDumps(
      { weight: item.weight, value: item.value, class: item.class },
      { separators: [',', ':'], sortKeys: true },
    );
    this.inspectCache.set(itemId, text);
    this.inspectedCount += 1;
    return text;
  }

  takeItem(itemId: string): null {
    const item = this.item(itemId);
    if (this.taken.includes(itemId))
      throw new ToolRuntimeError(`Item already taken: ${itemId}`, 'ValueError');
    if (this.allowedClasses.size > 0 && !this.allowedClasses.has(item.class))
      throw new ToolRuntimeError(`Item class '${item.class}' not allowed.`, 'PermissionError');
    if (this.totalWeight + item.weight > this.capacity) {
      throw new ToolRuntimeError(
        `Capacity exceeded: current=${this.totalWeight}, item=${item.weight}, capacity=${this.capacity}`,
        'RuntimeError',
      );
    }
    this.taken.push(itemId);
    this.totalWeight += item.weight;
    this.totalValue += item.value;
    return null;
  }

  /** Python's default json.dumps of the id list: `["a", "b"]`. */
  listItems(): string {
    return pyJsonDumps([...this.items.keys()]);
  }

  tools(): Tool[] {
    const docs = KNAPSACK_TOOL_DOCS;
    return [
      {
        name: 'inspect',
        doc: docs.inspect.doc,
        params: [{ name: 'item_id', type: 'str', doc: docs.inspect.args.item_id, required: true }],
        returns: 'str',
        call: (args: ToolArgs) => this.inspect(args.item_id as string),
      },
      {
        name: 'take_item',
        doc: docs.take_item.doc,
        params: [{ name: 'item_id', type: 'str', doc: docs.take_item.args.item_id, required: true }],
        returns: 'None',
        call: (args: ToolArgs) => this.takeItem(args.item_id as string),
      },
      {
        name: 'list_items',
        doc: docs.list_items.doc,
        params: [],
        returns: 'str',
        call: () => this.listItems(),
      },
      createFinishTool(() => {
        this.finishCalled = true;
      }),
    ];
  }

  evaluate(): TaskResult {
    if (this.totalWeight > this.capacity) {
      return {
        is_solved: false,
        score: 0,
        metrics: { error: 'Capacity exceeded', weight: this.totalWeight, limit: this.capacity },
      };
    }
    const optimal = this.optimalValue;
    const gap = Math.max(0, optimal - this.totalValue);
    const score = optimal > 0 ? this.totalValue / optimal : this.totalValue === 0 ? 1 : 0;
    return {
      is_solved: gap === 0,
      score,
      metrics: {
        agent_value: this.totalValue,
        optimal_value: optimal,
        optimality_gap: gap,
        weight_used: this.totalWeight,
        capacity: this.capacity,
        items_taken_count: this.taken.length,
        inspected_count: this.inspectedCount,
      },
    };
  }
}
