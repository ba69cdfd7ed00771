// The paper's main table (Difficulty × Train × Runtime; Score ± CI, Solved, Steps, Tokens, Time,
// Score / 1k Tokens) in LaTeX and Markdown. The LaTeX prints the numbers scripts/main_table.py of the
// reference prints for the same summaries: same formats, same rounding, same bold rules.
import type { Condition } from '../metrics/index.js';
import type { MainCell } from './condition-stats.js';
import { familyName, showsFamily } from './family-column.js';
import { formatFixed, roundHalfEven, withThousands } from './py-format.js';

export interface TableRow {
  condition: Condition;
  cell: MainCell;
}

export interface TableOptions {
  caption?: string;
  label?: string;
  /** 'count' (default) or 'percent' of executed tasks. */
  solvedFormat?: 'count' | 'percent';
}

export const DEFAULT_CAPTION =
  'Opaque Knapsack results for each training style and runtime: outcome (normalized optimality with a 95% bootstrap interval, exact solves) and interaction footprint (steps, tokens, wall time, score per 1k tokens).';

const STYLE_ORDER = ['persistent', 'stateless', 'reset'];
const DIFFICULTY_ORDER = ['easy', 'medium', 'hard'];

function rank(order: string[], value: string): number {
  const i = order.indexOf(value.toLowerCase());
  return i < 0 ? order.length : i;
}

export function displayName(value: string): string {
  return value.length ? value[0]?.toUpperCase() + value.slice(1) : value;
}

/**
 * Rows grouped by difficulty (Easy, Medium, Hard, then others) and, when the rows span several
 * families, by family (best values compare like with like); each group in train × runtime order.
 */
export function groupRows(
  rows: readonly TableRow[],
): Array<{ difficulty: string; family: string | null; rows: TableRow[] }> {
  const byFamily = showsFamily(rows.map((r) => r.condition));
  const groups = new Map<string, { difficulty: string; family: string | null; rows: TableRow[] }>();
  for (const row of rows) {
    const family = byFamily ? row.condition.family : null;
    const key = `${row.condition.difficulty}\u0000${family ?? ''}`;
    const group = groups.get(key) ?? { difficulty: row.condition.difficulty, family, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  const cmp = (a: string, b: string, order: string[]) =>
    rank(order, a) - rank(order, b) || (a < b ? -1 : a > b ? 1 : 0);
  return [...groups.values()]
    .sort(
      (a, b) => cmp(a.difficulty, b.difficulty, DIFFICULTY_ORDER) || cmp(a.family ?? '', b.family ?? '', []),
    )
    .map(({ difficulty, family, rows: list }) => ({
      difficulty,
      family,
      rows: [...list].sort(
        (x, y) =>
          cmp(x.condition.train, y.condition.train, STYLE_ORDER) ||
          cmp(x.condition.runtime, y.condition.runtime, STYLE_ORDER) ||
          cmp(x.condition.family ?? '', y.condition.family ?? '', []),
      ),
    }));
}

/** Score per 1k tokens of a cell, as main_table.py computes it (score% / tokens × 1000). */
export function normOf(cell: MainCell): number | null {
  return cell.score_pct !== null && cell.tokens !== null && cell.tokens > 0
    ? (cell.score_pct / cell.tokens) * 1000
    : null;
}

interface Best {
  score: number | null;
  steps: number | null;
  tokens: number | null;
  time: number | null;
  norm: number | null;
}

function bestOf(rows: readonly TableRow[]): Best {
  const cells = rows.map((r) => r.cell).filter((c) => c.score_pct !== null);
  const pick = (values: Array<number | null>, f: (...xs: number[]) => number) => {
    const xs = values.filter((v): v is number => v !== null);
    return xs.length ? f(...xs) : null;
  };
  return {
    score: pick(
      cells.map((c) => c.score_pct),
      Math.max,
    ),
    steps: pick(
      cells.map((c) => c.steps),
      Math.min,
    ),
    tokens: pick(
      cells.map((c) => c.tokens),
      Math.min,
    ),
    time: pick(
      cells.map((c) => c.runtime),
      Math.min,
    ),
    norm: pick(cells.map(normOf), Math.max),
  };
}

/** The cell texts of a row, unbolded, plus which are best in their group. */
export interface RowTexts {
  score: string;
  margin: string | null;
  solved: string;
  steps: string;
  tokens: string;
  time: string;
  norm: string;
  bold: { score: boolean; steps: boolean; tokens: boolean; time: boolean; norm: boolean };
}

export function rowTexts(cell: MainCell, best: Best, solvedFormat: 'count' | 'percent'): RowTexts {
  const norm = normOf(cell);
  const ci = cell.score_ci;
  const margin =
    ci && Number.isFinite(ci.lo) && Number.isFinite(ci.hi) ? formatFixed((ci.hi - ci.lo) / 2, 1) : null;
  let solved = '?';
  if (cell.solved !== null)
    solved =
      solvedFormat === 'percent'
        ? formatFixed((100 * cell.solved) / (cell.executed || 100), 0)
        : String(cell.solved);
  return {
    score: cell.score_pct === null ? '?' : formatFixed(cell.score_pct, 1),
    margin,
    solved,
    steps: cell.steps === null ? '?' : formatFixed(cell.steps, 2).replace(/0+$/, '').replace(/\.$/, ''),
    tokens: cell.tokens === null ? '?' : withThousands(roundHalfEven(cell.tokens)),
    time: cell.runtime === null ? '?' : formatFixed(cell.runtime, 1),
    norm: norm === null ? '?' : formatFixed(norm, 2),
    bold: {
      score: best.score !== null && cell.score_pct === best.score,
      steps: best.steps !== null && cell.steps === best.steps,
      tokens: best.tokens !== null && cell.tokens === best.tokens,
      time: best.time !== null && cell.runtime === best.time,
      norm: best.norm !== null && norm !== null && Math.abs(norm - best.norm) < 1e-6,
    },
  };
}

function latexEscape(text: string): string {
  return text.replace(/([&%$#_{}])/g, '\\$1');
}

export function renderLatex(rows: readonly TableRow[], options: TableOptions = {}): string {
  const bf = (text: string, on: boolean) => (on && text !== '?' ? `\\textbf{${text}}` : text);
  const withFamily = showsFamily(rows.map((r) => r.condition));
  const lines = [
    '\\begin{table*}[t]',
    '\\centering',
    '\\small',
    `\\caption{${options.caption ?? DEFAULT_CAPTION.replace(/%/g, '\\%')}}`,
    `\\label{${options.label ?? 'tab:main_results'}}`,
    '\\setlength{\\aboverulesep}{0pt}',
    '\\setlength{\\belowrulesep}{0pt}',
    '\\setlength{\\extrarowheight}{.1ex}',
    `\\begin{tabular}{lll${withFamily ? 'l' : ''}ccccc>{\\columncolor{black!10}}c}`,
    '\\toprule',
    `\\textbf{Difficulty} & ${withFamily ? '\\textbf{Family} & ' : ''}\\textbf{Train} & \\textbf{Runtime} & \\textbf{Score (\\%)} & \\textbf{Solved} & \\textbf{Steps} & \\textbf{Tokens} & \\textbf{Time (s)} & \\textbf{Score / 1k Tokens} \\\\`,
    '\\midrule',
  ];
  for (const group of groupRows(rows)) {
    const best = bestOf(group.rows);
    group.rows.forEach((row, i) => {
      const t = rowTexts(row.cell, best, options.solvedFormat ?? 'count');
      const diff =
        i === 0
          ? `\\multirow{${group.rows.length}}{*}{\\rotatebox[origin=c]{90}{${latexEscape(displayName(group.difficulty))}}}`
          : '';
      let score = bf(t.score, t.bold.score);
      if (t.margin !== null) score = `${score} $\\pm$ ${t.margin}`;
      lines.push(
        `${diff} & ${withFamily ? `${latexEscape(familyName(row.condition.family))} & ` : ''}${latexEscape(displayName(row.condition.train))} & ${latexEscape(displayName(row.condition.runtime))} & ${score} & ${t.solved} & ${bf(t.steps, t.bold.steps)} & ${bf(t.tokens, t.bold.tokens)} & ${bf(t.time, t.bold.time)} & ${bf(t.norm, t.bold.norm)} \\\\`,
      );
    });
    lines.push('\\midrule');
  }
  if (lines[lines.length - 1] === '\\midrule') lines[lines.length - 1] = '\\bottomrule';
  else lines.push('\\bottomrule');
  lines.push('\\end{tabular}', '\\end{table*}');
  return `${lines.join('\n')}\n`;
}

export function renderMarkdown(rows: readonly TableRow[], options: TableOptions = {}): string {
  const bf = (text: string, on: boolean) => (on && text !== '?' ? `**${text}**` : text);
  const withFamily = showsFamily(rows.map((r) => r.condition));
  const out = [
    `| Difficulty | ${withFamily ? 'Family | ' : ''}Train | Runtime | n | Score (%) | Solved | Steps | Tokens | Time (s) | Score / 1k Tokens |`,
    `|---|${withFamily ? '---|' : ''}---|---|---:|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const group of groupRows(rows)) {
    const best = bestOf(group.rows);
    for (const row of group.rows) {
      const t = rowTexts(row.cell, best, options.solvedFormat ?? 'count');
      const score = `${bf(t.score, t.bold.score)}${t.margin !== null ? ` ± ${t.margin}` : ''}`;
      const n = row.cell.score_ci?.n ?? row.cell.executed ?? '?';
      out.push(
        `| ${displayName(group.difficulty)} | ${withFamily ? `${familyName(row.condition.family)} | ` : ''}${displayName(row.condition.train)} | ${displayName(row.condition.runtime)} | ${n} | ${score} | ${t.solved} | ${bf(t.steps, t.bold.steps)} | ${bf(t.tokens, t.bold.tokens)} | ${bf(t.time, t.bold.time)} | ${bf(t.norm, t.bold.norm)} |`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/** Best values of each difficulty group (for the HTML table). */
export function groupBest(rows: readonly TableRow[]): Best {
  return bestOf(rows);
}
