// Docstrings of the knapsack tools as the model sees them. Our own words; a prompt pack can
// replace any of them through `renderToolPrompt(..., docs)`.
export const KNAPSACK_TOOL_DOCS = {
  inspect: {
    doc: [
      "Look up one item's weight, value and class.",
      'Returns a compact JSON string with the keys "class", "value" and "weight", for example',
      '  \'{"class":"C","value":42,"weight":9}\'',
      'Decode it with json.loads(...). Each distinct item you inspect uses one unit of the',
      'inspect budget; inspecting an item again returns the same text and costs nothing.',
    ].join('\n'),
    args: { item_id: 'opaque id of the item, as listed by list_items()' },
  },
  take_item: {
    doc: [
      'Put an item into the knapsack. Raises an error if the id is unknown, the item is already',
      'in the knapsack, its class is not accepted, or its weight would exceed the capacity.',
    ].join('\n'),
    args: { item_id: 'opaque id of the item to put in the knapsack' },
  },
  list_items: {
    doc: [
      'Return the ids of all items of this task as a JSON list in a string, for example',
      '  \'["item_0a1b2c3d4e5f", "item_9f8e7d6c5b4a"]\'',
      'Decode it with json.loads(...). Listing is free.',
    ].join('\n'),
    args: {},
  },
} as const;
