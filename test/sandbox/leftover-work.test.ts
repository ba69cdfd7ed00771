// A session whose interpreter is still busy with work the previous step left behind replaces it
// before the next step and reports the lost state. The interpreter here is a scripted stand-in
// (no Python): it answers every step and reports itself idle only when told to.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterpreterChannel } from '../../src/sandbox/interpreter-channel.js';
import type { ChildMessage } from '../../src/sandbox/protocol.js';
import { Session } from '../../src/sandbox/session.js';

class ScriptedInterpreter implements InterpreterChannel {
  python = '3.14.0';
  fromSnapshot = true;
  memoryLimitMb = 512;
  isolation = 'none' as const;
  alive = true;
  steps = 0;
  private listener: ((m: ChildMessage) => void) | null = null;
  private exits: Array<(reason: string) => void> = [];

  constructor(readonly idleAfterSteps: boolean) {}

  onMessage(listener: ((m: ChildMessage) => void) | null): void {
    this.listener = listener;
  }
  onExit(listener: (reason: string) => void): () => void {
    this.exits.push(listener);
    return () => {
      this.exits = this.exits.filter((l) => l !== listener);
    };
  }
  send(message: unknown): void {
    const m = message as { op: string; code?: string };
    if (m.op !== 'step') return;
    this.steps += 1;
    setImmediate(() =>
      this.listener?.({
        op: 'step_done',
        success: true,
        output: `ran ${this.steps}\n`,
        truncated: false,
        output_chars: 6,
        error: null,
        error_type: null,
        interrupted: false,
        globals: [],
      }),
    );
  }
  rss(): number | null {
    return null;
  }
  kill(): void {
    this.alive = false;
    for (const l of this.exits.splice(0)) l('killed by the harness');
  }
  setReferenced(): void {}
  request<T extends ChildMessage>(): Promise<T> {
    return Promise.resolve({ op: 'initialized' } as T);
  }
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.idleAfterSteps || this.steps === 0) return Promise.resolve(true);
    return new Promise((resolve) => setTimeout(() => resolve(false), timeoutMs));
  }
}

test('an interpreter still busy after a step is replaced before the next one, with the state loss reported', async () => {
  const stuck = new ScriptedInterpreter(false);
  const fresh = new ScriptedInterpreter(true);
  const released: InterpreterChannel[] = [];
  const session = new Session({ mode: 'persistent', tools: [] }, stuck, {
    acquire: async () => fresh,
    release: (proc) => released.push(proc),
  });
  await session.initialize();
  const first = await session.step('x = 1');
  assert.deepEqual(first.incidents, []);
  const second = await session.step('print(1)');
  assert.equal(stuck.alive, false, 'the busy interpreter was ended');
  assert.equal(fresh.steps, 1, 'the step ran in the replacement');
  assert.equal(second.success, true);
  assert.equal(second.output, 'ran 1\n');
  assert.deepEqual(
    second.incidents.map((i) => [i.kind, i.stateLost]),
    [['killed', true]],
  );
  const third = await session.step('print(2)');
  assert.deepEqual(third.incidents, [], 'an idle interpreter is kept');
  await session.close();
  assert.deepEqual(released, [fresh]);
});
