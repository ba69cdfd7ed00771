// The harness side of tool calls, without an interpreter: binding, type checks, the limit, and
// requests forged to look valid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ToolArgumentDescription, ToolRequest } from '../../src/sandbox/protocol.js';
import { answerToolRequest, type StepToolState } from '../../src/sandbox/tool-bridge.js';
import { fakeTools } from './helpers.js';

const int = (value: number): ToolArgumentDescription => ({ type: 'int', kinds: ['int'], value });
const str = (value: string): ToolArgumentDescription => ({ type: 'str', kinds: ['str'], value });

function setup(limit?: number) {
  const { tools, state } = fakeTools();
  const byName = new Map(tools.map((t) => [t.name, t]));
  const step: StepToolState = { attempts: 0, limit, records: [] };
  const call = (
    name: string,
    args: ToolArgumentDescription[],
    kwargs: Record<string, ToolArgumentDescription> = {},
  ) => answerToolRequest(byName, { op: 'tool', name, args, kwargs } as ToolRequest, step);
  return { call, state, step };
}

test('valid calls reach the tool and are recorded with their arguments', () => {
  const { call, state, step } = setup();
  assert.deepEqual(call('bump', [int(3)]), { op: 'tool_result', ok: true, value: 3, py: 'int' });
  assert.deepEqual(
    call('describe', [str('a')], { flag: { type: 'bool', kinds: ['bool', 'int'], value: true } }),
    {
      op: 'tool_result',
      ok: true,
      value: 'a|1.5|true',
      py: 'str',
    },
  );
  assert.equal(state.counter, 3);
  assert.deepEqual(
    step.records.map((r) => [r.tool, r.ok, r.args]),
    [
      ['bump', true, { n: 3 }],
      ['describe', true, { label: 'a', weight: 1.5, flag: true }],
    ],
  );
});

test('binding and type errors use the reference messages', () => {
  const { call, state } = setup();
  const message = (answer: ReturnType<typeof call>) => ('message' in answer ? answer.message : null);
  assert.equal(
    message(call('describe', [str('a'), int(1), int(1), int(4)])),
    'too many positional arguments',
  );
  assert.equal(
    message(call('describe', [str('a')], { label: str('b') })),
    "multiple values for argument 'label'",
  );
  assert.equal(
    message(call('describe', [], { colour: int(1) })),
    "got an unexpected keyword argument 'colour'",
  );
  assert.equal(
    message(call('describe', [], { weight: str('x') })),
    'Argument weight should be of type float. Got str instead.,Missing required argument label',
  );
  assert.equal(
    message(call('bump', [{ type: 'list', kinds: [] }])),
    'Argument n should be of type int. Got list instead.',
  );
  assert.equal(state.counter, 0);
});

test('a forged description cannot pass a value of another type', () => {
  const { call, state } = setup();
  const forged = call('bump', [{ type: 'int', kinds: ['int'], value: 'abc' }]);
  assert.equal(forged.ok, false);
  const fractional = call('bump', [{ type: 'int', kinds: ['int'], value: 1.5 }]);
  assert.equal(fractional.ok, false);
  assert.equal(call('nope', []).ok, false);
  assert.equal(state.counter, 0);
});

test('the per-step limit counts every attempt, invalid ones included', () => {
  const { call, state, step } = setup(2);
  assert.equal(call('bump', [str('x')]).ok, false);
  assert.equal(call('bump', [int(1)]).ok, true);
  const refused = call('bump', [int(1)]);
  assert.deepEqual(refused, {
    op: 'tool_result',
    ok: false,
    kind: 'limit',
    message: 'Tool call limit exceeded: allowed 2 per run.',
  });
  assert.equal(state.counter, 1);
  assert.equal(step.records.length, 3);
});

test('tool failures become runtime errors with the tool message', () => {
  const { call } = setup();
  assert.deepEqual(call('bump', [int(5000)]), {
    op: 'tool_result',
    ok: false,
    kind: 'runtime',
    message: 'Counter overflow',
  });
});
