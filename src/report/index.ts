// `generateReport(runDirs, outDir, options)`: metrics, tables, figures, metrics.json / episodes.csv
// and a self-contained report.html for one or more runs.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile, summaryFile } from '../metrics/files.js';
import {
  type CodeAnalyzer,
  type Condition,
  computeMetrics,
  type Episode,
  type EpisodeMetrics,
} from '../metrics/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { InputError } from '../util/errors.js';
import { packageVersion } from '../util/version.js';
import { type BehaviorTableRow, renderBehaviorLatex, renderBehaviorMarkdown } from './behavior-table.js';
import { adjustHolm, comparablePairs, compareConditions, type PairedTest } from './comparisons.js';
import { behaviorRow, mainCell, type ScoreScale } from './condition-stats.js';
import { behaviorSpec, costPerformanceSpec, renderSvg, svgToPng } from './figures.js';
import { renderHtml } from './html.js';
import { displayName, renderLatex, renderMarkdown, type TableOptions } from './main-table.js';
import { readSpec } from './spec.js';
import { hasRuntimeSpectrum, spectrumSpec } from './spectrum-figure.js';

export { compareConditions, type PairedTest, pairByTask } from './comparisons.js';
export { type BehaviorRow, behaviorRow, type MainCell, mainCell } from './condition-stats.js';
export { renderLatex, renderMarkdown } from './main-table.js';
export { formatFixed, roundHalfEven, withThousands } from './py-format.js';

export interface ReportOptions {
  /** A spec file naming the table cells (overrides the labels read from run metadata). */
  spec?: string;
  /** Folder of task files, for scoring trace-only episodes. */
  tasksDir?: string;
  /** Code analyzer for the behavioral metrics (default: the sandbox's; null: skip them). */
  analyzer?: CodeAnalyzer | null;
  title?: string;
  /** Also write PNG versions of the figures (default true). */
  png?: boolean;
}

export interface ReportData {
  conditions: Condition[];
  episodes: Episode[];
  rows: BehaviorTableRow[];
  comparisons: PairedTest[];
  behavioralAvailable: boolean;
  table: TableOptions;
  title: string;
  sources: string[];
}

export interface ReportResult {
  outDir: string;
  files: string[];
  conditions: Array<{ id: string; label: string; episodes: number }>;
  episodes: number;
  comparisons: number;
}

function relabel(c: Condition, difficulty: string, train: string, runtime: string): Condition {
  return { ...c, difficulty, train, runtime, label: `${difficulty} · ${train} → ${runtime}` };
}

/** Reads the runs (or the spec's cells) and computes everything the report shows. */
export async function buildReportData(
  runDirs: readonly string[],
  options: ReportOptions = {},
): Promise<ReportData> {
  let conditions: Condition[] = [];
  let episodes: Episode[] = [];
  let behavioralAvailable = true;
  let scale: ScoreScale = 'auto';
  const table: TableOptions = {};
  let title = options.title ?? 'Runtime-semantics evaluation report';
  let sources: string[] = [...runDirs];

  if (options.spec) {
    const spec = readSpec(options.spec);
    scale = spec.score_scale ?? 'auto';
    table.caption = spec.caption;
    table.label = spec.label;
    table.solvedFormat = spec.solved_format;
    if (spec.title && !options.title) title = spec.title;
    sources = [];
    for (const [k, cell] of spec.cells.entries()) {
      const pathIsFile = statSync(cell.path, { throwIfNoEntry: false })?.isFile() ?? false;
      const source = cell.metrics_path ?? (pathIsFile ? null : cell.path);
      if (!source)
        throw new InputError(
          'a cell whose path is a summary file needs metrics_path',
          options.spec,
          `cells.${k}`,
        );
      sources.push(source);
      const m = await computeMetrics([source], { tasksDir: options.tasksDir, analyzer: options.analyzer });
      behavioralAvailable &&= m.behavioralAvailable;
      if (m.conditions.length !== 1)
        throw new InputError(
          `the folder holds ${m.conditions.length} conditions; point the cell at one results/<agent>/<family> folder`,
          options.spec,
          `cells.${k}.path`,
        );
      const c = relabel(m.conditions[0] as Condition, cell.difficulty, cell.train, cell.runtime);
      const id = `cell-${k + 1}`;
      if (pathIsFile) c.summary = readJsonFile(summaryFile, cell.path);
      conditions.push({ ...c, id });
      episodes.push(...m.episodes.map((e) => ({ ...e, metrics: { ...e.metrics, condition: id } })));
    }
  } else {
    if (runDirs.length === 0) throw new InputError('give at least one run folder (or --spec)');
    const m = await computeMetrics(runDirs, { tasksDir: options.tasksDir, analyzer: options.analyzer });
    conditions = m.conditions;
    episodes = m.episodes;
    behavioralAvailable = m.behavioralAvailable;
  }

  const byCondition = new Map<string, EpisodeMetrics[]>();
  for (const e of episodes) {
    const list = byCondition.get(e.metrics.condition) ?? [];
    list.push(e.metrics);
    byCondition.set(e.metrics.condition, list);
  }
  const of = (id: string) => byCondition.get(id) ?? [];
  // Bootstrap order = file-name order (main_table.py reads files in unsorted glob order; we sort).
  for (const list of byCondition.values())
    list.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

  const rows: BehaviorTableRow[] = conditions.map((c) => ({
    condition: c,
    cell: mainCell(c, of(c.id), scale),
    behavior: behaviorRow(of(c.id)),
  }));
  const comparisons: PairedTest[] = [];
  for (const [a, b] of comparablePairs(conditions, of))
    comparisons.push(...compareConditions(a.id, b.id, of(a.id), of(b.id)));
  adjustHolm(comparisons);
  return { conditions, episodes, rows, comparisons, behavioralAvailable, table, title, sources };
}

const CSV_COLUMNS: Array<keyof EpisodeMetrics> = [
  'condition',
  'task_id',
  'family',
  'file',
  'status',
  'score',
  'solved',
  'score_source',
  'steps',
  'tool_calls',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'wall_time_s',
  'score_per_1k_tokens',
  'capacity_utilization',
  'items_inspected',
  'finish_reason',
  'stop_reason',
  'error_steps',
  'name_errors',
  'has_name_error',
  'longest_error_run',
  'state_utilization',
  'state_reuse_per_step',
  'reimport_rate',
  'imports_per_step',
  'symbol_lifespan',
  'unparsed_blocks',
];

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function episodesCsv(data: ReportData): string {
  const byId = new Map(data.conditions.map((c) => [c.id, c]));
  const head = ['difficulty', 'train', 'runtime', ...CSV_COLUMNS];
  const lines = [head.join(',')];
  for (const e of data.episodes) {
    const c = byId.get(e.metrics.condition);
    lines.push(
      [c?.difficulty, c?.train, c?.runtime, ...CSV_COLUMNS.map((k) => e.metrics[k])].map(csvField).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** JSON-safe numbers: NaN and infinities become null. */
function finite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** Writes the whole report into `outDir`. */
export async function generateReport(
  runDirs: readonly string[],
  outDir: string,
  options: ReportOptions = {},
): Promise<ReportResult> {
  const data = await buildReportData(runDirs, options);
  const files: string[] = [];
  const write = (name: string, content: string | Uint8Array) => {
    const path = join(outDir, name);
    writeFileAtomic(path, content);
    files.push(path);
  };
  const generatedAt = new Date().toISOString();
  const version = packageVersion();

  write('table.md', renderMarkdown(data.rows, data.table));
  write('table.tex', renderLatex(data.rows, data.table));
  write('behavior.md', renderBehaviorMarkdown(data.rows));
  write('behavior.tex', renderBehaviorLatex(data.rows));

  const inputs = data.rows.map((r) => ({
    ...r,
    episodes: data.episodes.filter((e) => e.metrics.condition === r.condition.id).map((e) => e.metrics),
  }));
  const figures = [
    {
      name: 'cost-performance',
      title: 'Cost and performance',
      caption:
        'Normalized optimality against total tokens per episode (log scale). Large markers: condition means with 95% bootstrap intervals of the score; faint dots: single episodes. Color: training style; marker shape: runtime (circle: persistent, square: stateless).',
      spec: costPerformanceSpec(inputs),
    },
    {
      name: 'behavior',
      title: 'Behavioral signatures',
      caption:
        'State utilization, re-import rate, symbol lifespan and NameError episode rate per condition. Color: training style; solid bars: persistent runtime, faded bars: stateless runtime.',
      spec: behaviorSpec(inputs),
    },
  ];
  // Runtime specs beyond persistent/stateless (docs/runtimes.md) get the spectrum figure.
  if (hasRuntimeSpectrum(inputs))
    figures.push({
      name: 'runtime-spectrum',
      title: 'Across the runtime spectrum',
      caption:
        'NameError episode rate and mean tokens per episode for each runtime spec, ordered from most state kept to least. Color: training style.',
      spec: spectrumSpec(inputs),
    });
  const rendered: Array<{ title: string; caption: string; svg: string }> = [];
  for (const f of figures) {
    const svg = await renderSvg(f.spec);
    write(`${f.name}.vl.json`, `${JSON.stringify(f.spec, null, 2)}\n`);
    write(`${f.name}.svg`, svg);
    if (options.png !== false) write(`${f.name}.png`, await svgToPng(svg));
    rendered.push({ title: f.title, caption: f.caption, svg });
  }

  write(
    'metrics.json',
    `${JSON.stringify(
      {
        schema: 'alr.report.v1',
        generated_at: generatedAt,
        alr_version: version,
        sources: data.sources,
        behavioral_available: data.behavioralAvailable,
        statistics: {
          score_ci:
            'percentile bootstrap of the mean, 5000 resamples, seed 0, main_table.py procedure, episodes in file-name order',
          paired:
            'Wilcoxon signed-rank (two-sided, SciPy default) + paired percentile bootstrap of the mean difference (5000, seed 0); exact McNemar for binary metrics; Holm across all tests',
        },
        conditions: data.rows.map((r) => ({
          id: r.condition.id,
          label: r.condition.label,
          difficulty: r.condition.difficulty,
          train: r.condition.train,
          runtime: r.condition.runtime,
          agent: r.condition.agent,
          family: r.condition.family,
          model: r.condition.model,
          source: r.condition.source,
          table: r.cell,
          behavior: r.behavior,
          replays: r.condition.replays.map((x) => ({ runtime: x.runtime, file: x.file })),
        })),
        comparisons: data.comparisons,
        episodes: data.episodes.map((e) => e.metrics),
      },
      finite,
      2,
    )}\n`,
  );
  write('episodes.csv', episodesCsv(data));

  const notes: string[] = [];
  if (data.rows.some((r) => r.cell.from === 'summary'))
    notes.push(
      'Score, Solved, Steps, Tokens and Time come from the runs’ summary files where present, as the reference table script reads them; the intervals come from the per-episode result files.',
    );
  if (data.episodes.some((e) => e.metrics.score_source === 'replay'))
    notes.push(
      'Some scores were recomputed from the logged take_item calls against the task files (no result file).',
    );
  if (data.episodes.some((e) => e.metrics.score === null))
    notes.push(
      'Some episodes have no score (no result file and no tool log to replay); they are left out of the score statistics.',
    );
  // Episodes cut off by the model's context window are scored on their final state; say how many.
  const contextExceeded = new Map<string, number>();
  const episodesOf = new Map<string, number>();
  for (const e of data.episodes) {
    episodesOf.set(e.metrics.condition, (episodesOf.get(e.metrics.condition) ?? 0) + 1);
    if (e.metrics.stop_reason === 'context_exceeded')
      contextExceeded.set(e.metrics.condition, (contextExceeded.get(e.metrics.condition) ?? 0) + 1);
  }
  if (contextExceeded.size > 0)
    notes.push(
      `Episodes ended because the conversation no longer fit the model's context window (stop reason context_exceeded), scored on their final state: ${data.conditions
        .filter((c) => contextExceeded.has(c.id))
        .map((c) => `${c.label} ${contextExceeded.get(c.id)} of ${episodesOf.get(c.id)}`)
        .join(', ')}.`,
    );
  if (data.conditions.some((c) => c.model?.kind === 'scripted'))
    notes.push(
      'Conditions labeled with a training style of a scripted policy were played by deterministic scripted programs, not by a trained model.',
    );
  write(
    'report.html',
    renderHtml({
      title: data.title,
      generatedAt,
      version,
      sources: data.sources,
      conditions: data.conditions,
      episodes: data.episodes,
      mainRows: data.rows,
      solvedFormat: data.table.solvedFormat ?? 'count',
      comparisons: data.comparisons,
      figures: rendered,
      behavioralAvailable: data.behavioralAvailable,
      notes,
    }),
  );
  return {
    outDir,
    files,
    conditions: data.conditions.map((c) => ({
      id: c.id,
      label: c.label,
      episodes: data.episodes.filter((e) => e.metrics.condition === c.id).length,
    })),
    episodes: data.episodes.length,
    comparisons: data.comparisons.length,
  };
}

export { displayName };
