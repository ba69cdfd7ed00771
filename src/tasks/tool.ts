/**
 * The contract between an environment's tools and whatever calls them (the sandbox bridge, the
 * scripted policies, replays). Tools run in the harness process: their state is authoritative and
 * survives any interpreter crash.
 */

/** Python annotation of a tool argument or return value. */
export type ToolValueType = 'str' | 'int' | 'float' | 'bool';

export interface ToolParam {
  name: string;
  type: ToolValueType;
  /** One-line description shown in the tool's docstring under `Args:`. */
  doc: string;
  required: boolean;
  /** Default of an optional parameter (`null` renders as `= None`). */
  default?: string | number | boolean | null;
}

/** What a tool is, independent of how it is called: enough to render its Python signature. */
export interface ToolSpec {
  name: string;
  doc: string;
  params: ToolParam[];
  /** Python return annotation; 'None' for tools that return nothing. */
  returns: ToolValueType | 'None';
}

/** Arguments after validation, by parameter name. Python ints arrive as number, bools as boolean. */
export type ToolArgs = Record<string, string | number | boolean | null>;

/** What a tool returns to Python: a str, int, float, bool, or null (None). */
export type ToolReturn = string | number | boolean | null;

export interface Tool extends ToolSpec {
  /** Runs the tool synchronously. Throws ToolRuntimeError for the failures the model should see. */
  call(args: ToolArgs): ToolReturn;
}

/**
 * A failure inside a tool (unknown id, budget exhausted, …). The sandbox shows it to the model as
 * `pythonformer.codeact.tool.ToolRuntimeException: ToolRuntimeException: <message>`, as the reference does.
 * `pythonType` records the Python exception the reference environment raised internally
 * (ValueError, RuntimeError, PermissionError), for logs only.
 */
export class ToolRuntimeError extends Error {
  constructor(
    message: string,
    readonly pythonType: 'ValueError' | 'RuntimeError' | 'PermissionError' = 'RuntimeError',
  ) {
    // An expected outcome that the model sees, never a bug, so no stack is captured: a benchmark
    // run throws thousands of these, and capturing one cost about 6 us a throw.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'ToolRuntimeError';
  }
}
