// `alr k8s-job`: the indexed Job manifest, and its pods' command run here as Kubernetes would run
// it (JOB_COMPLETION_INDEX set per pod, the manifest's environment), into one shared run folder.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import YAML from 'yaml';
import { k8sJobManifest } from '../../src/runner/k8s-job.js';
import { cpythonAvailable } from '../../src/sandbox/index.js';
import { InputError } from '../../src/util/errors.js';
import { cliPath } from '../helpers/paths.js';
import { generateSmallTaskSet } from '../helpers/small-task-set.js';

const scratch = mkdtempSync(join(tmpdir(), 'alr-k8s-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Container {
  command: string[];
  env: { name: string; value: string }[];
  volumeMounts: { name: string; mountPath: string }[];
}
interface Job {
  kind: string;
  spec: {
    completionMode: string;
    completions: number;
    parallelism: number;
    template: {
      spec: {
        restartPolicy: string;
        containers: Container[];
        volumes: { name: string; persistentVolumeClaim: { claimName: string } }[];
      };
    };
  };
}

describe('Kubernetes indexed Job manifest', () => {
  it('has completions = shards, the shared claim, and a --shard auto command', () => {
    const written = spawnSync(process.execPath, [
      cliPath,
      'k8s-job',
      '--name',
      'eval-easy',
      '--image',
      'example/alr:1',
      '--shards',
      '3',
      '--parallelism',
      '2',
      '--config',
      '/data/eval.yaml',
      '--tasks',
      '/data/tasks',
      '--claim',
      'alr-runs',
      '--memory',
      '4Gi',
    ]);
    assert.equal(written.status, 0, String(written.stderr));
    const job = YAML.parse(String(written.stdout)) as Job;
    assert.equal(job.kind, 'Job');
    assert.equal(job.spec.completionMode, 'Indexed');
    assert.equal(job.spec.completions, 3);
    assert.equal(job.spec.parallelism, 2);
    const pod = job.spec.template.spec;
    assert.equal(pod.restartPolicy, 'Never');
    assert.deepEqual(pod.volumes, [{ name: 'shared', persistentVolumeClaim: { claimName: 'alr-runs' } }]);
    const [container] = pod.containers;
    assert.deepEqual(container.volumeMounts, [{ name: 'shared', mountPath: '/data' }]);
    assert.deepEqual(container.command.slice(0, 8), [
      'alr',
      'run',
      '--config',
      '/data/eval.yaml',
      '--tasks',
      '/data/tasks',
      '--shard',
      'auto',
    ]);
    assert.deepEqual(container.env, [{ name: 'ALR_SHARD_COUNT', value: '3' }]);
  });

  it('refuses names Kubernetes would refuse', () => {
    const base = { image: 'i', shards: 2, configPath: '/c', tasksDir: '/t', claim: 'c', mountPath: '/d' };
    assert.throws(() => k8sJobManifest({ ...base, name: 'Eval_Easy' }), InputError);
    assert.throws(() => k8sJobManifest({ ...base, name: 'x'.repeat(51) }), InputError);
    assert.throws(() => k8sJobManifest({ ...base, name: 'ok', mountPath: 'rel' }), /absolute/);
  });

  it("each index's pod command, with JOB_COMPLETION_INDEX set, plays its shard; together every task once", async () => {
    const mount = join(scratch, 'volume');
    const tasksDir = generateSmallTaskSet(join(mount, 'tasks'), 3);
    const config = join(mount, 'eval.yaml');
    writeFileSync(
      config,
      [
        `output_dir: ${join(mount, 'runs')}`,
        'run_name: r',
        `cache_db_path: ${join(mount, 'cache.sqlite')}`,
        'task_families: [knapsack, rule_diagnosis]',
        'agents:',
        '  - {name: sp, max_turns: 40, max_tool_calls: 25, llm: {model: scripted-persistent}}',
        '',
      ].join('\n'),
    );
    const shards = 3;
    const job = k8sJobManifest({
      name: 'eval',
      image: 'unused-here',
      shards,
      configPath: config,
      tasksDir,
      claim: 'unused-here',
      mountPath: mount,
      command: [process.execPath, cliPath],
      runArgs: ['--backend', cpythonAvailable() ? 'cpython' : 'pyodide'],
    }) as unknown as Job;
    const [container] = job.spec.template.spec.containers;
    const podEnv = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    const pods = Array.from({ length: shards }, (_, index) => {
      const child = spawn(container.command[0], container.command.slice(1), {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...podEnv,
          JOB_COMPLETION_INDEX: String(index),
        },
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      return new Promise<{ code: number | null; stderr: string }>((resolve) =>
        child.on('close', (code) => resolve({ code, stderr })),
      );
    });
    const finished = await Promise.all(pods);
    finished.forEach((pod, index) => {
      assert.equal(pod.code, 0, pod.stderr);
      assert.match(pod.stderr, new RegExp(`shard ${index + 1}/${shards} \\(from the environment\\)`));
    });
    for (const family of ['knapsack', 'rule_diagnosis']) {
      const dir = join(mount, 'runs', 'r', 'results', 'sp', family);
      const results = readdirSync(dir).filter((f) => /\d\.json$/.test(f));
      assert.equal(results.length, 3, family);
      const summary = JSON.parse(readFileSync(join(mount, 'runs', 'r', `summary_sp-${family}.json`), 'utf8'));
      assert.equal(summary.num_tasks_executed, 3, family);
    }
  });
});
