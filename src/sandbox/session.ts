/**
 * One episode's interpreter session. The harness keeps the authoritative state (the tools' owner
 * and the tool log); the interpreter process is disposable: when a step overruns its time limit
 * and ignores the interrupt, exceeds its memory limit or crashes, the process is killed, the step
 * is reported with a clear error, and the next step runs in a fresh process. The interpreter is
 * anything that speaks the protocol (InterpreterChannel): a process, or a pyodide host's worker.
 */

import { keepsStepNamespace } from '../runtime/spec.js';
import {
  DEFAULT_MEMORY_LIMIT_MB,
  DEFAULT_OUTPUT_CAP,
  DEFAULT_STEP_TIMEOUT_MS,
  INTERRUPT_GRACE_MS,
  LEFTOVER_WORK_WAIT_MS,
  MEMORY_POLL_MS,
} from './defaults.js';
import type {
  InterpreterSession,
  RuntimeMode,
  SandboxIncident,
  SessionOptions,
  StepResult,
  Tool,
  ToolCallRecord,
} from './interpreter.js';
import type { InterpreterChannel } from './interpreter-channel.js';
import type { ChildMessage, StepDone } from './protocol.js';
import { answerToolRequest, type StepToolState } from './tool-bridge.js';

export interface ProcessSource {
  acquire(memoryLimitMb: number): Promise<InterpreterChannel>;
  /** Takes back the process of a closed session (it kills it, or resets and reuses it). */
  release(proc: InterpreterChannel, clean: boolean): void;
  /**
   * Stateless sessions run every step after the first in an interpreter no earlier step ran in
   * (taken from the warm pool when the step starts, so that the previous interpreter can still be
   * asked about its last step until then).
   */
  readonly freshStatelessSteps?: boolean;
}

type StepEnd =
  | { kind: 'done'; done: StepDone; interruptSent: boolean }
  | { kind: 'timeout-killed' }
  | { kind: 'memory'; detail: string }
  | { kind: 'crash'; detail: string };

const LOST_STATE = ' All variables, functions and imports from earlier steps are lost.';

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export class Session implements InterpreterSession {
  readonly mode: RuntimeMode;
  private readonly tools: Map<string, Tool>;
  private readonly stepTimeoutMs: number;
  private readonly memoryLimitMb: number;
  private readonly outputCap: number | null;
  private proc: InterpreterChannel | null;
  private closed = false;
  private busy = false;
  /** False once a step ended abnormally: such a process is never reused. */
  private clean = true;
  /** Whether the current process has run a step. */
  private used = false;

  constructor(
    private readonly options: SessionOptions,
    proc: InterpreterChannel,
    private readonly source: ProcessSource,
  ) {
    this.mode = options.mode;
    this.tools = new Map(options.tools.map((t) => [t.name, t]));
    if (this.tools.size !== options.tools.length) throw new Error('tool names must be unique');
    if (
      options.maxToolCalls !== undefined &&
      !(Number.isInteger(options.maxToolCalls) && options.maxToolCalls >= 1)
    )
      throw new Error('maxToolCalls must be a positive integer or undefined');
    this.stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    this.memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    this.outputCap = options.outputCap === undefined ? DEFAULT_OUTPUT_CAP : options.outputCap;
    this.proc = proc;
  }

  /** Binds the episode's tools in a fresh process. */
  async initialize(): Promise<void> {
    const proc = this.proc;
    if (!proc) throw new Error('no interpreter');
    await proc.request(
      {
        op: 'init',
        mode: this.mode,
        outputCap: this.outputCap,
        tools: this.options.tools.map((t) => ({ name: t.name, doc: t.doc })),
        keepStepNamespace: keepsStepNamespace(this.options.runtime),
      },
      (m): m is { op: 'initialized' } => m.op === 'initialized',
      30_000,
    );
  }

  /** A fresh process for the next step; one that dies while being set up is replaced once more. */
  private async replaceProcess(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.proc = await this.source.acquire(this.memoryLimitMb);
      try {
        await this.initialize();
        return;
      } catch (err) {
        this.proc.kill();
        if (attempt >= 2) throw err;
      }
    }
  }

  async step(code: string): Promise<StepResult> {
    if (this.closed) throw new Error('the session is closed');
    if (this.busy) throw new Error('a step is already running in this session');
    this.busy = true;
    const started = performance.now();
    const state: StepToolState = { attempts: 0, limit: this.options.maxToolCalls, records: [] };
    try {
      const leftover = await this.stopLeftoverWork();
      // A process that ended between steps (killed from outside) was not reported by any step yet.
      const diedIdle = !leftover && this.proc !== null && !this.proc.alive;
      if (this.used && this.mode === 'stateless' && this.source.freshStatelessSteps) {
        const used = this.proc;
        this.proc = null;
        if (used) this.source.release(used, false);
      }
      if (!this.proc?.alive) await this.replaceProcess();
      this.used = true;
      const end = await this.run(this.proc as InterpreterChannel, code, state);
      const result = this.report(end, state.records, performance.now() - started);
      if (diedIdle) this.noteIdleRestart(result);
      if (leftover) this.noteLeftoverWork(result);
      return result;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Work a step left behind that is still running (an interpreter that has not reported itself
   * idle since): the interpreter is replaced, since what that work did to it is unknown. True
   * when it was replaced.
   */
  private async stopLeftoverWork(): Promise<boolean> {
    const proc = this.proc;
    if (!proc?.alive || !proc.whenIdle) return false;
    if (await proc.whenIdle(LEFTOVER_WORK_WAIT_MS)) return false;
    proc.kill();
    this.proc = null;
    this.clean = false;
    return true;
  }

  private noteLeftoverWork(result: StepResult): void {
    const persistent = this.mode === 'persistent';
    result.incidents.unshift({
      kind: 'killed',
      detail: 'work left running by the previous step did not stop; the interpreter was replaced',
      stateLost: persistent,
    });
    if (!result.success && persistent)
      result.error = `${result.error ?? ''}\nWork left running by the previous step did not stop, so the interpreter was restarted.${LOST_STATE}`;
  }

  private noteIdleRestart(result: StepResult): void {
    const persistent = this.mode === 'persistent';
    result.incidents.unshift({
      kind: 'crash',
      detail: 'the interpreter process had stopped since the previous step and was replaced',
      stateLost: persistent,
    });
    if (!result.success && persistent)
      result.error = `${result.error ?? ''}\nThe interpreter process had stopped since the previous step and was restarted.${LOST_STATE}`;
  }

  private run(proc: InterpreterChannel, code: string, state: StepToolState): Promise<StepEnd> {
    return new Promise<StepEnd>((resolve) => {
      let settled = false;
      let interruptTimer: NodeJS.Timeout | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      let interruptSent = false;
      const limitBytes = this.memoryLimitMb * 1024 * 1024;
      const settle = (end: StepEnd) => {
        if (settled) return;
        settled = true;
        clearTimeout(interruptTimer);
        clearTimeout(killTimer);
        clearInterval(memoryTimer);
        stopExit();
        proc.onMessage(null);
        if (end.kind !== 'done') proc.kill();
        resolve(end);
      };
      const memoryTimer = setInterval(() => {
        const rss = proc.rss();
        if (rss !== null && rss > limitBytes)
          settle({ kind: 'memory', detail: `resident memory ${Math.round(rss / 1048576)} MiB` });
      }, MEMORY_POLL_MS);
      const stopExit = proc.onExit((reason) =>
        settle(proc.exitedForMemory ? { kind: 'memory', detail: reason } : { kind: 'crash', detail: reason }),
      );
      interruptTimer = setTimeout(() => {
        interruptSent = true;
        proc.send({ op: 'interrupt' });
        killTimer = setTimeout(() => settle({ kind: 'timeout-killed' }), INTERRUPT_GRACE_MS);
      }, this.stepTimeoutMs);
      proc.onMessage((message: ChildMessage) => {
        if (message.op === 'tool')
          proc.send({
            ...answerToolRequest(this.tools, message, state),
            id: typeof message.id === 'number' ? message.id : null,
          });
        else if (message.op === 'step_done') settle({ kind: 'done', done: message, interruptSent });
        else if (message.op === 'failure')
          settle(
            message.kind === 'memory'
              ? { kind: 'memory', detail: message.detail }
              : { kind: 'crash', detail: message.detail },
          );
      });
      proc.send({ op: 'step', code });
    });
  }

  private report(end: StepEnd, calls: ToolCallRecord[], duration: number): StepResult {
    const incidents: SandboxIncident[] = [];
    const persistent = this.mode === 'persistent';
    const lost = persistent ? LOST_STATE : '';
    const limit = seconds(this.stepTimeoutMs);
    const base = { result: null, duration_ms: duration, tool_calls: calls, incidents } as const;
    if (end.kind === 'done') {
      const done = end.done;
      let error = done.error;
      let errorType = done.error_type;
      // An interrupt that was sent makes the step a timeout even when the code caught it and finished.
      const timedOut = end.interruptSent;
      if (timedOut) {
        this.clean = false;
        const lines = (error ?? '').split('\n');
        if (lines.length > 0 && /KeyboardInterrupt/.test(lines[lines.length - 1] ?? '')) lines.pop();
        lines.push(`TimeoutError: the step exceeded its ${limit} time limit and was interrupted`);
        error = lines.join('\n').trim();
        errorType = 'TimeoutError';
        incidents.push({ kind: 'timeout', detail: `interrupted after ${limit}`, stateLost: false });
      }
      if (done.truncated)
        incidents.push({
          kind: 'output-truncated',
          detail: `${done.output_chars} characters printed, ${this.outputCap} kept`,
          stateLost: false,
        });
      let globals = Object.fromEntries(done.globals);
      if (errorType === 'MemoryError') {
        // The interpreter ran out of memory: it is recycled so that the next step starts healthy.
        this.proc?.kill();
        this.proc = null;
        this.clean = false;
        globals = {};
        error = `${error ?? 'MemoryError'}\nThe interpreter reached its memory limit of ${this.memoryLimitMb} MiB and was restarted.${lost}`;
        incidents.push({ kind: 'memory', detail: 'MemoryError in the interpreter', stateLost: persistent });
      }
      return {
        ...base,
        success: done.success && !timedOut,
        output: done.output,
        error,
        error_type: errorType,
        globals,
      };
    }
    this.proc = null;
    this.clean = false;
    let error: string;
    let errorType: string;
    if (end.kind === 'timeout-killed') {
      error = `TimeoutError: the step exceeded its ${limit} time limit and did not stop when interrupted, so the interpreter was restarted.${lost}`;
      errorType = 'TimeoutError';
      incidents.push({
        kind: 'timeout',
        detail: `no response ${INTERRUPT_GRACE_MS} ms after the interrupt`,
        stateLost: false,
      });
      incidents.push({ kind: 'killed', detail: 'interpreter killed and replaced', stateLost: persistent });
    } else if (end.kind === 'memory') {
      error = `MemoryError: the step exceeded the interpreter memory limit of ${this.memoryLimitMb} MiB, so the interpreter was restarted.${lost}`;
      errorType = 'MemoryError';
      incidents.push({ kind: 'memory', detail: end.detail, stateLost: persistent });
    } else {
      error = `SandboxError: the interpreter process stopped unexpectedly and was restarted.${lost}`;
      errorType = 'SandboxError';
      incidents.push({ kind: 'crash', detail: end.detail, stateLost: persistent });
    }
    return { ...base, success: false, output: '', error, error_type: errorType, globals: {} };
  }

  // --- Runtime specs (runtime/semantic-session.ts) ---

  /** Replaces the interpreter between steps, as a kernel restart does: every binding is lost. */
  async restart(): Promise<void> {
    if (this.closed || this.busy) throw new Error('restart needs an idle, open session');
    this.proc?.kill();
    this.proc = null;
    this.clean = false;
    await this.replaceProcess();
  }

  /** One `semantics` request (semantics.py) between steps; null when no interpreter is alive. */
  async semantics(request: Record<string, unknown>): Promise<Record<string, unknown> | null> {
    if (this.closed || this.busy || !this.proc?.alive) return null;
    const answer = await this.proc.request(
      { ...request, op: 'semantics' },
      (m): m is { op: 'semantics_done'; answer: Record<string, unknown> } => m.op === 'semantics_done',
      this.stepTimeoutMs,
    );
    return answer.answer;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.proc) this.source.release(this.proc, this.clean && !this.busy);
    this.proc = null;
  }
}
