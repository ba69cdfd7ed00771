// Sandbox performance: how long an episode waits for a warm interpreter, step latency of a typical
// step (a few tool calls and prints) for each backend × runtime, one tool call's round trip, cold
// start, resident memory per live session, and (pyodide) the CPU and memory each new session adds
// to the shared host processes.
import { readFileSync } from 'node:fs';
import {
  type BackendName,
  cpythonAvailable,
  createSandbox,
  RUNTIME_MODES,
  type RuntimeMode,
} from '../src/sandbox/index.js';
import { processTreeRss } from '../src/sandbox/memory.js';
import type { Tool } from '../src/tasks/tool.js';
import { childPids, descendantPids } from '../src/util/process-tree.js';
import type { BenchOptions } from './options.js';
import { episodeCost } from './sandbox-episodes.js';

function tools(): Tool[] {
  let count = 0;
  return [
    {
      name: 'inspect',
      doc: 'Returns a small JSON record.',
      params: [{ name: 'item_id', type: 'str', doc: 'id', required: true }],
      returns: 'str',
      call: (args) =>
        JSON.stringify({ class: 'A', value: String(args.item_id).length, weight: ++count % 17 }),
    },
    {
      name: 'list_items',
      doc: 'Lists ids.',
      params: [],
      returns: 'str',
      call: () => JSON.stringify(['a', 'b', 'c', 'd']),
    },
    { name: 'finish', doc: 'Done.', params: [], returns: 'None', call: () => null },
  ];
}

const TYPICAL_STEP = [
  'ids = json.loads(list_items())',
  'info = {i: json.loads(inspect(i)) for i in ids}',
  'best = max(info, key=lambda k: info[k]["value"] / (info[k]["weight"] or 1))',
  'print(len(info), best)',
  'print(sorted(info))',
].join('\n');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Number((sorted[index] ?? 0).toFixed(2));
}

async function measure(backend: BackendName, quick: boolean) {
  const steps = quick ? 10 : 50;
  const sessions = quick ? 2 : 5;
  const sandbox = createSandbox({ backend, poolSize: 1 });
  const result: Record<string, unknown> = {};
  try {
    let started = performance.now();
    const first = await sandbox.openSession({ mode: 'persistent', tools: tools() });
    result.cold_start_ms = Number((performance.now() - started).toFixed(1));
    result.python = await sandbox.pythonVersion();
    result.isolation = sandbox.isolation();
    await first.close();

    const acquire: number[] = [];
    for (let i = 0; i < sessions; i++) {
      // Give the pool time to refill, as between episodes of a run.
      await new Promise((resolve) => setTimeout(resolve, backend === 'pyodide' ? 6000 : 1000));
      started = performance.now();
      const session = await sandbox.openSession({ mode: 'persistent', tools: tools() });
      acquire.push(performance.now() - started);
      await session.close();
    }
    result.warm_acquire_ms = {
      p50: percentile(acquire, 50),
      p95: percentile(acquire, 95),
      n: acquire.length,
    };

    for (const mode of RUNTIME_MODES as RuntimeMode[]) {
      const session = await sandbox.openSession({ mode, tools: tools() });
      const latencies: number[] = [];
      for (let i = 0; i < steps; i++) {
        const step = await session.step(TYPICAL_STEP);
        if (!step.success) throw new Error(`benchmark step failed: ${step.error}`);
        latencies.push(step.duration_ms);
      }
      result[`typical_step_${mode}_ms`] = {
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        n: steps,
      };
      await session.close();
    }

    const session = await sandbox.openSession({ mode: 'persistent', tools: tools() });
    const calls = quick ? 200 : 1000;
    const step = await session.step(`for _ in range(${calls}):\n    list_items()`);
    result.tool_round_trip_us = Number(((step.duration_ms * 1000) / calls).toFixed(1));
    await session.close();

    const live = await Promise.all(
      Array.from({ length: 3 }, () => sandbox.openSession({ mode: 'persistent', tools: tools() })),
    );
    for (const s of live) await s.step('x = list(range(1000))');
    result.rss_per_session_mb = Number((rssOfChildren() / live.length / 1048576).toFixed(1));
    for (const s of live) await s.close();
    if (backend === 'pyodide') result.new_sessions = await sessionCost(sandbox, quick ? 8 : 64);
  } finally {
    await sandbox.shutdown();
  }
  if (backend === 'cpython') result.episodes = await episodeCost(backend, quick ? 24 : 200, 8);
  return result;
}

/**
 * What each new session costs the interpreter processes: CPU time (all their threads) and resident
 * memory, measured between one live session and `count` live sessions (each has run one step).
 */
export async function sessionCost(sandbox: ReturnType<typeof createSandbox>, count: number) {
  const sessions = [await sandbox.openSession({ mode: 'persistent', tools: tools() })];
  await sessions[0]?.step('x = 1');
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const before = { cpu: cpuOfChildren(), rss: rssOfChildren() };
  const started = performance.now();
  for (let i = 1; i < count; i++) {
    const session = await sandbox.openSession({ mode: 'persistent', tools: tools() });
    await session.step('x = list(range(1000))');
    sessions.push(session);
  }
  const elapsed = performance.now() - started;
  // The pool starts one more warm interpreter after the last open; let it finish before measuring.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const after = { cpu: cpuOfChildren(), rss: rssOfChildren() };
  for (const s of sessions) await s.close();
  const added = count - 1;
  return {
    live_sessions: count,
    cpu_ms_per_new_session: Number(((after.cpu - before.cpu) / added).toFixed(1)),
    rss_mb_per_added_session: Number(((after.rss - before.rss) / added / 1048576).toFixed(1)),
    rss_mb_total: Number((after.rss / 1048576).toFixed(1)),
    rss_mb_per_live_session: Number((after.rss / count / 1048576).toFixed(1)),
    open_ms_mean: Number((elapsed / added).toFixed(1)),
  };
}

/** CPU time in ms (user + system, all threads) of the interpreter processes, from /proc. */
function cpuOfChildren(): number {
  const ticksPerMs = 100 / 1000;
  let total = 0;
  for (const launcher of childPids(process.pid))
    for (const root of childPids(launcher))
      for (const pid of [root, ...descendantPids(root)]) {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          total += (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
        } catch {}
      }
  return total;
}

/** Resident memory of the interpreter processes: the children of this process's process launcher. */
function rssOfChildren(): number {
  let total = 0;
  for (const launcher of childPids(process.pid))
    for (const interpreter of childPids(launcher)) total += processTreeRss(interpreter) ?? 0;
  return total;
}

export async function run(options: BenchOptions): Promise<unknown> {
  const backends: BackendName[] = ['pyodide'];
  if (cpythonAvailable()) backends.push('cpython');
  const results: Record<string, unknown> = {};
  for (const backend of backends) results[backend] = await measure(backend, options.quick);
  return {
    note:
      'rss_per_session_mb: resident memory of all interpreter processes (3 live sessions and the warm pool process; not the process launcher) divided by 3. ' +
      'cpython episodes: CPU of whole 7-step knapsack-like episodes, 8 at a time, in the interpreter processes (launcher, bubblewrap, fork server, episodes, with what they reaped) and in this process; kernel threads from the whole machine. ' +
      'pyodide new_sessions: CPU time and resident memory of the host processes between 1 and live_sessions open sessions (each ran one step; the warm pool keeps one more), per added session; cpu_ms_per_new_session counts one warm pool start per open. Timings depend on machine load',
    ...results,
  };
}
