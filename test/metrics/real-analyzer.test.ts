// The behavioral metrics with the real parser (the sandbox's Python `ast`) agree with the
// hand-checked answers computed with the test stand-in.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { computeMetrics } from '../../src/metrics/index.js';
import { makeResult, makeTrace, stubAnalyzer, writeRun } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'alr-real-analyzer-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

it('Python ast gives the same behavioral metrics as the hand-checked stand-in', async () => {
  const persistent = [
    'ids = json.loads(list_items())',
    'info = {}\nfor i in ids:\n    info[i] = json.loads(inspect(i))',
    'best = sorted(info)',
    'take_item(best)',
    'finish()',
  ];
  const stateless = [
    'import json\nids = json.loads(list_items())\nprint(ids)',
    "import json\nids = ['a', 'b']\ninfo = {}\nfor i in ids:\n    print(i)",
    "import json\ninfo = {'a': 1}\nbest = sorted(info)\nprint(best)",
    "import json\ntake_item('a')\nfinish()",
  ];
  const held = [
    ['ids'],
    ['ids', 'info', 'i'],
    ['ids', 'info', 'i', 'best'],
    ['ids', 'info', 'i', 'best'],
    ['ids', 'info', 'i', 'best'],
  ];
  const run = writeRun(tmp, 'r', [
    {
      name: 'pp',
      runtime: 'persistent',
      style: 'persistent',
      episodes: [
        {
          id: 'knapsack-0000000000',
          trace: makeTrace(persistent.map((code, i) => ({ code, globals: held[i] }))),
          result: makeResult(1, true),
        },
      ],
    },
    {
      name: 'ps',
      runtime: 'stateless',
      style: 'persistent',
      episodes: [
        {
          id: 'knapsack-0000000000',
          trace: makeTrace(persistent.map((code) => ({ code, globals: [] }))),
          result: makeResult(1, true),
        },
      ],
    },
    {
      name: 'ss',
      runtime: 'stateless',
      style: 'stateless',
      episodes: [
        {
          id: 'knapsack-0000000000',
          trace: makeTrace(stateless.map((code) => ({ code, globals: [] }))),
          result: makeResult(1, true),
        },
      ],
    },
  ]);
  const real = await computeMetrics([run]);
  assert.equal(real.behavioralAvailable, true);
  const stub = await computeMetrics([run], { analyzer: stubAnalyzer });
  const pick = (m: (typeof real.episodes)[number]['metrics']) => [
    m.state_utilization,
    m.state_reuse_per_step,
    m.reimport_rate,
    m.imports_per_step,
    m.symbol_lifespan,
    m.unparsed_blocks,
  ];
  assert.deepEqual(
    real.episodes.map((e) => pick(e.metrics)),
    stub.episodes.map((e) => pick(e.metrics)),
  );
  assert.deepEqual(pick(real.episodes[0]?.metrics as never), [0.75, 0.75, 0, 0, 0.75, 0]);
});
