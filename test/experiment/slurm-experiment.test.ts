// `alr experiment --executor slurm` on a real one-node Slurm (munged, slurmctld, slurmd started by
// the test): a run stage on scripted policies goes through real sbatch job arrays, every episode
// lands exactly once; an array task cancelled mid-run (scancel) is resubmitted alone by the same
// command, and every episode is still there exactly once.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readSlurmJobs } from '../../src/formats/slurm-jobs.js';
import { cpythonAvailable } from '../../src/sandbox/index.js';
import { cliPath } from '../helpers/paths.js';
import { type SlurmCluster, slurmUnavailable, startSlurmCluster } from '../helpers/slurm-cluster.js';
import { requireSystemDep } from '../helpers/system-deps.js';

const scratch = mkdtempSync(join(tmpdir(), 'alr-slurm-exp-'));
const backend = cpythonAvailable() ? 'cpython' : 'pyodide';
const TASKS = 6;
const SHARDS = 3;

let cluster: SlurmCluster | undefined;
let startError: string | undefined = slurmUnavailable();
before(async () => {
  if (startError) return;
  try {
    cluster = await startSlurmCluster();
  } catch (err) {
    startError = (err as Error).message;
  }
});
after(async () => {
  await cluster?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** A plan whose one run stage has two conditions; `served` points the model at an `alr serve` URL. */
function writePlan(name: string, served?: string): string {
  const file = join(scratch, `${name}.yaml`);
  const model = served
    ? `  policy: {model: served-policy, base_url: ${JSON.stringify(served)}, policy_style: persistent}`
    : '  policy: {model: scripted-persistent}';
  writeFileSync(
    file,
    [
      `name: ${name}`,
      `out: ${join(scratch, name)}`,
      'defaults: {max_turns: 40, max_tool_calls: 25, llm: {cache_enabled: false}}',
      'task_sets:',
      '  easy:',
      '    generate:',
      '      families: [knapsack]',
      `      num_tasks: ${TASKS}`,
      '      settings:',
      '        seed_start: 123456789',
      '        knapsack: {n_items_range: [25, 40], weight_range: [5, 20], value_range: [10, 100],',
      '          classes: [A, B, C, D, E, F, G, H, I, J, K, L, M, N, O], num_allowed_classes: 3,',
      '          capacity_ratio_range: [0.35, 0.5]}',
      'models:',
      model,
      'stages:',
      '  - {name: eval, kind: run, task_sets: [easy], models: [policy], runtimes: [persistent, stateless]}',
      '',
    ].join('\n'),
  );
  return file;
}

function experimentArgs(plan: string): string[] {
  return [
    cliPath,
    'experiment',
    plan,
    '--executor',
    'slurm',
    '--array-size',
    String(SHARDS),
    '--poll-s',
    '1',
    '--backend',
    backend,
    '--no-progress',
  ];
}

function start(plan: string): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn(process.execPath, experimentArgs(plan), {
    env: { ...process.env, ...cluster?.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, done };
}

const conditions = ['policy_persistent_easy', 'policy_stateless_easy'];

/** Every task has one result and one trace in each condition, nothing else, and the summary counts all. */
function assertExactlyOnce(out: string): void {
  for (const condition of conditions) {
    const runDir = join(out, 'eval', condition);
    const dir = join(runDir, 'results', condition, 'knapsack');
    const files = readdirSync(dir).sort();
    const results = files.filter((f) => /\d\.json$/.test(f));
    const traces = files.filter((f) => f.endsWith('.trace.json'));
    assert.equal(results.length, TASKS, `${condition}: ${files.join(', ')}`);
    for (const f of results) {
      const result = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      assert.equal(result.status, 'completed', `${condition}/${f}: ${result.error}`);
    }
    assert.deepEqual(
      traces.map((f) => f.replace('.trace.json', '.json')),
      results,
      `${condition}: one trace per result`,
    );
    assert.equal(files.length, 2 * TASKS, `${condition}: no temporaries or strays: ${files.join(', ')}`);
    const summary = JSON.parse(readFileSync(join(runDir, `summary_${condition}-knapsack.json`), 'utf8'));
    assert.equal(summary.num_tasks_executed, TASKS, `${condition}: the summary counts every episode once`);
  }
}

const jobsOf = (out: string) => readSlurmJobs(join(out, 'eval', 'slurm', 'jobs.json'));

describe('experiments on a real one-node Slurm', () => {
  it('a run stage through sbatch job arrays: every episode exactly once', async (t) => {
    if (!requireSystemDep(t, `a local Slurm (${startError})`, cluster !== undefined)) return;
    const plan = writePlan('whole');
    const out = join(scratch, 'whole');
    const { code, stderr } = await start(plan).done;
    assert.equal(code, 0, stderr);
    assertExactlyOnce(out);
    assert.deepEqual(
      jobsOf(out).map((j) => j.array),
      [`0-${SHARDS - 1}`],
    );
    assert.ok(existsSync(join(out, 'eval', 'slurm', 'stage.sbatch')), 'the generated script is kept');
    const logs = readdirSync(join(out, 'eval', 'slurm', 'logs'));
    assert.equal(logs.length, SHARDS, logs.join(', '));
    // Nothing missing: the same command submits nothing.
    const again = await start(plan).done;
    assert.equal(again.code, 0, again.stderr);
    assert.equal(jobsOf(out).length, 1);
  });

  it('an array task cancelled mid-run: the same command resubmits only its shard, every episode once', async (t) => {
    if (!requireSystemDep(t, `a local Slurm (${startError})`, cluster !== undefined)) return;
    // A slow endpoint (a scripted policy served with latency) keeps the tasks running long enough to cancel one.
    const server = spawn(
      process.execPath,
      [
        cliPath,
        'serve',
        '--policy',
        'scripted-persistent',
        '--port',
        '0',
        '--latency-ms',
        '80',
        '--usage',
        'approximate',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        server.stdout?.on('data', (d) => {
          text += d;
          const m = /at (http:\/\/\S+)/.exec(text);
          if (m) resolve(m[1]);
        });
        server.on('exit', () => reject(new Error('alr serve exited')));
      });
      const plan = writePlan('cancelled', url);
      const out = join(scratch, 'cancelled');
      const first = start(plan);
      // Once the array runs and an episode is on disk, cancel array task 1.
      let cancelled = '';
      for (let i = 0; i < 600 && !cancelled; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const jobsFile = join(out, 'eval', 'slurm', 'jobs.json');
        const dir = join(out, 'eval', conditions[0], 'results', conditions[0], 'knapsack');
        if (!existsSync(jobsFile) || !existsSync(dir) || !readdirSync(dir).some((f) => /\d\.json$/.test(f)))
          continue;
        cancelled = `${jobsOf(out)[0].job}_1`;
        const r = spawnSync('scancel', [cancelled], {
          env: { ...process.env, ...cluster?.env },
          encoding: 'utf8',
        });
        assert.equal(r.status, 0, r.stderr);
      }
      assert.ok(cancelled, 'the array started playing');
      const interrupted = await first.done;
      assert.equal(interrupted.code, 1, `episodes were missing after the cancel: ${interrupted.stderr}`);
      assert.match(interrupted.stderr, /still missing/);

      const resumed = await start(plan).done;
      assert.equal(resumed.code, 0, resumed.stderr);
      const jobs = jobsOf(out);
      assert.equal(jobs.length, 2);
      assert.equal(jobs[1].array, '1', 'only the cancelled shard is submitted again');
      assertExactlyOnce(out);
    } finally {
      server.kill();
    }
  });

  it('an external stage with a script is submitted as a job; the stage is done when it exits 0', async (t) => {
    if (!requireSystemDep(t, `a local Slurm (${startError})`, cluster !== undefined)) return;
    const planFor = (name: string, exitCode: number) => {
      const script = join(scratch, `${name}.sh`);
      // The script proves it ran inside Slurm and saw its marker's path.
      writeFileSync(
        script,
        `echo "job $SLURM_JOB_ID marker $ALR_STAGE_MARKER" > "$ALR_STAGE_MARKER.seen"\nexit ${exitCode}\n`,
      );
      const plan = join(scratch, `${name}.yaml`);
      writeFileSync(
        plan,
        [
          `name: ${name}`,
          `out: ${join(scratch, name)}`,
          'task_sets: {t: {dir: .}}',
          'models: {m: {model: scripted-persistent}}',
          'stages:',
          `  - {name: train, kind: external, instructions: train it, script: ${name}.sh}`,
          '',
        ].join('\n'),
      );
      return plan;
    };
    const ok = await start(planFor('external-ok', 0)).done;
    assert.equal(ok.code, 0, ok.stderr);
    const marker = join(scratch, 'external-ok', 'train.done');
    assert.ok(existsSync(marker), 'the wrapper marked the stage done');
    assert.match(readFileSync(`${marker}.seen`, 'utf8'), /^job \d+ marker .*train\.done$/m);

    const failed = await start(planFor('external-bad', 3)).done;
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, /ended without success/);
    assert.ok(!existsSync(join(scratch, 'external-bad', 'train.done')));
    assert.ok(existsSync(join(scratch, 'external-bad', 'train.slurm.log')));
  });
});
