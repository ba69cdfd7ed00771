// Docstrings of the navigation tools as the model sees them (our own words; overridable).
export const NAVIGATION_TOOL_DOCS = {
  scan: {
    doc: 'Return the ids of the nodes next to your current node, sorted and joined by commas in one string.',
    args: {},
  },
  move: {
    doc: 'Walk along an edge to a node next to your current node. Every move uses one step of the step limit.',
    args: { node_id: 'id of a node next to the current one (see scan())' },
  },
} as const;
