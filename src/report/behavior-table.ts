// The behavioral table: NameError episodes, error loops, state utilization, re-imports, symbol lifespan.
import type { BehaviorRow } from './condition-stats.js';
import { familyName, showsFamily } from './family-column.js';
import { displayName, groupRows, type TableRow } from './main-table.js';

export interface BehaviorTableRow extends TableRow {
  behavior: BehaviorRow;
}

export const BEHAVIOR_COLUMNS: Array<{ key: keyof BehaviorRow; title: string; percent?: boolean }> = [
  { key: 'name_error_rate', title: 'NameError episodes (%)', percent: true },
  { key: 'errors_per_episode', title: 'Error steps / episode' },
  { key: 'longest_error_run', title: 'Longest error run' },
  { key: 'state_utilization', title: 'State utilization' },
  { key: 'state_reuse_per_step', title: 'Reused names / step' },
  { key: 'reimport_rate', title: 'Re-import rate' },
  { key: 'imports_per_step', title: 'Imports / step' },
  { key: 'symbol_lifespan', title: 'Symbol lifespan (turns)' },
  { key: 'tool_calls', title: 'Tool calls' },
];

export function behaviorValue(row: BehaviorRow, key: keyof BehaviorRow, percent?: boolean): string {
  const v = row[key];
  if (v === null) return 'n/a';
  return percent ? (v * 100).toFixed(1) : v.toFixed(2);
}

function ordered(rows: readonly BehaviorTableRow[]): BehaviorTableRow[] {
  return groupRows(rows).flatMap((g) => g.rows as BehaviorTableRow[]);
}

export function renderBehaviorMarkdown(rows: readonly BehaviorTableRow[]): string {
  const withFamily = showsFamily(rows.map((r) => r.condition));
  const head = ['Difficulty', ...(withFamily ? ['Family'] : []), 'Train', 'Runtime', 'n'];
  const out = [
    `| ${[...head, ...BEHAVIOR_COLUMNS.map((c) => c.title)].join(' | ')} |`,
    `|${head.map((h) => (h === 'n' ? '---:' : '---')).join('|')}|${BEHAVIOR_COLUMNS.map(() => '---:').join('|')}|`,
  ];
  for (const r of ordered(rows)) {
    const c = r.condition;
    out.push(
      `| ${displayName(c.difficulty)} | ${withFamily ? `${familyName(c.family)} | ` : ''}${displayName(c.train)} | ${displayName(c.runtime)} | ${r.behavior.n} | ${BEHAVIOR_COLUMNS.map((col) => behaviorValue(r.behavior, col.key, col.percent)).join(' | ')} |`,
    );
  }
  return `${out.join('\n')}\n`;
}

export function renderBehaviorLatex(rows: readonly BehaviorTableRow[]): string {
  const esc = (t: string) => t.replace(/([&%$#_{}])/g, '\\$1');
  const withFamily = showsFamily(rows.map((r) => r.condition));
  const lines = [
    '\\begin{table*}[t]',
    '\\centering',
    '\\small',
    '\\caption{Behavioral signatures per condition (definitions in the metrics documentation).}',
    '\\label{tab:behavior}',
    `\\begin{tabular}{lll${withFamily ? 'l' : ''}${'c'.repeat(BEHAVIOR_COLUMNS.length + 1)}}`,
    '\\toprule',
    `\\textbf{Difficulty} & ${withFamily ? '\\textbf{Family} & ' : ''}\\textbf{Train} & \\textbf{Runtime} & \\textbf{n} & ${BEHAVIOR_COLUMNS.map((c) => `\\textbf{${esc(c.title)}}`).join(' & ')} \\\\`,
    '\\midrule',
  ];
  for (const r of ordered(rows)) {
    const c = r.condition;
    lines.push(
      `${esc(displayName(c.difficulty))} & ${withFamily ? `${esc(familyName(c.family))} & ` : ''}${esc(displayName(c.train))} & ${esc(displayName(c.runtime))} & ${r.behavior.n} & ${BEHAVIOR_COLUMNS.map((col) => behaviorValue(r.behavior, col.key, col.percent)).join(' & ')} \\\\`,
    );
  }
  lines.push('\\bottomrule', '\\end{tabular}', '\\end{table*}');
  return `${lines.join('\n')}\n`;
}
