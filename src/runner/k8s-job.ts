/**
 * A Kubernetes indexed Job that plays one `alr run` in shards: `completions` pods, each started with
 * JOB_COMPLETION_INDEX set by Kubernetes, run `alr run --shard auto` into one run folder on a shared
 * volume (a ReadWriteMany claim), so no output is copied or merged afterwards.
 */
import YAML from 'yaml';
import { InputError } from '../util/errors.js';

export interface K8sJobOptions {
  /** Job name (a DNS label: lower-case letters, digits, '-'). */
  name: string;
  image: string;
  /** Shards = completions. */
  shards: number;
  /** Pods running at once (default: all shards). */
  parallelism?: number;
  /** The benchmark config and task folder, as paths inside the container (on the shared volume). */
  configPath: string;
  tasksDir: string;
  /** The ReadWriteMany PersistentVolumeClaim holding tasks, configs and outputs. */
  claim: string;
  /** Where the claim is mounted in the container. */
  mountPath: string;
  /** The command that starts the CLI in the image (default `alr`). */
  command?: string[];
  /** Extra `alr run` arguments (e.g. --backend cpython). */
  runArgs?: string[];
  /** Environment for every pod (e.g. OPENAI_API_KEY from a secret is left to the user). */
  env?: Record<string, string>;
  cpu?: string;
  memory?: string;
  /** Pod restarts of one index before the Job gives up on it (default 3). */
  retriesPerIndex?: number;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function k8sJobManifest(o: K8sJobOptions): Record<string, unknown> {
  // Indexed Jobs add '-<index>-<suffix>' to pod host names, so the Job name must leave room for it.
  if (!DNS_LABEL.test(o.name) || o.name.length > 50)
    throw new InputError(
      `--name must be a DNS label of at most 50 characters (lower-case letters, digits, '-'), got '${o.name}'`,
    );
  if (!Number.isInteger(o.shards) || o.shards < 1)
    throw new InputError(`--shards expects a positive integer, got ${o.shards}`);
  const parallelism = o.parallelism ?? o.shards;
  if (!Number.isInteger(parallelism) || parallelism < 1)
    throw new InputError(`--parallelism expects a positive integer, got ${parallelism}`);
  if (!o.mountPath.startsWith('/'))
    throw new InputError(`--mount must be an absolute path, got '${o.mountPath}'`);
  const retries = o.retriesPerIndex ?? 3;
  const resources =
    o.cpu || o.memory
      ? {
          resources: {
            requests: { ...(o.cpu && { cpu: o.cpu }), ...(o.memory && { memory: o.memory }) },
            ...(o.memory && { limits: { memory: o.memory } }),
          },
        }
      : {};
  const env = {
    // The pod sees its index (JOB_COMPLETION_INDEX) but not the completion count.
    ALR_SHARD_COUNT: String(o.shards),
    ...o.env,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: o.name, labels: { 'app.kubernetes.io/name': 'alr', 'alr/run': o.name } },
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism,
      // A failing shard is retried on its own without failing the others (Kubernetes 1.29+).
      backoffLimitPerIndex: retries,
      template: {
        metadata: { labels: { 'alr/run': o.name } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'alr',
              image: o.image,
              command: [
                ...(o.command ?? ['alr']),
                'run',
                '--config',
                o.configPath,
                '--tasks',
                o.tasksDir,
                '--shard',
                'auto',
                '--no-progress',
                ...(o.runArgs ?? []),
              ],
              env: Object.entries(env).map(([name, value]) => ({ name, value })),
              volumeMounts: [{ name: 'shared', mountPath: o.mountPath }],
              ...resources,
            },
          ],
          volumes: [{ name: 'shared', persistentVolumeClaim: { claimName: o.claim } }],
        },
      },
    },
  };
}

export function k8sJobYaml(o: K8sJobOptions): string {
  const header =
    `# Kubernetes indexed Job: ${o.shards} shard(s) of one alr run into a shared run folder.\n` +
    `# Apply with: kubectl apply -f <this file>. After all indexes finish (or after killed pods),\n` +
    `# 'alr run --config ${o.configPath} --summarize-only' rewrites the summaries from the files.\n`;
  return header + YAML.stringify(k8sJobManifest(o));
}
