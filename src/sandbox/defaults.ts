/** Limits applied when a session does not set its own (see docs/security.md). */
export const DEFAULT_STEP_TIMEOUT_MS = 30_000;
export const DEFAULT_MEMORY_LIMIT_MB = 1024;
export const DEFAULT_OUTPUT_CAP = 20_000;
/** How long an interrupted step may take to stop before its interpreter is killed. */
export const INTERRUPT_GRACE_MS = 1_000;
/**
 * How long a step waits for work the previous step left running (pyodide callbacks that escaped
 * cancellation, such as a promise chain) before the interpreter is replaced. Generous, because an
 * overloaded machine delays the worker's notice that it is idle: with 256 pyodide episodes on 2
 * cores it came up to 0.6 s after the step's answer (p99 about 50 ms), and in one run of 3,612
 * steps once not within 1 s of the next step's start (this bound before), which replaced a
 * healthy interpreter and lost its state.
 */
export const LEFTOVER_WORK_WAIT_MS = 5_000;
/** How long a fresh interpreter process may take to become ready. */
export const START_TIMEOUT_MS = 60_000;
/** How often the memory of a running step's process tree is sampled. */
export const MEMORY_POLL_MS = 100;
