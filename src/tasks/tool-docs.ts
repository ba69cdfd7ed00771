import { FINISH_TOOL_DOCS } from './finish-tool.js';
import { KNAPSACK_TOOL_DOCS } from './knapsack/tool-docs.js';
import { NAVIGATION_TOOL_DOCS } from './navigation/tool-docs.js';
import { RULE_DIAGNOSIS_TOOL_DOCS } from './rule_diagnosis/tool-docs.js';
import type { ToolDocOverrides } from './tool-doc.js';

/** Our default docstrings of every tool, by tool name: the base a prompt pack overrides. */
export const DEFAULT_TOOL_DOCS: ToolDocOverrides = {
  ...KNAPSACK_TOOL_DOCS,
  ...NAVIGATION_TOOL_DOCS,
  ...RULE_DIAGNOSIS_TOOL_DOCS,
  ...FINISH_TOOL_DOCS,
};
