import type { Tool } from './tool.js';

/** Docs of the common `finish` tool (ours; a prompt pack may override them). */
export const FINISH_TOOL_DOCS = {
  finish: {
    doc: 'Signal that you are done with the task. Call it once, after your last action.',
    args: {},
  },
} as const;

/**
 * The `finish()` tool every environment appends last. It only raises a flag: code after the call in
 * the same block still runs, as in the reference.
 */
export function createFinishTool(onFinish: () => void): Tool {
  return {
    name: 'finish',
    doc: FINISH_TOOL_DOCS.finish.doc,
    params: [],
    returns: 'None',
    call() {
      onFinish();
      return null;
    },
  };
}
