// The Slurm executor's pure parts: which shards still miss episodes, the array specification and the
// generated batch script (the real-Slurm end-to-end test is slurm-experiment.test.ts).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parsePlan } from '../../src/experiment/plan.js';
import {
  arraySpec,
  missingShards,
  type SlurmCondition,
  stageScript,
} from '../../src/experiment/slurm-executor.js';
import { benchmarkConfigSchema } from '../../src/runner/config.js';
import { resultPath, runLayout } from '../../src/runner/layout.js';
import { listFamilyTasks } from '../../src/runner/list-tasks.js';
import { shardTasks } from '../../src/runner/task-selection.js';
import { generateSmallTaskSet } from '../helpers/small-task-set.js';

const scratch = mkdtempSync(join(tmpdir(), 'alr-slurm-exec-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const tasksDir = generateSmallTaskSet(join(scratch, 'tasks'), 5, ['knapsack']);

function condition(name: string): SlurmCondition {
  const config = benchmarkConfigSchema.parse({
    output_dir: join(scratch, 'out'),
    run_name: name,
    cache_db_path: join(scratch, 'cache.sqlite'),
    task_families: ['knapsack'],
    agents: [{ name, llm: { model: 'scripted-persistent' } }],
  });
  return { name, config, tasksDir, taskSetLabel: 'Easy' };
}

describe('slurm executor', () => {
  it('array specifications: a range when contiguous, else a list (0-based)', () => {
    assert.equal(arraySpec([1, 2, 3, 4]), '0-3');
    assert.equal(arraySpec([2]), '1');
    assert.equal(arraySpec([1, 3, 4]), '0,2,3');
  });

  it('only shards with a missing episode in some condition are submitted again', () => {
    const a = condition('a');
    const b = condition('b');
    assert.deepEqual(missingShards([a, b], 3), { shards: [1, 2, 3], episodes: 10 });
    // Write every result of condition a, and of b all but one task of shard 2.
    const tasks = listFamilyTasks(tasksDir, 'knapsack');
    const touch = (c: SlurmCondition, taskId: string) => {
      const file = resultPath(runLayout(c.config.output_dir, c.name), c.name, 'knapsack', taskId);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, '{}');
    };
    for (const t of tasks) touch(a, t.taskId);
    const shard2 = shardTasks(tasks, { index: 2, count: 3 });
    for (const t of tasks) if (t.taskId !== shard2[0].taskId) touch(b, t.taskId);
    assert.deepEqual(missingShards([a, b], 3), { shards: [2], episodes: 1 });
  });

  it('the batch script plays shard k+1 of every condition and reports a failure', () => {
    const script = stageScript('eval', '/shared/out/eval/slurm', [condition('a'), condition('b')], {
      arraySize: 4,
      sbatchArgs: [],
      alrCommand: ['/opt/node', '/opt/alr main.js'],
    });
    assert.match(script, /^#!\/bin\/bash\n/);
    assert.match(script, /shard="\$\(\(SLURM_ARRAY_TASK_ID \+ 1\)\)\/4"/);
    assert.equal(script.match(/--shard "\$shard" \|\| status=\$\?/g)?.length, 2);
    assert.match(
      script,
      /\/opt\/node '\/opt\/alr main\.js' run --config \/shared\/out\/eval\/slurm\/a\.yaml/,
    );
    assert.match(script, /exit \$status\n$/);
  });

  it('an external stage may name a script', () => {
    const plan = parsePlan(
      [
        'task_sets: {t: {dir: tasks}}',
        'models: {m: {model: scripted-persistent, base_url: [http://a/v1, http://b/v1]}}',
        'stages:',
        '  - {name: train, kind: external, instructions: train it, script: train.sh}',
      ].join('\n'),
      'plan.yaml',
    );
    const stage = plan.stages[0];
    assert.equal(stage.kind === 'external' && stage.script, 'train.sh');
    assert.deepEqual(plan.models.m.base_url, ['http://a/v1', 'http://b/v1']);
  });
});
