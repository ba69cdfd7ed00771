// Load: a real `alr run` (in process, through runBenchmark and the CodeAct executor) against a slow
// served model (`alr serve --latency-ms L`, a child process) at several concurrency levels.
// Per level: steady-state episodes per second against the ideal (concurrency / (turns × latency)),
// the same over the whole level, harness CPU per step, the machine's CPU, peak resident memory of
// the harness plus its interpreter processes, and how many interpreter processes were alive at once.
//
// Settings (`--set key=value`): levels=16,64,256 (quick 4,16); latency_ms=1000 (quick 200);
// episodes=N per level (default 4 × concurrency, at least 32); backends=cpython,pyodide (default
// both, cpython when python3 is there; `backend=` is the same); pyodide_levels=16 (the levels pyodide
// runs, a subset of levels: a pyodide episode costs far more memory); fork_server=on|off|both
// (cpython: episodes forked from the fork server, or a python3 per episode; both runs each cpython
// level twice, off first, for a before/after in one run; default on); runtime=persistent|stateless
// (default persistent);
// cache=on|off (the response cache, default on, fresh per level); usage=approximate|qwen3 (the
// server's token counting, default approximate); keep=DIR copies each level's run folder there.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { monotonicSeconds } from '../src/agent/time.js';
import { agentExecutorFactory } from '../src/runner/agent-executor.js';
import { loadBenchmarkConfig } from '../src/runner/config.js';
import { listFamilyTasks } from '../src/runner/list-tasks.js';
import { runBenchmark } from '../src/runner/run-benchmark.js';
import type { RuntimeMode } from '../src/runtime/spec.js';
import { cpythonAvailable } from '../src/sandbox/index.js';
import { generateTasks, loadSettings } from '../src/tasks/index.js';
import { childPids as childrenOf } from '../src/util/process-tree.js';
import type { BenchOptions } from './options.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliPath = join(root, 'dist', 'src', 'cli', 'main.js');
const easyConfig = join(root, 'bench', 'data', 'easy_100.json');

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** CPU seconds of a process (the harness itself by default), from /proc. */
function cpuSeconds(pid: number | 'self' = 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the name start at index 3 (state); utime=14, stime=15.
  return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / TICKS;
}

/** CPU seconds of a live process tree (the model server). */
function treeCpu(pid: number): number {
  let total = 0;
  try {
    total = cpuSeconds(pid);
  } catch {}
  for (const child of childrenOf(pid)) total += treeCpu(child);
  return total;
}

/** Busy CPU seconds of the whole machine so far (every core; /proc/stat). */
function machineBusySeconds(): number {
  const fields =
    readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  // user nice system idle iowait irq softirq steal: busy is user, nice, system, irq and softirq
  // (steal is time a virtual machine's host gave to someone else).
  const busy = [0, 1, 2, 5, 6].reduce((n, i) => n + (fields[i] ?? 0), 0);
  return busy / TICKS;
}

interface SamplerResult {
  peakMb: number;
  peakPssMb: number;
  peakHarnessMb: number;
  peakInterpreters: number;
  cpuMs: number;
}

/** Starts the memory sampler (load-sampler.ts) in a worker thread. */
function startSampler(excludePid: number): { stop(): Promise<SamplerResult> } {
  const worker = new Worker(new URL('./load-sampler.js', import.meta.url), {
    workerData: { harnessPid: process.pid, excludePid, intervalMs: 500 },
  });
  return {
    stop: () =>
      new Promise((resolveResult, reject) => {
        worker.once('message', (result: SamplerResult) => {
          void worker.terminate();
          resolveResult(result);
        });
        worker.once('error', reject);
        worker.postMessage('stop');
      }),
  };
}

async function startServer(
  latencyMs: number,
  policy: string,
  usage: string,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      cliPath,
      'serve',
      '--policy',
      policy,
      '--port',
      '0',
      '--latency-ms',
      String(latencyMs),
      '--usage',
      usage,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /at (http:\S+)/.exec(text);
      if (match?.[1]) resolveUrl(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`alr serve exited (${code}) before listening`)));
  });
  return { url, child };
}

interface EpisodeFacts {
  steps: number;
  status: string;
  incidents: number;
  started: number;
  finished: number;
}

function readEpisodes(resultsDir: string): EpisodeFacts[] {
  const facts: EpisodeFacts[] = [];
  for (const file of readdirSync(resultsDir)) {
    if (!/\d\.json$/.test(file)) continue;
    const result = JSON.parse(readFileSync(join(resultsDir, file), 'utf8'));
    const trace = readFileSync(join(resultsDir, file.replace(/\.json$/, '.trace.json')), 'utf8');
    facts.push({
      steps: Number(result.alr?.steps ?? 0),
      status: String(result.status),
      started: Number(result.started_at),
      finished: Number(result.finished_at),
      // Interpreter restarts show up as sandbox incidents that lost or replaced the process.
      incidents: (trace.match(/"kind": "(killed|crash|memory)"/g) ?? []).length,
    });
  }
  return facts;
}

/**
 * Throughput in the steady state: from the moment all `concurrency` slots first held an episode to
 * the start of the last episode (outside it the level is ramping up or draining, which says nothing
 * about the harness). Episodes are counted by the share of each one that ran inside the window
 * (overlap / duration): counting only those that finished in it would miss the work of the
 * episodes still running at its end, a large share when a window is a few episodes long.
 */
function steadyWindow(facts: EpisodeFacts[], concurrency: number) {
  const starts = facts.map((f) => f.started).sort((a, b) => a - b);
  const from = starts[Math.min(concurrency, starts.length) - 1] ?? 0;
  const to = starts[starts.length - 1] ?? 0;
  let completed = 0;
  for (const f of facts) {
    const overlap = Math.min(f.finished, to) - Math.max(f.started, from);
    if (overlap > 0 && f.finished > f.started) completed += overlap / (f.finished - f.started);
  }
  const seconds = to - from;
  return { seconds, completed, throughput: seconds > 0 ? completed / seconds : 0 };
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

export async function run(options: BenchOptions): Promise<unknown> {
  const s = options.settings;
  const levels = (s.levels ?? (options.quick ? '4,16' : '16,64,256')).split(',').map(Number);
  const latencyMs = Number(s.latency_ms ?? (options.quick ? 200 : 1000));
  const backends = (s.backends ?? s.backend ?? (cpythonAvailable() ? 'cpython,pyodide' : 'pyodide'))
    .split(',')
    .map((b) => {
      if (b !== 'cpython' && b !== 'pyodide')
        throw new Error(`bench load: unknown backend '${b}' (backends=)`);
      return b;
    });
  const pyodideLevels = new Set((s.pyodide_levels ?? (options.quick ? '4' : '16')).split(',').map(Number));
  const forkModes = ({ on: ['on'], off: ['off'], both: ['off', 'on'] } as Record<string, string[]>)[
    s.fork_server ?? 'on'
  ];
  if (!forkModes) throw new Error(`bench load: fork_server must be on, off or both, not '${s.fork_server}'`);
  const runs: Array<{ backend: 'cpython' | 'pyodide'; concurrency: number; forkServer: string | null }> = [];
  for (const concurrency of levels)
    for (const backend of backends) {
      if (backend === 'pyodide') {
        if (pyodideLevels.has(concurrency)) runs.push({ backend, concurrency, forkServer: null });
      } else for (const mode of forkModes) runs.push({ backend, concurrency, forkServer: mode });
    }
  const runtime = (s.runtime ?? 'persistent') as RuntimeMode;
  const cache = (s.cache ?? 'on') === 'on';
  // The served model's CPU would be on another machine; exact Qwen3 counting would make the
  // stand-in compete with the harness for this machine's cores.
  const usage = s.usage ?? 'approximate';
  const policy = runtime === 'persistent' ? 'scripted-persistent' : 'scripted-stateless';
  const episodesFor = (c: number) => Number(s.episodes ?? Math.max(32, 4 * c));

  const scratch = mkdtempSync(join(tmpdir(), 'alr-bench-load-'));
  const rows: unknown[] = [];
  try {
    // One task set big enough for the largest level (Easy knapsack, the reference's easy_100 settings).
    const needed = Math.max(...levels.map(episodesFor));
    generateTasks(loadSettings(easyConfig), { outDir: scratch, families: ['knapsack'], numTasks: needed });
    const server = await startServer(latencyMs, policy, usage);
    try {
      for (const { backend, concurrency, forkServer } of runs) {
        const episodes = episodesFor(concurrency);
        const name = `${backend}-${forkServer ?? ''}-c${concurrency}`;
        const out = join(scratch, name);
        const configFile = join(scratch, `${name}.yaml`);
        // The sandbox's switch for the cpython fork server (read when the run creates its sandbox).
        if (forkServer === 'off') process.env.ALR_CPYTHON_FORK_SERVER = '0';
        else delete process.env.ALR_CPYTHON_FORK_SERVER;
        writeFileSync(
          configFile,
          [
            `output_dir: ${JSON.stringify(out)}`,
            'run_name: load',
            `cache_db_path: ${JSON.stringify(join(out, 'cache.sqlite'))}`,
            `max_concurrent_runs: ${concurrency}`,
            'task_families: [knapsack]',
            `backend: ${backend}`,
            'agents:',
            '  - name: load',
            `    persistent_state: ${runtime === 'persistent'}`,
            '    max_turns: 40',
            '    max_tool_calls: 25',
            '    timeout_s: 900',
            `    llm: {model: served-policy, base_url: ${JSON.stringify(server.url)}, ` +
              `max_concurrent_requests: ${concurrency}, timeout_s: 120, cache_enabled: ${cache}}`,
            '',
          ].join('\n'),
        );
        const config = loadBenchmarkConfig(configFile);
        const watch = startSampler(server.child.pid ?? 0);
        const loopDelay = monitorEventLoopDelay({ resolution: 10 });
        loopDelay.enable();
        const cpuBefore = cpuSeconds();
        const machineBefore = machineBusySeconds();
        const serverCpuBefore = treeCpu(server.child.pid ?? 0);
        const started = performance.now();
        const startedMonotonic = monotonicSeconds();
        const outcome = await runBenchmark({
          config,
          tasksDir: scratch,
          listTasks: listFamilyTasks,
          executorFactory: agentExecutorFactory,
          limit: episodes,
        });
        // A level whose endpoint stopped the run measured nothing worth a row.
        if (outcome.failure) throw outcome.failure;
        const seconds = (performance.now() - started) / 1000;
        loopDelay.disable();
        const cpuAfter = cpuSeconds();
        const machineCpuMs = (machineBusySeconds() - machineBefore) * 1000;
        const serverCpuMs = (treeCpu(server.child.pid ?? 0) - serverCpuBefore) * 1000;
        const sampled = await watch.stop();
        const facts = readEpisodes(join(out, 'load', 'results', 'load', 'knapsack'));
        const steps = facts.reduce((n, f) => n + f.steps, 0);
        // Each step is one model turn (the finishing turn included), so model time per episode is turns × latency.
        const meanTurns = steps / Math.max(1, facts.length);
        const idealEps = concurrency / (meanTurns * (latencyMs / 1000));
        const window = steadyWindow(facts, concurrency);
        const wholeRunEps = facts.length / seconds;
        // The sampler thread's /proc reading is the benchmark's cost, not the harness's.
        const harnessCpuMs = (cpuAfter - cpuBefore) * 1000 - sampled.cpuMs;
        const perStep = harnessCpuMs / Math.max(1, steps);
        const meanWall = facts.reduce((n, f) => n + f.finished - f.started, 0) / Math.max(1, facts.length);
        rows.push({
          concurrency,
          latency_ms: latencyMs,
          episodes: facts.length,
          throughput_eps: round(window.throughput),
          ideal_eps: round(idealEps),
          efficiency: round(window.throughput / idealEps),
          peak_rss_mb: Math.round(sampled.peakMb),
          peak_pss_mb: Math.round(sampled.peakPssMb),
          harness_cpu_ms_per_step: round(perStep, 2),
          overhead_pct: round((100 * perStep) / latencyMs, 2),
          // The steady state: from the moment every slot first held an episode to the last episode's
          // start (after which slots empty for lack of work).
          steady_window_s: round(window.seconds, 1),
          steady_episodes_completed: round(window.completed, 1),
          // The whole level: start-up, ramp-up and tail included.
          whole_run_throughput_eps: round(wholeRunEps),
          whole_run_efficiency: round(wholeRunEps / idealEps),
          seconds: round(seconds, 1),
          startup_s: round(Math.min(...facts.map((f) => f.started)) - startedMonotonic, 2),
          mean_episode_s: round(meanWall, 2),
          mean_model_time_s: round((meanTurns * latencyMs) / 1000, 2),
          // Wall time of a turn beyond the model's latency (the harness, the interpreter, the server, waiting for a core).
          turn_overhead_ms: Math.round((meanWall * 1000) / Math.max(1, meanTurns) - latencyMs),
          backend,
          fork_server: forkServer,
          runtime,
          peak_harness_rss_mb: Math.round(sampled.peakHarnessMb),
          // How late the harness's event loop ran its callbacks (everything an episode waits on passes through it).
          event_loop_delay_ms: {
            p50: round(loopDelay.percentile(50) / 1e6, 1),
            p99: round(loopDelay.percentile(99) / 1e6, 1),
            max: round(loopDelay.max / 1e6, 1),
          },
          // Every process on the machine (harness, launcher, interpreters, model server, the kernel's
          // share, and anything else running): how busy the cores were, and per step.
          machine_cpu_utilization: round(machineCpuMs / (seconds * 1000 * cpus().length)),
          machine_cpu_ms_per_step: round(machineCpuMs / Math.max(1, steps), 2),
          server_cpu_ms_per_step: round(serverCpuMs / Math.max(1, steps), 2),
          steps,
          mean_turns: round(meanTurns, 2),
          statuses: Object.fromEntries(
            [...new Set(facts.map((f) => f.status))].map((k) => [
              k,
              facts.filter((f) => f.status === k).length,
            ]),
          ),
          errors: outcome.errors,
          peak_interpreter_processes: sampled.peakInterpreters,
          interpreter_restarts: facts.reduce((n, f) => n + f.incidents, 0),
          sessions_opened: facts.length,
          cpus: cpus().length,
          memory_gb: round(totalmem() / 2 ** 30, 1),
        });
        if (s.keep) cpSync(out, join(s.keep, name), { recursive: true });
        rmSync(out, { recursive: true, force: true });
      }
    } finally {
      delete process.env.ALR_CPYTHON_FORK_SERVER;
      server.child.kill('SIGTERM');
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}
