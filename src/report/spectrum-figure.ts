// The runtime-spectrum figure (docs/runtimes.md): NameError episode rate and tokens per episode for
// each runtime spec, one bar per train style. Drawn only when a report holds runtimes beyond the
// plain persistent/stateless pair, so the 2×2 report stays as it was.
import { isPlainRuntime, parseRuntimeSpec } from '../runtime/spec.js';
import type { FigureInput } from './figures.js';
import { displayName } from './main-table.js';

/** Order along the spectrum: most state kept first, then by spec text. */
function spectrumRank(runtime: string): number {
  try {
    const s = parseRuntimeSpec(runtime);
    if (isPlainRuntime(s)) return s.base === 'persistent' ? 0 : 4;
    if (s.base === 'stateless') return 3;
    return s.restart !== null ? 2 : 1;
  } catch {
    return 5;
  }
}

export function runtimeOrder(runtimes: Iterable<string>): string[] {
  return [...new Set(runtimes)].sort((a, b) => spectrumRank(a) - spectrumRank(b) || a.localeCompare(b));
}

/** True when the report should carry the spectrum figure. */
export function hasRuntimeSpectrum(inputs: readonly FigureInput[]): boolean {
  return inputs.some((i) => {
    try {
      return !isPlainRuntime(parseRuntimeSpec(i.condition.runtime));
    } catch {
      return false;
    }
  });
}

const PANELS = ['NameError episodes (fraction)', 'Tokens per episode (mean)'];

export function spectrumSpec(inputs: readonly FigureInput[]): Record<string, unknown> {
  const values: Array<Record<string, unknown>> = [];
  for (const { condition: c, behavior, cell } of inputs) {
    const common = { runtime: c.runtime, train: c.train, difficulty: displayName(c.difficulty) };
    if (behavior.name_error_rate !== null)
      values.push({ ...common, metric: PANELS[0], value: behavior.name_error_rate });
    if (cell.tokens !== null) values.push({ ...common, metric: PANELS[1], value: cell.tokens });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: {
      column: { field: 'metric', type: 'nominal', title: null, sort: PANELS },
      row: { field: 'difficulty', type: 'nominal', title: null },
    },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 320,
      height: 220,
      mark: { type: 'bar' },
      encoding: {
        x: {
          field: 'runtime',
          type: 'nominal',
          title: 'Runtime',
          sort: runtimeOrder(inputs.map((i) => i.condition.runtime)),
          axis: { labelAngle: -35, labelLimit: 320 },
        },
        xOffset: { field: 'train', type: 'nominal' },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'train', type: 'nominal', title: 'Train style' },
        tooltip: [{ field: 'runtime' }, { field: 'train' }, { field: 'value', format: ',.3~f' }],
      },
    },
    config: { font: 'sans-serif', view: { stroke: '#ccc' } },
  };
}
