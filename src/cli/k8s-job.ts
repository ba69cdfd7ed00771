// `alr k8s-job`: write a Kubernetes indexed Job manifest that plays one benchmark config in shards.
import type { Command } from 'commander';
import { InputError } from '../util/errors.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new InputError(`${flag} expects a positive integer, got '${text}'`);
  return Number(text);
}

interface K8sFlags {
  name: string;
  image: string;
  shards: string;
  parallelism?: string;
  config: string;
  tasks: string;
  claim: string;
  mount: string;
  command?: string;
  runArg: string[];
  env: string[];
  cpu?: string;
  memory?: string;
  out?: string;
}

export function register(program: Command): void {
  program
    .command('k8s-job')
    .description(
      'write a Kubernetes indexed Job manifest: N pods each run `alr run --shard auto` into one run folder on a shared volume',
    )
    .requiredOption('--name <name>', 'Job name (DNS label)')
    .requiredOption('--image <image>', 'container image with alr installed')
    .requiredOption('--shards <n>', 'number of shards (the Job completions)')
    .requiredOption('--config <path>', 'benchmark config, as a path inside the container')
    .requiredOption('--tasks <dir>', 'task folder, as a path inside the container')
    .requiredOption('--claim <pvc>', 'ReadWriteMany PersistentVolumeClaim shared by every pod')
    .option('--mount <path>', 'where the claim is mounted in the container', '/data')
    .option('--parallelism <n>', 'pods at once (default: every shard)')
    .option('--command <cmd>', "how the image starts the CLI, split on spaces (default 'alr')")
    .option('--run-arg <arg>', 'extra `alr run` argument (repeatable)', collect, [])
    .option('--env <NAME=VALUE>', 'environment variable for every pod (repeatable)', collect, [])
    .option('--cpu <q>', 'CPU request per pod (e.g. 4)')
    .option('--memory <q>', 'memory request and limit per pod (e.g. 8Gi)')
    .option('--out <file>', 'write the manifest here (default: stdout)')
    .action(async (flags: K8sFlags) => {
      const { k8sJobYaml } = await import('../runner/k8s-job.js');
      const env: Record<string, string> = {};
      for (const pair of flags.env) {
        const eq = pair.indexOf('=');
        if (eq < 1) throw new InputError(`--env expects NAME=VALUE, got '${pair}'`);
        env[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      const text = k8sJobYaml({
        name: flags.name,
        image: flags.image,
        shards: positiveInt(flags.shards, '--shards') as number,
        parallelism: positiveInt(flags.parallelism, '--parallelism'),
        configPath: flags.config,
        tasksDir: flags.tasks,
        claim: flags.claim,
        mountPath: flags.mount,
        command: flags.command?.split(' ').filter(Boolean),
        runArgs: flags.runArg,
        env,
        cpu: flags.cpu,
        memory: flags.memory,
      });
      if (flags.out) {
        const { writeFileAtomic } = await import('../util/atomic-write.js');
        writeFileAtomic(flags.out, text);
        process.stderr.write(`wrote ${flags.out}\n`);
      } else process.stdout.write(text);
    });
}
