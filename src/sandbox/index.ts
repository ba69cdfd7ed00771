// Public API of the sandboxed Python runtime.
export { type AnalyzeOptions, analyzeCode } from './analyze.js';
export {
  DEFAULT_MEMORY_LIMIT_MB,
  DEFAULT_OUTPUT_CAP,
  DEFAULT_STEP_TIMEOUT_MS,
} from './defaults.js';
export type {
  BackendName,
  CodeAnalysis,
  InterpreterSession,
  RuntimeMode,
  SandboxIncident,
  SessionOptions,
  StepResult,
  ToolCallRecord,
} from './interpreter.js';
export { RUNTIME_MODES } from './interpreter.js';
export { bubblewrapAvailable, cpythonAvailable, type IsolationMode } from './isolation.js';
export { createSandbox, type Sandbox, type SandboxOptions } from './sandbox.js';
