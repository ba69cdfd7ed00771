// `alr run --shard auto`: shards taken from a Slurm job array's or a Kubernetes indexed Job's
// environment, several shard processes writing into one run folder, and summaries that cover every
// result file present.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { removeStaleTemporaries } from '../../src/runner/episode.js';
import { shardFromEnvironment } from '../../src/runner/shard-from-env.js';
import { cpythonAvailable } from '../../src/sandbox/index.js';
import { temporaryHostTag } from '../../src/util/atomic-write.js';
import { InputError } from '../../src/util/errors.js';
import { cliPath } from '../helpers/paths.js';
import { writeScriptedConfig } from '../helpers/scripted-config.js';
import { generateSmallTaskSet } from '../helpers/small-task-set.js';

const scratch = mkdtempSync(join(tmpdir(), 'alr-shard-auto-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const backend = cpythonAvailable() ? 'cpython' : 'pyodide';
const PER_FAMILY = 4;
const tasksDir = generateSmallTaskSet(join(scratch, 'tasks'), PER_FAMILY);

function writeConfig(name: string): string {
  return writeScriptedConfig(join(scratch, `${name}.yaml`), {
    outputDir: join(scratch, name),
    cacheDb: join(scratch, 'cache.sqlite'),
    concurrency: 2,
    families: ['knapsack', 'rule_diagnosis'],
    agentKeys: ['max_turns: 40', 'max_tool_calls: 25'],
  });
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with only the given cluster variables set (inherited ones removed). */
function alr(args: string[], clusterEnv: Record<string, string> = {}): Promise<Finished> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env))
    if (key.startsWith('SLURM_') || key === 'JOB_COMPLETION_INDEX' || key === 'ALR_SHARD_COUNT')
      delete env[key];
  const child = spawn(process.execPath, [cliPath, ...args], { env: { ...env, ...clusterEnv } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const runArgs = (config: string, ...extra: string[]) => [
  'run',
  '--config',
  config,
  '--tasks',
  tasksDir,
  '--backend',
  backend,
  '--no-progress',
  ...extra,
];

/** Episodes each process played, from its closing lines ("(completed 3)" etc.). */
function played(stdout: string): number {
  let total = 0;
  for (const m of stdout.matchAll(/\((?:[^)]*?)\)$/gm))
    for (const n of m[0].matchAll(/(completed|timeout|error) (\d+)/g)) total += Number(n[2]);
  return total;
}

function resultFiles(out: string, family: string): string[] {
  const dir = join(out, 'r', 'results', 'sp', family);
  return existsSync(dir) ? readdirSync(dir).filter((f) => /\d\.json$/.test(f)) : [];
}

const summary = (out: string, family: string) =>
  JSON.parse(readFileSync(join(out, 'r', `summary_sp-${family}.json`), 'utf8')) as {
    num_tasks_executed: number;
  };

describe('shards from the environment', () => {
  it('a Slurm array task: index minus the array minimum, of the array count', () => {
    const env = { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '4', SLURM_ARRAY_TASK_COUNT: '3' };
    assert.deepEqual(shardFromEnvironment(env), { index: 2, count: 3 });
    assert.deepEqual(shardFromEnvironment({ ...env, SLURM_ARRAY_TASK_ID: '4' }), { index: 1, count: 3 });
    // A count that disagrees with the array, and indices with gaps, are refused.
    assert.throws(() => shardFromEnvironment(env, 4), /SLURM_ARRAY_TASK_COUNT/);
    assert.throws(() => shardFromEnvironment({ ...env, SLURM_ARRAY_TASK_ID: '9' }), /contiguous/);
    assert.throws(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '0' }), /SLURM_ARRAY_TASK_COUNT/);
  });

  it('a Kubernetes indexed Job: JOB_COMPLETION_INDEX with --shard-count or ALR_SHARD_COUNT', () => {
    assert.deepEqual(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 4), { index: 1, count: 4 });
    assert.deepEqual(shardFromEnvironment({ JOB_COMPLETION_INDEX: '3', ALR_SHARD_COUNT: '4' }), {
      index: 4,
      count: 4,
    });
    assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }), /--shard-count/);
    assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '4' }, 4), /not below/);
    assert.throws(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: 'x' }, 4), /JOB_COMPLETION_INDEX/);
  });

  it('no cluster variable is a clear error', () => {
    assert.throws(() => shardFromEnvironment({}), InputError);
    assert.throws(() => shardFromEnvironment({}), /neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX/);
  });
});

describe('alr run --shard auto into one run folder', () => {
  for (const engine of ['slurm', 'kubernetes'] as const) {
    it(`two ${engine} shards at once: disjoint episodes, every task once, whole summaries`, async () => {
      const config = writeConfig(`both-${engine}`);
      const out = join(scratch, `both-${engine}`);
      const envOf = (i: number): Record<string, string> =>
        engine === 'slurm'
          ? { SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_COUNT: '2' }
          : // One shard takes the count from the flag, the other from the environment.
            i === 0
            ? { JOB_COMPLETION_INDEX: '0', ALR_SHARD_COUNT: '2' }
            : { JOB_COMPLETION_INDEX: '1' };
      const extra = (i: number) => (engine === 'kubernetes' && i === 1 ? ['--shard-count', '2'] : []);
      const [a, b] = await Promise.all(
        [0, 1].map((i) => alr(runArgs(config, '--shard', 'auto', ...extra(i)), envOf(i))),
      );
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      assert.match(a.stderr, /shard 1\/2 \(from the environment\)/);
      assert.match(b.stderr, /shard 2\/2 \(from the environment\)/);
      // Each process played its own episodes, none skipped: together exactly every task.
      assert.doesNotMatch(a.stdout + b.stdout, /skipped/);
      assert.equal(played(a.stdout) + played(b.stdout), 2 * PER_FAMILY);
      assert.ok(played(a.stdout) > 0 && played(b.stdout) > 0);
      for (const family of ['knapsack', 'rule_diagnosis']) {
        assert.equal(resultFiles(out, family).length, PER_FAMILY);
        assert.equal(summary(out, family).num_tasks_executed, PER_FAMILY, family);
      }
      const leftovers = readdirSync(join(out, 'r', 'results', 'sp', 'knapsack')).filter((f) =>
        f.endsWith('.tmp'),
      );
      assert.deepEqual(leftovers, []);
    });
  }

  it('--shard auto with no cluster variable fails before writing anything', async () => {
    const config = writeConfig('no-env');
    const r = await alr(runArgs(config, '--shard', 'auto'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /SLURM_ARRAY_TASK_ID/);
    assert.ok(!existsSync(join(scratch, 'no-env')));
  });

  it('summaries cover every result file present, whatever --limit or --shard the re-run used', async () => {
    const config = writeConfig('partial');
    const out = join(scratch, 'partial');
    assert.equal((await alr(runArgs(config, '--shard', '1/2'))).code, 0);
    assert.equal((await alr(runArgs(config, '--limit', '1'))).code, 0);
    // The --limit 1 run summarizes shard 1's files plus its own, not just its one task per family.
    const knapsackFiles = resultFiles(out, 'knapsack').length;
    assert.ok(knapsackFiles >= 2 && knapsackFiles < PER_FAMILY, String(knapsackFiles));
    assert.equal(summary(out, 'knapsack').num_tasks_executed, knapsackFiles);
    // --summarize-only rewrites lost summaries from the files, playing nothing (no --tasks needed).
    rmSync(join(out, 'r', 'summary_sp-knapsack.json'));
    rmSync(join(out, 'r', 'summary_sp-rule_diagnosis.json'));
    const r = await alr(['run', '--config', config, '--summarize-only']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(summary(out, 'knapsack').num_tasks_executed, knapsackFiles);
    assert.equal(
      summary(out, 'rule_diagnosis').num_tasks_executed,
      resultFiles(out, 'rule_diagnosis').length,
    );
  });

  it("stale temporaries: a dead writer's on this machine are removed, another machine's are kept", () => {
    const dir = mkdtempSync(join(scratch, 'tmpfiles-'));
    // pid 2^22+1 is above Linux's pid_max, so no live process has it.
    const dead = 4194305;
    const mine = `.x.json.${dead}.0.${temporaryHostTag}.tmp`;
    const legacy = `.y.json.${dead}.3.tmp`;
    const other = `.z.json.${dead}.1.on-some-other-node.tmp`;
    const live = `.w.json.${process.pid}.2.${temporaryHostTag}.tmp`;
    for (const name of [mine, legacy, other, live]) writeFileSync(join(dir, name), '{');
    assert.equal(removeStaleTemporaries(dir), 2);
    assert.deepEqual(readdirSync(dir).sort(), [other, live].sort());
  });
});
