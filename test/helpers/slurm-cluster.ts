/**
 * A real one-node Slurm for tests: munged, slurmctld and slurmd started on this machine with their
 * key, sockets, state, spool and logs in a temporary folder (no cgroups: proctrack/linuxproc and
 * task/none), and stopped afterwards. Commands see it through SLURM_CONF.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { commandExists } from './system-deps.js';

export interface SlurmCluster {
  /** Environment for sbatch/squeue/scancel and for the code under test. */
  env: Record<string, string>;
  dir: string;
  /** Stops the daemons (by their pid files) and removes the folder. */
  stop(): Promise<void>;
}

const REQUIRED = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'sinfo'];

/** Why Slurm cannot start here, or undefined when it may. */
export function slurmUnavailable(): string | undefined {
  const missing = REQUIRED.filter((c) => !commandExists(c));
  if (missing.length > 0) return `slurm-wlm/munge commands missing: ${missing.join(', ')}`;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function daemon(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  // Each daemon forks into the background; its exit status says whether it started.
  const r = spawnSync(command, args, { env, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${command} did not start (${r.status}): ${r.stderr || r.stdout}`);
}

function pidOf(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopDaemon(pidFile: string): Promise<void> {
  const pid = pidOf(pidFile);
  if (pid === undefined || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** Starts the cluster; throws with the daemons' logs when it does not come up. */
export async function startSlurmCluster(cpus = 4): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'alr-slurm-'));
  const path = (...p: string[]) => join(dir, ...p);
  for (const sub of ['munge', 'ctld', 'd', 'log']) mkdirSync(path(sub));
  const key = path('munge', 'key');
  writeFileSync(key, randomBytes(1024));
  chmodSync(key, 0o600);
  const socket = path('munge', 'socket');
  const node = hostname().split('.')[0];
  const user = userInfo().username;
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = path('slurm.conf');
  writeFileSync(path('plugstack.conf'), '');
  writeFileSync(
    conf,
    [
      'ClusterName=alrtest',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `SlurmUser=${user}`,
      `SlurmdUser=${user}`,
      `StateSaveLocation=${path('ctld')}`,
      `SlurmdSpoolDir=${path('d')}`,
      `SlurmctldPidFile=${path('ctld.pid')}`,
      `SlurmdPidFile=${path('d.pid')}`,
      `SlurmctldLogFile=${path('log', 'slurmctld.log')}`,
      `SlurmdLogFile=${path('log', 'slurmd.log')}`,
      `PlugStackConfig=${path('plugstack.conf')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'SchedulerType=sched/builtin',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      // The node may declare more CPUs than it has, so that array tasks run side by side.
      'SlurmdParameters=config_overrides',
      'ReturnToService=2',
      'MpiDefault=none',
      'KillWait=2',
      'MinJobAge=300',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} State=UNKNOWN`,
      'PartitionName=alr Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const cluster: SlurmCluster = {
    env: { SLURM_CONF: conf },
    dir,
    stop: async () => {
      await stopDaemon(path('d.pid'));
      await stopDaemon(path('ctld.pid'));
      await stopDaemon(path('munge', 'pid'));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    daemon(
      'munged',
      [
        '--force',
        `--socket=${socket}`,
        `--key-file=${key}`,
        `--pid-file=${path('munge', 'pid')}`,
        `--seed-file=${path('munge', 'seed')}`,
        `--log-file=${path('log', 'munged.log')}`,
      ],
      env,
    );
    daemon('slurmctld', ['-i'], env);
    daemon('slurmd', ['-N', node], env);
    for (let i = 0; i < 150; i++) {
      const r = spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' });
      if (r.status === 0 && /^(idle|mixed|allocated)/m.test(r.stdout)) return cluster;
      await sleep(200);
    }
    throw new Error('the node did not become idle within 30 s');
  } catch (err) {
    const logs = ['munged.log', 'slurmctld.log', 'slurmd.log']
      .map((f) => path('log', f))
      .filter(existsSync)
      .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`)
      .join('\n');
    await cluster.stop();
    throw new Error(`Slurm did not start: ${(err as Error).message}\n${logs}`);
  }
}
