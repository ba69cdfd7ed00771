// Load: a real `alr run` (in process, through runBenchmark and the CodeAct executor) against a slow
// served model (`alr serve --latency-ms L`, a child process) at several concurrency levels.
// Per level: episodes per second against the ideal (concurrency / (turns × latency)), harness CPU
// per step, peak resident memory of the harness plus its interpreter processes, and how many
// interpreter processes were alive at once.
//
// Settings (`--set key=value`): levels=16,64,256 (quick 4,16); latency_ms=1000 (quick 200);
// episodes=N per level (default 2 × concurrency, at least 16); backend=cpython|pyodide (default
// cpython when python3 is there); runtime=persistent|stateless (default persistent);
// cache=on|off (the response cache, default on, fresh per level); usage=approximate|qwen3 (the
// server's token counting, default approximate); keep=DIR copies each level's run folder there.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { monotonicSeconds } from '../src/agent/time.js';
import type { BenchOptions } from '../src/cli/bench.js';
import { agentExecutorFactory } from '../src/runner/agent-executor.js';
import { loadBenchmarkConfig } from '../src/runner/config.js';
import { listFamilyTasks } from '../src/runner/list-tasks.js';
import { runBenchmark } from '../src/runner/run-benchmark.js';
import { cpythonAvailable } from '../src/sandbox/index.js';
import { generateTasks, loadSettings } from '../src/tasks/index.js';
import { childPids as childrenOf } from '../src/util/process-tree.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliPath = join(root, 'dist', 'src', 'cli', 'main.js');
const easyConfig = join(root, 'bench', 'data', 'easy_100.json');

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS = 100;

interface CpuTimes {
  self: number;
  children: number;
}

/** CPU seconds of this process and of its waited-for children (exited interpreters), from /proc. */
function cpuTimes(pid: number | 'self' = 'self'): CpuTimes {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the name start at index 3 (state); utime=14, stime=15, cutime=16, cstime=17.
  const at = (n: number) => Number(fields[n - 3]);
  return { self: (at(14) + at(15)) / TICKS, children: (at(16) + at(17)) / TICKS };
}

function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function treeRssKb(pid: number): number {
  let total = rssKb(pid);
  for (const child of childrenOf(pid)) total += treeRssKb(child);
  return total;
}

/** CPU seconds of a live process tree (for the interpreters still running). */
function treeCpu(pid: number): number {
  let total = 0;
  try {
    total = cpuTimes(pid).self;
  } catch {}
  for (const child of childrenOf(pid)) total += treeCpu(child);
  return total;
}

/**
 * Samples the harness (minus the model server) twice a second: peak RSS of the tree, of the harness
 * alone, and peak interpreter count. Reading /proc costs harness CPU, so the sampler times itself.
 */
function sampler(exclude: () => number | undefined) {
  let peakKb = 0;
  let peakHarnessKb = 0;
  let peakProcesses = 0;
  let ownMs = 0;
  const timer = setInterval(() => {
    const started = performance.now();
    const skip = exclude();
    const kids = childrenOf(process.pid).filter((p) => p !== skip);
    const harnessKb = rssKb(process.pid);
    let kb = harnessKb;
    for (const kid of kids) kb += treeRssKb(kid);
    peakKb = Math.max(peakKb, kb);
    peakHarnessKb = Math.max(peakHarnessKb, harnessKb);
    peakProcesses = Math.max(peakProcesses, kids.length);
    ownMs += performance.now() - started;
  }, 500);
  return {
    stop() {
      clearInterval(timer);
      return { peakMb: peakKb / 1024, peakHarnessMb: peakHarnessKb / 1024, peakProcesses, ownMs };
    },
  };
}

async function startServer(
  latencyMs: number,
  policy: string,
  usage: string,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [cliPath, 'serve', '--policy', policy, '--port', '0', '--latency-ms', String(latencyMs), '--usage', usage],
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

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

export async function run(options: BenchOptions): Promise<unknown> {
  const s = options.settings;
  const levels = (s.levels ?? (options.quick ? '4,16' : '16,64,256')).split(',').map(Number);
  const latencyMs = Number(s.latency_ms ?? (options.quick ? 200 : 1000));
  const backend = (s.backend ?? (cpythonAvailable() ? 'cpython' : 'pyodide')) as 'cpython' | 'pyodide';
  const runtime = (s.runtime ?? 'persistent') as 'persistent' | 'stateless';
  const cache = (s.cache ?? 'on') === 'on';
  // The served model's CPU would be on another machine; exact Qwen3 counting would make the
  // stand-in compete with the harness for this machine's cores.
  const usage = s.usage ?? 'approximate';
  const policy = runtime === 'persistent' ? 'scripted-persistent' : 'scripted-stateless';
  const episodesFor = (c: number) => Number(s.episodes ?? Math.max(16, 2 * c));

  const scratch = mkdtempSync(join(tmpdir(), 'alr-bench-load-'));
  const rows: unknown[] = [];
  try {
    // One task set big enough for the largest level (Easy knapsack, the reference's easy_100 settings).
    const needed = Math.max(...levels.map(episodesFor));
    generateTasks(loadSettings(easyConfig), { outDir: scratch, families: ['knapsack'], numTasks: needed });
    const server = await startServer(latencyMs, policy, usage);
    try {
      for (const concurrency of levels) {
        const episodes = episodesFor(concurrency);
        const out = join(scratch, `c${concurrency}`);
        const configFile = join(scratch, `c${concurrency}.yaml`);
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
        const watch = sampler(() => server.child.pid);
        const loopDelay = monitorEventLoopDelay({ resolution: 10 });
        loopDelay.enable();
        const cpuBefore = cpuTimes();
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
        const seconds = (performance.now() - started) / 1000;
        loopDelay.disable();
        const cpuAfter = cpuTimes();
        const serverCpuMs = (treeCpu(server.child.pid ?? 0) - serverCpuBefore) * 1000;
        const live = childrenOf(process.pid).filter((p) => p !== server.child.pid);
        const { peakMb, peakHarnessMb, peakProcesses, ownMs } = watch.stop();
        const facts = readEpisodes(join(out, 'load', 'results', 'load', 'knapsack'));
        const steps = facts.reduce((n, f) => n + f.steps, 0);
        // Each step is one model turn (the finishing turn included), so model time per episode is turns × latency.
        const meanTurns = steps / Math.max(1, facts.length);
        const idealEps = concurrency / (meanTurns * (latencyMs / 1000));
        const throughput = facts.length / seconds;
        // The sampler's own /proc reading is the benchmark's cost, not the harness's.
        const harnessCpuMs = (cpuAfter.self - cpuBefore.self) * 1000 - ownMs;
        const interpreterCpuMs =
          (cpuAfter.children - cpuBefore.children) * 1000 + live.reduce((n, p) => n + treeCpu(p), 0) * 1000;
        const perStep = harnessCpuMs / Math.max(1, steps);
        const firstStart = Math.min(...facts.map((f) => f.started));
        const lastFinish = Math.max(...facts.map((f) => f.finished));
        const meanWall = facts.reduce((n, f) => n + f.finished - f.started, 0) / Math.max(1, facts.length);
        rows.push({
          concurrency,
          latency_ms: latencyMs,
          episodes: facts.length,
          throughput_eps: round(throughput),
          ideal_eps: round(idealEps),
          efficiency: round(throughput / idealEps),
          peak_rss_mb: Math.round(peakMb),
          peak_harness_rss_mb: Math.round(peakHarnessMb),
          harness_cpu_ms_per_step: round(perStep, 2),
          overhead_pct: round((100 * perStep) / latencyMs, 2),
          backend,
          runtime,
          seconds: round(seconds, 1),
          // Time before the first episode began (interpreter and tokenizer start-up), then the
          // throughput between the first start and the last finish.
          startup_s: round(firstStart - startedMonotonic, 2),
          window_throughput_eps: round(facts.length / (lastFinish - firstStart)),
          mean_episode_s: round(meanWall, 2),
          mean_model_time_s: round((meanTurns * latencyMs) / 1000, 2),
          // Wall time of a turn beyond the model's latency (queueing in the harness and the server).
          turn_overhead_ms: Math.round((meanWall * 1000) / Math.max(1, meanTurns) - latencyMs),
          // Share of the window during which the concurrency slots held an episode (ramp-up and tail lose some).
          // How late the harness's event loop ran its callbacks (everything an episode waits on passes through it).
          event_loop_delay_ms: {
            p50: round(loopDelay.percentile(50) / 1e6, 1),
            p99: round(loopDelay.percentile(99) / 1e6, 1),
            max: round(loopDelay.max / 1e6, 1),
          },
          slot_utilization: round((meanWall * facts.length) / (concurrency * (lastFinish - firstStart))),
          steps,
          mean_turns: round(meanTurns, 2),
          statuses: Object.fromEntries(
            [...new Set(facts.map((f) => f.status))].map((k) => [
              k,
              facts.filter((f) => f.status === k).length,
            ]),
          ),
          errors: outcome.errors,
          interpreter_cpu_ms_per_step: round(interpreterCpuMs / Math.max(1, steps), 2),
          server_cpu_ms_per_step: round(serverCpuMs / Math.max(1, steps), 2),
          peak_interpreter_processes: peakProcesses,
          interpreter_restarts: facts.reduce((n, f) => n + f.incidents, 0),
          sessions_opened: facts.length,
          cpus: cpus().length,
          memory_gb: round(totalmem() / 2 ** 30, 1),
        });
        if (s.keep) cpSync(out, join(s.keep, `c${concurrency}`), { recursive: true });
        rmSync(out, { recursive: true, force: true });
      }
    } finally {
      server.child.kill('SIGTERM');
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}
