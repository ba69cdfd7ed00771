// Episode throughput of the demo plan: the 2x2 of scripted policies on Easy knapsack tasks, into a
// fresh temporary folder. Settings: tasks=N (per condition; default 25 so that `alr bench all` stays
// within minutes, 100 for the whole demo; quick 5),
// concurrency=N (default: the plan's), backend=pyodide|cpython (default pyodide).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPlan } from '../src/experiment/demo-plan.js';
import { runExperiment } from '../src/experiment/run-experiment.js';
import { agentExecutorFactory } from '../src/runner/agent-executor.js';
import type { BenchOptions } from './options.js';

export async function run(options: BenchOptions): Promise<unknown> {
  const tasks = Number(options.settings.tasks ?? (options.quick ? 5 : 25));
  const backend = (options.settings.backend ?? 'pyodide') as 'pyodide' | 'cpython';
  const plan = demoPlan();
  const concurrency = Number(options.settings.concurrency ?? plan.concurrency);
  // The report stage is not part of the episode throughput.
  plan.stages = plan.stages.filter((s) => s.kind === 'run');
  const out = mkdtempSync(join(tmpdir(), 'alr-bench-runner-'));
  try {
    const start = process.hrtime.bigint();
    const outcome = await runExperiment({
      loaded: { plan, baseDir: process.cwd(), file: '<demo plan>' },
      out,
      executorFactory: agentExecutorFactory,
      concurrency,
      limit: tasks,
      backend,
      progress: false,
      say: () => {},
      print: () => {},
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const episodes = outcome.rows.reduce((n, r) => n + r.episodes, 0);
    return {
      backend,
      concurrency,
      cpus: cpus().length,
      tasks_per_condition: tasks,
      episodes,
      seconds_total: Number(seconds.toFixed(2)),
      episodes_per_second: Number((episodes / seconds).toFixed(3)),
      note: 'includes generating the 100 demo tasks; the machine load at run time affects the figure',
      conditions: outcome.rows.map((r) => ({
        condition: r.condition,
        mean_score: r.scoreMean,
        mean_tokens: Math.round(r.meanTokens),
        name_error_episodes: r.nameErrorEpisodes,
      })),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
