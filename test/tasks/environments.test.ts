import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createEnvironment,
  DEFAULT_TOOL_DOCS,
  type Environment,
  parseTask,
  renderToolPrompt,
  type Tool,
  ToolRuntimeError,
} from '../../src/tasks/index.js';
import { knapsackTaskJson, navigationTaskJson, ruleTaskJson } from './fixtures.js';

function toolsByName(env: Environment): Record<string, Tool> {
  return Object.fromEntries(env.tools().map((tool) => [tool.name, tool]));
}

function throwsTool(fn: () => unknown, message: string, pythonType: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ToolRuntimeError, `expected ToolRuntimeError, got ${String(err)}`);
    assert.equal(err.message, message);
    assert.equal(err.pythonType, pythonType);
    return true;
  });
}

test('knapsack tools come in the reference order, finish last', () => {
  const env = createEnvironment(parseTask(knapsackTaskJson()));
  assert.deepEqual(
    env.tools().map((t) => t.name),
    ['inspect', 'take_item', 'list_items', 'finish'],
  );
});

test('knapsack inspect: compact sorted JSON, cache, budget, unknown ids', () => {
  const env = createEnvironment(parseTask(knapsackTaskJson()));
  const { inspect } = toolsByName(env);
  assert.ok(inspect);
  assert.equal(inspect.call({ item_id: 'item_a' }), '{"class":"A","value":30,"weight":6}');
  // Non-ASCII is escaped as Python's default json.dumps does.
  assert.equal(inspect.call({ item_id: 'item_d' }), '{"class":"\\u00c4","value":5,"weight":5}');
  throwsTool(
    () => inspect.call({ item_id: 'item_b' }),
    'Inspect budget exceeded (budget=2, used=2)',
    'RuntimeError',
  );
  // An item already inspected is served from the cache even with the budget spent.
  assert.equal(inspect.call({ item_id: 'item_a' }), '{"class":"A","value":30,"weight":6}');
  throwsTool(() => inspect.call({ item_id: 'nope' }), 'Unknown item_id: nope', 'ValueError');
  assert.equal(env.evaluate().metrics.inspected_count, 2);
});

test('knapsack list_items: Python default json.dumps of the ids in file order', () => {
  const env = createEnvironment(parseTask(knapsackTaskJson()));
  assert.equal(toolsByName(env).list_items?.call({}), '["item_a", "item_b", "item_c", "item_d"]');
});

test('knapsack take_item: errors in the reference order and wording', () => {
  const env = createEnvironment(parseTask(knapsackTaskJson()));
  const take = toolsByName(env).take_item as Tool;
  throwsTool(() => take.call({ item_id: 'x' }), 'Unknown item_id: x', 'ValueError');
  throwsTool(() => take.call({ item_id: 'item_c' }), "Item class 'Z' not allowed.", 'PermissionError');
  assert.equal(take.call({ item_id: 'item_a' }), null); // no prior inspection needed
  throwsTool(() => take.call({ item_id: 'item_a' }), 'Item already taken: item_a', 'ValueError');
  const json = knapsackTaskJson();
  (json.private as { items: Record<string, { weight: number }> }).items.item_b.weight = 5;
  const tight = createEnvironment(parseTask(json));
  const take2 = toolsByName(tight).take_item as Tool;
  take2.call({ item_id: 'item_a' });
  throwsTool(
    () => take2.call({ item_id: 'item_b' }),
    'Capacity exceeded: current=6, item=5, capacity=10',
    'RuntimeError',
  );
});

test('knapsack with no allowed classes accepts every class', () => {
  const json = knapsackTaskJson();
  (json.public as { allowed_classes: string[] }).allowed_classes = [];
  const env = createEnvironment(parseTask(json));
  assert.equal(toolsByName(env).take_item?.call({ item_id: 'item_c' }), null);
});

test('knapsack evaluate: score, solved flag and metrics in the reference order', () => {
  const env = createEnvironment(parseTask(knapsackTaskJson()));
  const tools = toolsByName(env);
  tools.inspect?.call({ item_id: 'item_a' });
  tools.take_item?.call({ item_id: 'item_a' });
  let result = env.evaluate();
  assert.equal(result.is_solved, false);
  assert.equal(result.score, 30 / 55);
  assert.deepEqual(Object.keys(result.metrics), [
    'agent_value',
    'optimal_value',
    'optimality_gap',
    'weight_used',
    'capacity',
    'items_taken_count',
    'inspected_count',
  ]);
  assert.deepEqual(Object.values(result.metrics), [30, 55, 25, 6, 10, 1, 1]);
  tools.take_item?.call({ item_id: 'item_b' });
  result = env.evaluate();
  assert.equal(result.is_solved, true);
  assert.equal(result.score, 1);
  assert.equal(env.finished, false);
  assert.equal(tools.finish?.call({}), null);
  assert.equal(env.finished, true);
});

test('knapsack goal prompt states capacity and budget where the scripted policies look for them', () => {
  const env = createEnvironment(parseTask(knapsackTaskJson()));
  const prompt = env.goalPrompt();
  assert.equal(prompt.match(/capacity\D*(\d+)/i)?.[1], '10');
  assert.equal(prompt.match(/budget\D*(\d+)/i)?.[1], '2');
  // All item classes, sorted, as a Python set literal; the allowed ones are not revealed.
  assert.ok(prompt.includes("{'A', 'B', 'Z', 'Ä'}"));
  assert.equal(env.goalPromptValues?.().item_classes, "{'A', 'B', 'Z', 'Ä'}");
});

test('navigation: scan, move, step limit and evaluate', () => {
  const env = createEnvironment(parseTask(navigationTaskJson()));
  const tools = toolsByName(env);
  assert.deepEqual(
    env.tools().map((t) => t.name),
    ['scan', 'move', 'finish'],
  );
  assert.equal(tools.scan?.call({}), 'n1,n3');
  throwsTool(() => tools.move?.call({ node_id: 'n2' }), 'Node n2 is not adjacent to n0.', 'ValueError');
  tools.move?.call({ node_id: 'n3' });
  assert.equal(tools.scan?.call({}), 'n0,n1'); // sorted, whatever the file order
  tools.move?.call({ node_id: 'n1' });
  tools.move?.call({ node_id: 'n2' });
  throwsTool(() => tools.move?.call({ node_id: 'n1' }), 'Max steps (3) exceeded.', 'RuntimeError');
  const result = env.evaluate();
  assert.equal(result.is_solved, true);
  assert.equal(result.score, 2 / 3);
  assert.deepEqual(result.metrics, { steps_taken: 3, optimal_steps: 2, visited_unique: 4, step_limit: 3 });
  assert.ok(env.goalPrompt().includes('n0') && env.goalPrompt().includes('n2'));
  assert.deepEqual(env.goalPromptValues?.(), { start_node: 'n0', goal_node: 'n2', max_steps: 3 });
});

test('navigation not at the goal scores 0', () => {
  const env = createEnvironment(parseTask(navigationTaskJson()));
  const result = env.evaluate();
  assert.equal(result.is_solved, false);
  assert.equal(result.score, 0);
});

test('rule diagnosis: probes with Python modulo, budget, submissions', () => {
  const env = createEnvironment(parseTask(ruleTaskJson('affine_mod')));
  const tools = toolsByName(env);
  assert.deepEqual(
    env.tools().map((t) => t.name),
    ['test_input', 'submit', 'finish'],
  );
  assert.equal(tools.test_input?.call({ x: -10 }), (((4 * -10 + 22) % 23) + 23) % 23);
  assert.equal(tools.test_input?.call({ x: 1 }), 3);
  throwsTool(() => tools.test_input?.call({ x: 2 }), 'Probe budget exceeded (2)', 'RuntimeError');
  assert.equal(tools.submit?.call({ params: '{"a": 4, "b": 22}' }), false); // m missing
  assert.equal(tools.submit?.call({ params: '{"a": 4.9, "b": "22", "m": 23}' }), true); // int() semantics
  assert.equal(env.evaluate().is_solved, true);
  assert.equal(tools.submit?.call({ params: '{"a": 5, "b": 22, "m": 23}' }), false); // last one wins
  const result = env.evaluate();
  assert.equal(result.is_solved, false);
  assert.deepEqual(result.metrics, { probes_used: 2, probe_budget: 2, efficiency: 0, family: 'affine_mod' });
});

test('rule diagnosis submit: Python json.loads and int() error messages', () => {
  const env = createEnvironment(parseTask(ruleTaskJson('linear_int')));
  const submit = toolsByName(env).submit as Tool;
  // Expected texts recorded from CPython 3.11's json and int().
  const cases: Array<[string, string]> = [
    ["{'a': 1, 'b': 2}", 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['', 'Expecting value: line 1 column 1 (char 0)'],
    ['{"a": 1,}', 'Expecting property name enclosed in double quotes: line 1 column 9 (char 8)'],
    ['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
    ['{"a": 1} x', 'Extra data: line 1 column 10 (char 9)'],
    ['[1 2]', "Expecting ',' delimiter: line 1 column 4 (char 3)"],
    ['"abc', 'Unterminated string starting at: line 1 column 1 (char 0)'],
    ['"a\\qb"', 'Invalid \\escape: line 1 column 3 (char 2)'],
    ['"\\u12"', 'Invalid \\uXXXX escape: line 1 column 3 (char 2)'],
    ['"a\u0001"', 'Invalid control character at: line 1 column 3 (char 2)'],
    ['{"a":\n tru}', 'Expecting value: line 2 column 2 (char 7)'],
    ['01', 'Extra data: line 1 column 2 (char 1)'],
    ['{"a": 1', "Expecting ',' delimiter: line 1 column 8 (char 7)"],
    ['[1,]', 'Expecting value: line 1 column 4 (char 3)'],
  ];
  for (const [input, message] of cases)
    throwsTool(() => submit.call({ params: input }), `Invalid JSON in params: ${message}`, 'ValueError');
  throwsTool(
    () => submit.call({ params: '{"a": "abc", "b": 4}' }),
    "invalid literal for int() with base 10: 'abc'",
    'ValueError',
  );
  throwsTool(
    () => submit.call({ params: '{"a": null, "b": 4}' }),
    "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
    'ValueError',
  );
  throwsTool(() => submit.call({ params: '5' }), "argument of type 'int' is not iterable", 'ValueError');
  assert.equal(submit.call({ params: ' {"b": 4, "a": -3} ' }), true);
});

test('rule diagnosis linear evaluate and goal prompt', () => {
  const env = createEnvironment(parseTask(ruleTaskJson('linear_int')));
  const tools = toolsByName(env);
  assert.equal(tools.test_input?.call({ x: 5 }), -11);
  assert.deepEqual(env.evaluate().metrics, {
    probes_used: 1,
    probe_budget: 2,
    efficiency: 0.5,
    family: 'linear_int',
  });
  assert.match(env.goalPrompt(), /linear_int/);
  assert.match(env.goalPrompt(), /budget\D*2\b/);
});

test('renderToolPrompt lists every tool and the limit sentence', () => {
  const env = createEnvironment(parseTask(ruleTaskJson('linear_int')));
  const prompt = renderToolPrompt(env.tools(), 7);
  assert.ok(prompt.startsWith('Available tools:\ndef test_input(x: int) -> int\n  """\n'));
  assert.ok(prompt.includes('\ndef submit(params: str) -> bool\n'));
  assert.ok(prompt.includes('\ndef finish() -> None\n'));
  assert.ok(prompt.endsWith('"""\n The maximum number of tool calls allowed per turn is 7.\n'));
  assert.ok(!renderToolPrompt(env.tools()).includes('maximum number'));
});

test('DEFAULT_TOOL_DOCS holds the docs of every tool of every family', () => {
  const envs = [knapsackTaskJson(), navigationTaskJson(), ruleTaskJson('linear_int')].map((json) =>
    createEnvironment(parseTask(json)),
  );
  for (const env of envs) {
    for (const tool of env.tools()) {
      assert.equal(DEFAULT_TOOL_DOCS[tool.name]?.doc, tool.doc, tool.name);
      for (const param of tool.params)
        assert.equal(DEFAULT_TOOL_DOCS[tool.name]?.args?.[param.name], param.doc);
    }
  }
});

test('a ToolRuntimeError carries its message but no stack frames, and leaves the stack limit as it was', () => {
  const before = Error.stackTraceLimit;
  const err = new ToolRuntimeError('Item already taken: a', 'ValueError');
  assert.equal(Error.stackTraceLimit, before);
  assert.equal(err.message, 'Item already taken: a');
  assert.equal(err.pythonType, 'ValueError');
  assert.equal(String(err.stack).split('\n').length, 1, String(err.stack));
  assert.ok(String(new Error('x').stack).split('\n').length > 1);
});
