// A planned turn, independent of style: the action code reads some state variables; each style
// decides how those variables come to exist (kept in the interpreter, or re-declared as literals).
import type { PyValue } from './python-literal.js';

export interface PlannedTurn {
  /** One or two sentences saying what this block does and why. */
  reasoning: string;
  /** The action code. It may read the variables named in `uses`. */
  body: string;
  /** State variables the body reads that earlier turns created. */
  uses: string[];
  /** The current value of every state variable, reconstructed from earlier observations. */
  state: Record<string, PyValue>;
  /** Expressions that re-derive a variable with tool calls when the interpreter lost it (persistent style). */
  rebuildWithTools?: Record<string, string>;
  /** Variables this body creates for later turns (persistent style announces them). */
  creates?: string[];
}

/** Tool calls a rebuild prelude may spend; planners keep this many calls free in every block. */
export const REBUILD_CALLS = 1;
