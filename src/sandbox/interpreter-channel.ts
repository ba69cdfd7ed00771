/**
 * What a session needs from its interpreter, whichever way it runs: a process of its own
 * (InterpreterProcess) or a worker thread in a shared pyodide host (PyodideWorker).
 */
import type { ChildMessage } from './protocol.js';

export interface InterpreterChannel {
  readonly alive: boolean;
  readonly python: string;
  /** pyodide: whether the interpreter started from the memory snapshot. */
  readonly fromSnapshot: boolean;
  readonly memoryLimitMb: number;
  readonly isolation: 'bubblewrap' | 'none';
  onMessage(listener: ((message: ChildMessage) => void) | null): void;
  /** Calls the listener once when the interpreter ends; returns a function that removes it. */
  onExit(listener: (reason: string) => void): () => void;
  send(message: unknown): void;
  /** Resident memory in bytes charged to this interpreter (null where it cannot be measured). */
  rss(): number | null;
  kill(): void;
  setReferenced(referenced: boolean): void;
  request<T extends ChildMessage>(
    message: unknown,
    match: (m: ChildMessage) => m is T,
    timeoutMs: number,
  ): Promise<T>;
  /** True when the interpreter was ended for exceeding its memory limit. */
  readonly exitedForMemory?: boolean;
  /**
   * Resolves true once everything the last request left behind has run (false when that takes
   * longer than timeoutMs). Interpreters without work outside requests leave it out.
   */
  whenIdle?(timeoutMs: number): Promise<boolean>;
}

/**
 * Sends one request over a channel and waits for the first reply accepted by `match`. A failure
 * report, the interpreter's end or the timeout (which kills it) rejects.
 */
export function requestReply<T extends ChildMessage>(
  channel: Pick<InterpreterChannel, 'onMessage' | 'onExit' | 'send' | 'kill'>,
  message: unknown,
  match: (m: ChildMessage) => m is T,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      channel.kill();
      reject(new Error(`the interpreter did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const stopExit = channel.onExit((reason) => {
      cleanup();
      reject(new Error(`the interpreter stopped: ${reason}`));
    });
    const cleanup = () => {
      clearTimeout(timer);
      stopExit();
      channel.onMessage(null);
    };
    channel.onMessage((m) => {
      if (match(m)) {
        cleanup();
        resolve(m);
      } else if (m.op === 'failure') {
        cleanup();
        channel.kill();
        reject(new Error(`the interpreter failed: ${m.detail}`));
      }
    });
    channel.send(message);
  });
}
