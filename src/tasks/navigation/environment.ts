import type { Environment, TaskResult } from '../environment.js';
import { createFinishTool } from '../finish-tool.js';
import { type Tool, type ToolArgs, ToolRuntimeError } from '../tool.js';
import type { NavigationTask } from '../types.js';
import { navigationGoalPrompt } from './goal-prompt.js';
import { NAVIGATION_TOOL_DOCS } from './tool-docs.js';

/** Graph navigation environment (reference `NavigationEnv`, `reference-behavior.md` §2.3). */
export class NavigationEnvironment implements Environment {
  readonly family = 'navigation' as const;
  readonly maxSteps: number;
  currentNode: string;
  stepsTaken = 0;
  readonly pathHistory: string[];
  private finishCalled = false;

  constructor(readonly task: NavigationTask) {
    this.maxSteps = task.public.max_steps;
    this.currentNode = task.public.start_node;
    this.pathHistory = [task.public.start_node];
  }

  get finished(): boolean {
    return this.finishCalled;
  }

  goalPrompt(): string {
    return navigationGoalPrompt({
      startNode: this.task.public.start_node,
      goalNode: this.task.public.goal_node,
      maxSteps: this.maxSteps,
    });
  }

  goalPromptValues(): Record<string, string | number> {
    return {
      start_node: this.task.public.start_node,
      goal_node: this.task.public.goal_node,
      max_steps: this.maxSteps,
    };
  }

  private neighbors(): string[] {
    return this.task.private.adjacency[this.currentNode] ?? [];
  }

  scan(): string {
    return [...this.neighbors()].sort().join(',');
  }

  move(nodeId: string): null {
    if (this.stepsTaken >= this.maxSteps)
      throw new ToolRuntimeError(`Max steps (${this.maxSteps}) exceeded.`, 'RuntimeError');
    if (!this.neighbors().includes(nodeId))
      throw new ToolRuntimeError(`Node ${nodeId} is not adjacent to ${this.currentNode}.`, 'ValueError');
    this.currentNode = nodeId;
    this.stepsTaken += 1;
    this.pathHistory.push(nodeId);
    return null;
  }

  tools(): Tool[] {
    const docs = NAVIGATION_TOOL_DOCS;
    return [
      { name: 'scan', doc: docs.scan.doc, params: [], returns: 'str', call: () => this.scan() },
      {
        name: 'move',
        doc: docs.move.doc,
        params: [{ name: 'node_id', type: 'str', doc: docs.move.args.node_id, required: true }],
        returns: 'None',
        call: (args: ToolArgs) => this.move(args.node_id as string),
      },
      createFinishTool(() => {
        this.finishCalled = true;
      }),
    ];
  }

  evaluate(): TaskResult {
    const solved = this.currentNode === this.task.public.goal_node;
    const optimal = this.task.reference.shortest_path_length;
    const actual = this.pathHistory.length - 1;
    let score = 0;
    if (solved) score = optimal === 0 ? 1 : Math.max(0, Math.min(1, optimal / Math.max(1, actual)));
    return {
      is_solved: solved,
      score,
      metrics: {
        steps_taken: actual,
        optimal_steps: optimal,
        visited_unique: new Set(this.pathHistory).size,
        step_limit: this.maxSteps,
      },
    };
  }
}
