// What whole episodes cost the machine's CPU, split between the harness and the interpreter
// processes: N knapsack-like episodes of 7 steps (list, inspect in three batches, take twice,
// finish; 17 tool calls), a few at a time. The interpreter side is every process below the
// harness (launcher, bubblewrap, fork server, episodes) with the CPU of the processes they already
// reaped, read from /proc before and after; kernel threads (namespace teardown runs there) are
// reported apart, since other work on the machine adds to them too.

import { readdirSync, readFileSync } from 'node:fs';
import { inspectBlock, setupBlock } from '../src/models/scripted/knapsack.js';
import { type BackendName, createSandbox } from '../src/sandbox/index.js';
import type { Tool } from '../src/tasks/tool.js';

const TICK_MS = 10; // USER_HZ is 100 on Linux

interface ProcStat {
  ppid: number;
  /** utime + stime, and cutime + cstime (reaped children), in ticks. */
  own: number;
  reaped: number;
}

function readStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), {
        ppid: Number(f[1]),
        own: Number(f[11]) + Number(f[12]),
        reaped: Number(f[13]) + Number(f[14]),
      });
    } catch {}
  }
  return stats;
}

/** CPU ms of every process below this one (reaped children included), and of kernel threads. */
function cpuBelow(): { interpreters: number; kernelThreads: number } {
  const stats = readStats();
  const children = new Map<number, number[]>();
  let kernelThreads = 0;
  for (const [pid, s] of stats) {
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
    if (s.ppid === 2) kernelThreads += s.own;
  }
  let interpreters = 0;
  const pending = [...(children.get(process.pid) ?? [])];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    const s = stats.get(pid);
    if (s) interpreters += s.own + s.reaped;
    pending.push(...(children.get(pid) ?? []));
  }
  return { interpreters: interpreters * TICK_MS, kernelThreads: kernelThreads * TICK_MS };
}

function knapsackTools(): Tool[] {
  let count = 0;
  const str = (name: string): Tool['params'] => [{ name, type: 'str', doc: name, required: true }];
  return [
    {
      name: 'list_items',
      doc: 'Item ids.',
      params: [],
      returns: 'str',
      call: () => JSON.stringify(Array.from({ length: 30 }, (_, i) => `item_${i}`)),
    },
    {
      name: 'inspect',
      doc: 'One item.',
      params: str('item_id'),
      returns: 'str',
      call: () => {
        count++;
        return JSON.stringify({ class: 'ABC'[count % 3], value: 5 + (count % 11), weight: 1 + (count % 7) });
      },
    },
    {
      name: 'take_item',
      doc: 'Takes an item.',
      params: str('item_id'),
      returns: 'str',
      call: () => {
        if (++count % 4 === 0) throw new Error("Item class 'C' not allowed");
        return 'ok';
      },
    },
    { name: 'finish', doc: 'Done.', params: [], returns: 'None', call: () => null },
  ];
}

const TAKE = [
  'used = sum(info[t]["weight"] for t in taken)',
  'print(json.dumps({"capacity": capacity, "used": used, "allowed": sorted(allowed), "forbidden": sorted(forbidden)}))',
  'plan = [k for k in info if k not in taken][:4]',
  'print(json.dumps({"plan": plan, "plan_value": sum(info[p]["value"] for p in plan)}))',
  'for item_id in plan:',
  '    cls = info[item_id]["class"]',
  '    if cls in forbidden:',
  '        continue',
  '    try:',
  '        take_item(item_id)',
  '    except Exception as err:',
  '        print(json.dumps({"take": item_id, "ok": False, "error": str(err)}))',
  '        if "not allowed" in str(err):',
  '            forbidden.add(cls)',
  '            continue',
  '        break',
  '    taken.append(item_id)',
  '    allowed.add(cls)',
  '    print(json.dumps({"take": item_id, "ok": True}))',
].join('\n');

/** The steps of one episode, in the shape the scripted knapsack policy writes them. */
export const EPISODE_STEPS = [
  setupBlock(20, 12),
  inspectBlock([0, 2, 4, 6]),
  inspectBlock([8, 10, 12, 14]),
  inspectBlock([16, 18, 20, 22]),
  TAKE,
  TAKE,
  'print(json.dumps({"taken": taken, "value": sum(info[t]["value"] for t in taken)}))\nfinish()',
];

export async function episodeCost(backend: BackendName, episodes: number, concurrency: number) {
  const sandbox = createSandbox({ backend, poolSize: Math.min(8, concurrency) });
  try {
    // The pool's first interpreter (and the fork server) start outside the measurement.
    const warm = await sandbox.openSession({ mode: 'persistent', tools: knapsackTools() });
    await warm.step('x = 1');
    await warm.close();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = cpuBelow();
    const harnessBefore = process.cpuUsage();
    let next = 0;
    let steps = 0;
    const worker = async () => {
      while (next < episodes) {
        next++;
        const session = await sandbox.openSession({ mode: 'persistent', tools: knapsackTools() });
        for (const code of EPISODE_STEPS) {
          const result = await session.step(code);
          if (!result.success) throw new Error(`benchmark step failed: ${result.error}`);
          steps++;
        }
        await session.close();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    // Closed episodes are reaped by the processes above them: let that happen before reading.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = cpuBelow();
    const harness = process.cpuUsage(harnessBefore);
    const interpreters = after.interpreters - before.interpreters;
    const per = (ms: number, n: number) => Number((ms / n).toFixed(2));
    const harnessMs = (harness.user + harness.system) / 1000;
    return {
      episodes,
      steps,
      concurrency,
      interpreter_cpu_ms_per_episode: per(interpreters, episodes),
      interpreter_cpu_ms_per_step: per(interpreters, steps),
      harness_cpu_ms_per_step: per(harnessMs, steps),
      kernel_threads_cpu_ms_per_step: per(after.kernelThreads - before.kernelThreads, steps),
    };
  } finally {
    await sandbox.shutdown();
  }
}
