export interface NavigationPromptFacts {
  startNode: string;
  goalNode: string;
  maxSteps: number;
}

/** The first user message of a navigation episode, in our own words. */
export function navigationGoalPrompt(facts: NavigationPromptFacts): string {
  return `Task: Graph navigation
Walk through a hidden graph from the start node to the goal node.

What you know:
- Start node: ${facts.startNode}
- Goal node: ${facts.goalNode}
- Step limit: ${facts.maxSteps} moves
- Node ids are opaque. The graph can contain cycles, and nothing keeps track of where you have been.

Rules:
- scan() lists the neighbors of the node you stand on.
- move(node_id) walks to one of those neighbors and uses one step.
- You succeed if you stand on the goal node at the end; shorter walks score higher.
`;
}
