import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { computeMetrics, errorTypeFromText } from '../../src/metrics/index.js';
import { makeResult, makeTrace, type StepSpec, stubAnalyzer, writeRun } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'alr-metrics-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// The same persistent-style program; in the stateless runtime steps 1–3 fail with NameError.
const persistentCode = [
  'ids = json.loads(list_items())',
  'info = {}\nfor i in ids:\n    info[i] = json.loads(inspect(i))',
  'best = sorted(info)',
  'take_item(best)',
  'finish()',
];
const persistentGlobals = [
  ['ids'],
  ['ids', 'info', 'i'],
  ['ids', 'info', 'i', 'best'],
  ['ids', 'info', 'i', 'best'],
  ['ids', 'info', 'i', 'best'],
];
const nameError =
  'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nNameError: name \'ids\' is not defined';

const statelessCode = [
  'import json\nids = json.loads(list_items())\nprint(ids)',
  "import json\nids = ['a', 'b']\ninfo = {}\nfor i in ids:\n    print(i)",
  "import json\ninfo = {'a': 1}\nbest = sorted(info)\nprint(best)",
  "import json\ntake_item('a')\nfinish()",
];

function pp(): StepSpec[] {
  return persistentCode.map((code, i) => ({ code, globals: persistentGlobals[i] }));
}
function ps(): StepSpec[] {
  return persistentCode.map((code, i) => ({
    code,
    globals: [],
    ...(i >= 1 && i <= 3 ? { error: nameError, error_type: 'NameError' } : {}),
  }));
}
function ss(): StepSpec[] {
  return statelessCode.map((code) => ({ code, globals: [] }));
}

const runDir = writeRun(tmp, 'run', [
  {
    name: 'p-p',
    runtime: 'persistent',
    style: 'persistent',
    episodes: [{ id: 'knapsack-0000000000', trace: makeTrace(pp()), result: makeResult(1, true) }],
  },
  {
    name: 'p-s',
    runtime: 'stateless',
    style: 'persistent',
    episodes: [{ id: 'knapsack-0000000000', trace: makeTrace(ps()), result: makeResult(0.5, false) }],
  },
  {
    name: 's-s',
    runtime: 'stateless',
    style: 'stateless',
    episodes: [{ id: 'knapsack-0000000000', trace: makeTrace(ss()), result: makeResult(1, true) }],
  },
]);

async function metricsOf(agent: string) {
  const { conditions, episodes } = await computeMetrics([runDir], { analyzer: stubAnalyzer });
  const cond = conditions.find((c) => c.agent === agent);
  assert.ok(cond, `condition for ${agent}`);
  const ep = episodes.find((e) => e.metrics.condition === cond.id);
  assert.ok(ep);
  return { cond, m: ep.metrics };
}

describe('behavioral metrics on hand-made traces', () => {
  it('persistent style in the persistent runtime reuses interpreter state', async () => {
    const { cond, m } = await metricsOf('p-p');
    assert.equal(cond.train, 'persistent');
    assert.equal(cond.runtime, 'persistent');
    // Steps 1, 2, 3 read ids / info / best kept from earlier; step 4 only calls a tool: 3 of 4.
    assert.equal(m.state_utilization, 0.75);
    assert.equal(m.state_reuse_per_step, 0.75);
    assert.equal(m.reimport_rate, 0);
    assert.equal(m.imports_per_step, 0);
    // ids@0 last read @1, info@1 → @2, best@2 → @3, i@1 never read later: (1+1+1+0)/4.
    assert.equal(m.symbol_lifespan, 0.75);
    assert.equal(m.name_errors, 0);
    assert.equal(m.has_name_error, false);
  });

  it('persistent style in the stateless runtime uses no state and hits NameErrors', async () => {
    const { m } = await metricsOf('p-s');
    assert.equal(m.state_utilization, 0);
    assert.equal(m.name_errors, 3);
    assert.equal(m.has_name_error, true);
    assert.equal(m.error_steps, 3);
    assert.equal(m.longest_error_run, 3);
    assert.equal(m.symbol_lifespan, 0.75);
  });

  it('stateless style re-imports on every step and keeps nothing across turns', async () => {
    const { m } = await metricsOf('s-s');
    assert.equal(m.reimport_rate, 1);
    assert.equal(m.imports_per_step, 1);
    assert.equal(m.state_utilization, 0);
    assert.equal(m.symbol_lifespan, 0);
  });

  it('without recorded globals, the runtime decides what the interpreter held', async () => {
    const dir = join(tmp, 'noglobals');
    const steps = pp().map(({ code }) => ({ code }));
    const trace = makeTrace(steps) as { events: Array<{ type: string; data: Record<string, unknown> }> };
    for (const e of trace.events) if (e.type === 'StepEvent') delete e.data.globals;
    writeRun(dir, 'r', [
      {
        name: 'a',
        runtime: 'persistent',
        style: 'persistent',
        episodes: [{ id: 'knapsack-0000000001', trace, result: makeResult(1, true) }],
      },
      {
        name: 'b',
        runtime: 'stateless',
        style: 'persistent',
        episodes: [{ id: 'knapsack-0000000001', trace, result: makeResult(1, true) }],
      },
    ]);
    const { conditions, episodes } = await computeMetrics([join(dir, 'r')], { analyzer: stubAnalyzer });
    const byAgent = (a: string) =>
      episodes.find((e) => e.metrics.condition === conditions.find((c) => c.agent === a)?.id)?.metrics;
    assert.equal(byAgent('a')?.state_utilization, 0.75);
    assert.equal(byAgent('b')?.state_utilization, 0);
  });

  it('unparsable blocks are counted and left out', async () => {
    const dir = join(tmp, 'unparsed');
    const steps: StepSpec[] = [
      { code: 'x = 1', globals: ['x'] },
      { code: 'SYNTAX ERROR', error: 'SyntaxError: bad', globals: ['x'] },
      { code: 'print(x)', globals: ['x'] },
    ];
    writeRun(dir, 'r', [
      {
        name: 'a',
        runtime: 'persistent',
        style: 'persistent',
        episodes: [{ id: 'knapsack-0000000002', trace: makeTrace(steps) }],
      },
    ]);
    const { episodes } = await computeMetrics([join(dir, 'r')], { analyzer: stubAnalyzer });
    const m = episodes[0]?.metrics;
    assert.equal(m?.unparsed_blocks, 1);
    assert.equal(m?.state_utilization, 1);
    assert.equal(m?.error_steps, 1);
  });

  it('without an analyzer the behavioral metrics are unavailable, not guessed', async () => {
    const { episodes, behavioralAvailable } = await computeMetrics([runDir], { analyzer: null });
    assert.equal(behavioralAvailable, false);
    for (const e of episodes) {
      assert.equal(e.metrics.state_utilization, null);
      assert.equal(e.metrics.symbol_lifespan, null);
    }
    // NameErrors come from the error type, not from the parser.
    assert.ok(episodes.some((e) => e.metrics.name_errors === 3));
  });
});

describe('error types', () => {
  it('reads the exception type from the last line', () => {
    assert.equal(errorTypeFromText(nameError), 'NameError');
    assert.equal(
      errorTypeFromText(
        'pythonformer.codeact.tool.ToolRuntimeException: ToolRuntimeException: Unknown item_id: x',
      ),
      'ToolRuntimeException',
    );
    assert.equal(errorTypeFromText('Traceback...\nKeyError\n'), 'KeyError');
    assert.equal(
      errorTypeFromText(
        'Error: You emitted multiple code blocks. Please provide only one executable code block per turn.',
      ),
      null,
    );
    assert.equal(errorTypeFromText(null), null);
  });
});
