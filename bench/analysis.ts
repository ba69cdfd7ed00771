// How long the analysis takes for a paper-sized evaluation: 12 conditions × 100 episodes = 1,200
// episodes (3 train styles × 2 runtimes × 2 difficulties). The episodes are SYNTHESIZED here (not
// played by the runner): realistic knapsack CodeAct traces in the agreed run-output format, with
// the persistent style referring back to interpreter variables and the stateless style re-importing
// and re-declaring literals, tool logs, NameErrors in the mismatched cell, growing prompts.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RUNTIME_MODES } from '../src/formats/runtime-mode.js';
import { computeMetrics } from '../src/metrics/index.js';
import { compareRuns } from '../src/report/compare-runs.js';
import { buildReportData, generateReport } from '../src/report/index.js';
import type { RuntimeMode } from '../src/runtime/spec.js';
import type { BenchOptions } from './options.js';

type Style = RuntimeMode | 'base';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}

function stepCodes(
  style: Style,
  runtime: RuntimeMode,
  r: () => number,
): Array<{ code: string; nameError: boolean }> {
  const ids = Array.from(
    { length: 30 + Math.floor(r() * 10) },
    (_, i) => `item_${(i * 2654435761).toString(16).slice(-12).padStart(12, '0')}`,
  );
  const steps: Array<{ code: string; nameError: boolean }> = [];
  const batches = 2 + Math.floor(r() * 3);
  if (style === 'stateless') {
    let known = '';
    for (let b = 0; b < batches + 6; b++) {
      known += ids
        .slice(b * 3, b * 3 + 3)
        .map(
          (id) =>
            `'${id}': {'class': 'A', 'value': ${Math.floor(r() * 90 + 10)}, 'weight': ${Math.floor(r() * 15 + 5)}}, `,
        )
        .join('');
      steps.push({
        code: `import json\ninfo = {${known}}\nids = ${JSON.stringify(ids.slice(0, 12))}\nfor i in ids[${b * 3}:${b * 3 + 3}]:\n    info[i] = json.loads(inspect(i))\nbest = sorted(info, key=lambda k: -info[k]['value'] / info[k]['weight'])\nprint(best[:5])`,
        nameError: false,
      });
    }
    steps.push({ code: 'import json\nfinish()', nameError: false });
    return steps;
  }
  steps.push({ code: 'ids = json.loads(list_items())\ninfo = {}\nprint(len(ids))', nameError: false });
  for (let b = 0; b < batches + 4; b++) {
    const failing = runtime === 'stateless' && (style === 'persistent' || r() < 0.1);
    steps.push({
      code: `for i in ids[${b * 6}:${b * 6 + 6}]:\n    info[i] = json.loads(inspect(i))\nbest = sorted(info, key=lambda k: -info[k]['value'] / info[k]['weight'])\nprint(len(info), best[:3])`,
      nameError: failing,
    });
    if (failing)
      steps.push({
        code: `ids = json.loads(list_items())\ninfo = {i: json.loads(inspect(i)) for i in ids[:${b * 6 + 6}]}\nprint(len(info))`,
        nameError: false,
      });
  }
  steps.push({
    code: 'for i in best[:3]:\n    take_item(i)\nfinish()',
    nameError: runtime === 'stateless' && style === 'persistent',
  });
  return steps;
}

export function synthesizeRun(root: string, perCondition: number): string[] {
  const r = rng(1234);
  const runs: string[] = [];
  for (const difficulty of ['easy', 'medium']) {
    const runDir = join(root, difficulty);
    const agents: Array<{ name: string; style: Style; runtime: RuntimeMode }> = [];
    for (const style of ['base', 'persistent', 'stateless'] as Style[])
      for (const runtime of RUNTIME_MODES) agents.push({ name: `${style}-${runtime}`, style, runtime });
    mkdirSync(runDir, { recursive: true });
    writeFileSync(
      join(runDir, 'run.json'),
      JSON.stringify({
        schema: 'alr.run.v1',
        run_name: difficulty,
        tasks_dir: null,
        task_set: difficulty,
        agents: agents.map((a) => ({
          name: a.name,
          model: { name: `${a.style}-model`, kind: 'http' },
          runtime: a.runtime,
          max_turns: 40,
          max_tool_calls: 25,
          policy_style: a.style === 'base' ? undefined : a.style,
        })),
        created_at: '2026-01-01T00:00:00Z',
        alr_version: 'bench',
      }),
    );
    for (const a of agents) {
      const dir = join(runDir, 'results', a.name, 'knapsack');
      mkdirSync(dir, { recursive: true });
      for (let t = 0; t < perCondition; t++) {
        const taskId = `knapsack-${String(t).padStart(10, '0')}`;
        const codes = stepCodes(a.style, a.runtime, r);
        let prompt = 2500;
        let total = 0;
        const events: unknown[] = [
          { type: 'StartEvent', data: { task: 'Goal: knapsack…' }, timestamp: '2026-01-01T00:00:00' },
        ];
        codes.forEach((s, turn) => {
          const completion = 40 + s.code.length / 3;
          const observation = s.nameError
            ? JSON.stringify({
                success: false,
                result: null,
                output: '',
                error:
                  'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nNameError: name \'ids\' is not defined',
              })
            : JSON.stringify({
                success: true,
                result: null,
                output: `${turn} ${'x'.repeat(120)}\n`,
                error: null,
              });
          events.push({
            type: 'StepEvent',
            data: {
              turn,
              assistant_text: `I will continue with step ${turn}; keeping the plan short.\n\n\`\`\`python\n${s.code}\n\`\`\``,
              code: s.code,
              interpreter_result: JSON.parse(observation),
              token_usage: {
                prompt_tokens: Math.round(prompt),
                completion_tokens: Math.round(completion),
                total_tokens: Math.round(prompt + completion),
              },
              observation,
              globals_message: null,
              globals: a.runtime === 'persistent' ? ['ids', 'info', 'i', 'best'] : [],
              tool_calls: Array.from({ length: 3 }, (_, k) => ({
                tool: 'inspect',
                args: { item_id: `item_${k}` },
                ok: true,
                result: '{}',
                duration_ms: 0.2,
              })),
              error_type: s.nameError ? 'NameError' : null,
              duration_ms: 30,
              incidents: [],
            },
            timestamp: '2026-01-01T00:00:01',
          });
          total += prompt + completion;
          prompt += completion + observation.length / 3.5;
        });
        const score = a.style === 'base' ? r() * 0.1 : 0.5 + r() * 0.5;
        writeFileSync(
          join(dir, `knapsack-${taskId}.trace.json`),
          JSON.stringify(
            {
              started_at: '2026-01-01T00:00:00',
              finished_at: '2026-01-01T00:00:20',
              summary: {
                task: 'Goal: knapsack…',
                system_prompts: ['…'],
                num_steps: codes.length,
                finish_reason: 'finish_tool',
                errors: [],
                token_usage: {
                  prompt_tokens: Math.round(total * 0.95),
                  completion_tokens: Math.round(total * 0.05),
                  total_tokens: Math.round(total),
                },
              },
              events,
              alr: {
                schema: 'alr.trace.v1',
                task_id: taskId,
                family: 'knapsack',
                runtime: a.runtime,
                agent: a.name,
                stop_reason: 'finish_tool',
                wall_time_s: 5 + r() * 30,
              },
            },
            null,
            2,
          ),
        );
        writeFileSync(
          join(dir, `knapsack-${taskId}.json`),
          JSON.stringify(
            {
              status: 'completed',
              error: null,
              result: {
                is_solved: score > 0.97,
                score,
                metrics: {
                  agent_value: 0,
                  optimal_value: 0,
                  weight_used: 30,
                  capacity: 40,
                  inspected_count: 20,
                },
              },
              finished_at: 20,
              started_at: 0,
            },
            null,
            2,
          ),
        );
      }
    }
    runs.push(runDir);
  }
  return runs;
}

export async function run(options: BenchOptions): Promise<unknown> {
  const perCondition = Number(options.settings.episodes_per_condition ?? (options.quick ? 10 : 100));
  const useAnalyzer = (options.settings.analyzer ?? 'sandbox') !== 'none';
  const root = mkdtempSync(join(tmpdir(), 'alr-bench-analysis-'));
  try {
    const runs = synthesizeRun(root, perCondition);
    const analyzer = useAnalyzer ? undefined : null;

    // The analyzer keeps one Python process for the life of the harness: time its start apart.
    let t0 = performance.now();
    let startupMs: number | null = null;
    if (useAnalyzer) {
      const { analyzeCode } = await import('../src/sandbox/index.js');
      await analyzeCode(['x = 1']);
      startupMs = performance.now() - t0;
    }

    t0 = performance.now();
    const metrics = await computeMetrics(runs, { analyzer });
    const metricsMs = performance.now() - t0;
    const blocks = metrics.episodes.reduce((a, e) => a + e.steps.filter((s) => s.code !== null).length, 0);

    // Reading files and the non-parser metrics alone, then with the statistics on top.
    t0 = performance.now();
    await computeMetrics(runs, { analyzer: null });
    const readingMs = performance.now() - t0;
    t0 = performance.now();
    const data = await buildReportData(runs, { analyzer: null });
    const statisticsMs = performance.now() - t0 - readingMs;

    t0 = performance.now();
    const out = join(root, 'report');
    await generateReport(runs, out, { analyzer });
    const reportMs = performance.now() - t0;

    // The persistent analysis cache (what `alr report` and `alr compare` use): a first pass into an
    // empty cache, then a pass reading a copy of it from disk (each folder is read once per process).
    let cache: Record<string, number> | null = null;
    if (useAnalyzer) {
      const cold = join(root, 'cache-cold');
      const warm = join(root, 'cache-warm');
      const pair = (run: string) => [
        join(run, 'results', 'stateless-persistent', 'knapsack'),
        join(run, 'results', 'stateless-stateless', 'knapsack'),
      ];
      t0 = performance.now();
      await compareRuns(...(pair(runs[0] as string) as [string, string]), { analysisCache: cold });
      const compareColdMs = performance.now() - t0;
      t0 = performance.now();
      await computeMetrics(runs, { analysisCache: cold });
      const metricsColdMs = performance.now() - t0;
      cpSync(cold, warm, { recursive: true });
      t0 = performance.now();
      await computeMetrics(runs, { analysisCache: warm });
      const metricsWarmMs = performance.now() - t0;
      t0 = performance.now();
      await compareRuns(...(pair(runs[1] as string) as [string, string]), { analysisCache: warm });
      const compareWarmMs = performance.now() - t0;
      cache = {
        compare_one_pair_empty_cache_ms: Math.round(compareColdMs),
        metrics_rest_into_cache_ms: Math.round(metricsColdMs),
        metrics_from_cache_ms: Math.round(metricsWarmMs),
        compare_one_pair_from_cache_ms: Math.round(compareWarmMs),
      };
    }

    const browser =
      (options.settings.browser ?? 'auto') !== 'none' ? await timeInBrowser(join(out, 'report.html')) : null;

    return {
      episodes: metrics.episodes.length,
      conditions: metrics.conditions.length,
      code_blocks: blocks,
      data: 'synthesized traces (not played by the runner)',
      behavioral_metrics: metrics.behavioralAvailable ? 'Python ast via the sandbox analyzer' : 'skipped',
      paired_tests: data.comparisons.length,
      analyzer_startup_ms: startupMs === null ? null : Math.round(startupMs),
      metrics_ms: Math.round(metricsMs),
      reading_without_parser_ms: Math.round(readingMs),
      statistics_ms: Math.round(statisticsMs),
      full_report_ms: Math.round(reportMs),
      analysis_cache: cache,
      report_html_bytes: statSync(join(out, 'report.html')).size,
      browser,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Page load and first-episode open times of report.html in headless Chromium, when it is installed. */
async function timeInBrowser(file: string): Promise<unknown> {
  const executablePath = '/usr/bin/chromium';
  if (!existsSync(executablePath)) return 'skipped: chromium not installed';
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    let t0 = performance.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.locator('#episode-rows tr').first().waitFor();
    const loadMs = performance.now() - t0;
    t0 = performance.now();
    await page.locator('#episode-rows tr').nth(5).click();
    await page.locator('#viewer details.turn').first().waitFor();
    await page.locator('#viewer details.turn').first().locator('summary').click();
    await page.locator('#viewer .turn-body pre').first().waitFor();
    const openMs = performance.now() - t0;
    return { load_ms: Math.round(loadMs), open_episode_and_turn_ms: Math.round(openMs) };
  } finally {
    await browser.close();
  }
}
