// Figures as vega-lite specs, rendered in Node without a browser: SVG from a headless vega View,
// PNG from that SVG with resvg.
import type { Condition, EpisodeMetrics } from '../metrics/index.js';
import { mean } from '../stats/mean.js';
import type { BehaviorRow, MainCell } from './condition-stats.js';
import { familyName, showsFamily } from './family-column.js';
import { displayName } from './main-table.js';

export interface FigureInput {
  condition: Condition;
  cell: MainCell;
  behavior: BehaviorRow;
  episodes: readonly EpisodeMetrics[];
}

const TRAIN_COLORS = { domain: ['persistent', 'stateless'], range: ['#1f77b4', '#d95f02'] };

function colorScale(inputs: readonly FigureInput[]) {
  const trains = [...new Set(inputs.map((i) => i.condition.train))];
  const extra = trains.filter((t) => !TRAIN_COLORS.domain.includes(t));
  const palette = ['#7570b3', '#1b9e77', '#e7298a', '#66a61e', '#a6761d', '#666666'];
  return {
    domain: [...TRAIN_COLORS.domain, ...extra],
    range: [...TRAIN_COLORS.range, ...extra.map((_, i) => palette[i % palette.length] as string)],
  };
}

function conditionName(c: Condition, withFamily: boolean): string {
  const name = `${displayName(c.train)} → ${displayName(c.runtime)}`;
  return withFamily ? `${name} · ${familyName(c.family)}` : name;
}

/** Figure 2 of the paper's kind: normalized optimality vs total tokens (log x), one point per condition. */
export function costPerformanceSpec(inputs: readonly FigureInput[]): Record<string, unknown> {
  const withFamily = showsFamily(inputs.map((i) => i.condition));
  const values: Array<Record<string, unknown>> = [];
  for (const { condition: c, cell, episodes } of inputs) {
    const base = {
      condition: conditionName(c, withFamily),
      family: c.family,
      train: c.train,
      runtime: c.runtime,
      difficulty: displayName(c.difficulty),
    };
    for (const e of episodes) {
      if (e.score === null || e.total_tokens === null || e.total_tokens <= 0) continue;
      values.push({ ...base, kind: 'episode', tokens: e.total_tokens, score: e.score * 100 });
    }
    const tokens = episodes.map((e) => e.total_tokens).filter((t): t is number => t !== null && t > 0);
    const meanTokens = mean(tokens);
    const ci = cell.score_ci;
    if (meanTokens !== null && cell.score_pct !== null && ci)
      values.push({ ...base, kind: 'mean', tokens: meanTokens, score: ci.mean, lo: ci.lo, hi: ci.hi });
  }
  const color = { field: 'train', type: 'nominal', title: 'Train style', scale: colorScale(inputs) };
  const x = {
    field: 'tokens',
    type: 'quantitative',
    scale: { type: 'log' },
    title: 'Total tokens per episode (log)',
  };
  const y = {
    field: 'score',
    type: 'quantitative',
    title: 'Normalized optimality (%)',
    scale: { domain: [0, 100] },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: { column: { field: 'difficulty', type: 'nominal', title: null } },
    spec: {
      width: 380,
      height: 280,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'episode'" }],
          mark: { type: 'circle', size: 14, opacity: 0.18 },
          encoding: { x, y, color },
        },
        {
          transform: [{ filter: "datum.kind === 'mean'" }],
          mark: { type: 'rule', strokeWidth: 2 },
          encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
        },
        {
          transform: [{ filter: "datum.kind === 'mean'" }],
          mark: { type: 'point', filled: true, size: 140, stroke: 'black', strokeWidth: 0.8 },
          encoding: {
            x,
            y,
            color,
            shape: {
              field: 'runtime',
              type: 'nominal',
              title: 'Runtime',
              scale: { domain: ['persistent', 'stateless'], range: ['circle', 'square'] },
            },
            tooltip: [
              { field: 'condition' },
              { field: 'score', format: '.1f' },
              { field: 'tokens', format: ',.0f' },
            ],
          },
        },
      ],
    },
    config: { font: 'sans-serif', view: { stroke: '#ccc' }, legend: { symbolOpacity: 1 } },
  };
}

const BEHAVIOR_PANELS: Array<{ key: keyof BehaviorRow; title: string }> = [
  { key: 'state_utilization', title: 'State utilization' },
  { key: 'reimport_rate', title: 'Re-import rate' },
  { key: 'symbol_lifespan', title: 'Symbol lifespan (turns)' },
  { key: 'name_error_rate', title: 'NameError episodes (fraction)' },
];

/** Behavioral-signature panels: bars per condition, color = train style, solid/faded = runtime. */
export function behaviorSpec(inputs: readonly FigureInput[]): Record<string, unknown> {
  const withFamily = showsFamily(inputs.map((i) => i.condition));
  const values: Array<Record<string, unknown>> = [];
  for (const { condition: c, behavior } of inputs) {
    for (const panel of BEHAVIOR_PANELS) {
      const v = behavior[panel.key];
      if (v === null) continue;
      values.push({
        metric: panel.title,
        condition: conditionName(c, withFamily),
        train: c.train,
        runtime: c.runtime,
        difficulty: displayName(c.difficulty),
        value: v,
      });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: {
      column: { field: 'metric', type: 'nominal', title: null, sort: BEHAVIOR_PANELS.map((p) => p.title) },
      row: { field: 'difficulty', type: 'nominal', title: null },
    },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 170,
      height: 170,
      mark: { type: 'bar', stroke: '#333', strokeWidth: 0.6 },
      encoding: {
        x: { field: 'condition', type: 'nominal', title: null, axis: { labelAngle: -35, labelLimit: 240 } },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'train', type: 'nominal', title: 'Train style', scale: colorScale(inputs) },
        opacity: {
          field: 'runtime',
          type: 'ordinal',
          title: 'Runtime',
          scale: { domain: ['persistent', 'stateless'], range: [1, 0.4] },
        },
        tooltip: [{ field: 'condition' }, { field: 'metric' }, { field: 'value', format: '.3f' }],
      },
    },
    config: { font: 'sans-serif' },
  };
}

/** vega-lite spec → SVG text, headless. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const compiled = vegaLite.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** SVG text → PNG bytes (2× scale for sharp text). */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}
