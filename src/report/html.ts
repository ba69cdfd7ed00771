// report.html: one self-contained page (inline CSS, JS, SVG and data; no network access at all).
import { readFileSync } from 'node:fs';
import type { Condition, Episode } from '../metrics/index.js';
import { BASE_NAMES } from '../metrics/index.js';
import { mean } from '../stats/mean.js';
import { BEHAVIOR_COLUMNS, type BehaviorTableRow, behaviorValue } from './behavior-table.js';
import type { PairedTest } from './comparisons.js';
import { familyName, showsFamily } from './family-column.js';
import { displayName, groupBest, groupRows, rowTexts, type TableRow } from './main-table.js';

export interface HtmlInput {
  title: string;
  generatedAt: string;
  version: string;
  sources: string[];
  conditions: Condition[];
  episodes: Episode[];
  mainRows: BehaviorTableRow[];
  solvedFormat: 'count' | 'percent';
  comparisons: PairedTest[];
  figures: Array<{ title: string; caption: string; svg: string }>;
  behavioralAvailable: boolean;
  notes: string[];
}

const MAX_TEXT = 20_000;

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  );
}

function clip(text: string | null): string | null {
  if (text === null) return null;
  return text.length > MAX_TEXT
    ? `${text.slice(0, MAX_TEXT)}\n… [${text.length - MAX_TEXT} more characters not shown]`
    : text;
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function asset(name: string): string {
  return readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
}

function mainTableHtml(rows: readonly TableRow[], solvedFormat: 'count' | 'percent'): string {
  const b = (t: string, on: boolean) => (on && t !== '?' ? `<b>${escapeHtml(t)}</b>` : escapeHtml(t));
  const withFamily = showsFamily(rows.map((r) => r.condition));
  const out = [
    `<table class="data" id="main-table"><thead><tr><th class="l">Difficulty</th>${withFamily ? '<th class="l">Family</th>' : ''}<th class="l">Train</th><th class="l">Runtime</th><th>n</th><th>Score (%)</th><th>Solved</th><th>Steps</th><th>Tokens</th><th>Time (s)</th><th>Score / 1k tokens</th></tr></thead><tbody>`,
  ];
  for (const g of groupRows(rows)) {
    const best = groupBest(g.rows);
    g.rows.forEach((r, i) => {
      const t = rowTexts(r.cell, best, solvedFormat);
      const ci = r.cell.score_ci;
      const title =
        ci && Number.isFinite(ci.lo)
          ? ` title="95% CI ${ci.lo.toFixed(2)} – ${ci.hi.toFixed(2)} (n=${ci.n}, ${ci.resamples} resamples, seed ${ci.seed})"`
          : '';
      out.push(
        `<tr class="${i === 0 ? 'group-start' : ''}"><td class="l">${escapeHtml(displayName(g.difficulty))}</td>${withFamily ? `<td class="l">${escapeHtml(familyName(r.condition.family))}</td>` : ''}<td class="l">${escapeHtml(displayName(r.condition.train))}</td><td class="l">${escapeHtml(displayName(r.condition.runtime))}</td><td>${ci?.n ?? r.cell.executed ?? '?'}</td><td${title}>${b(t.score, t.bold.score)}${t.margin !== null ? ` ± ${t.margin}` : ''}</td><td>${escapeHtml(t.solved)}</td><td>${b(t.steps, t.bold.steps)}</td><td>${b(t.tokens, t.bold.tokens)}</td><td>${b(t.time, t.bold.time)}</td><td>${b(t.norm, t.bold.norm)}</td></tr>`,
      );
    });
  }
  out.push('</tbody></table>');
  return out.join('');
}

function behaviorTableHtml(rows: readonly BehaviorTableRow[]): string {
  const withFamily = showsFamily(rows.map((r) => r.condition));
  const out = [
    `<table class="data" id="behavior-table"><thead><tr><th class="l">Difficulty</th>${withFamily ? '<th class="l">Family</th>' : ''}<th class="l">Train</th><th class="l">Runtime</th><th>n</th>${BEHAVIOR_COLUMNS.map((c) => `<th>${escapeHtml(c.title)}</th>`).join('')}</tr></thead><tbody>`,
  ];
  for (const g of groupRows(rows)) {
    (g.rows as BehaviorTableRow[]).forEach((r, i) => {
      const c = r.condition;
      out.push(
        `<tr class="${i === 0 ? 'group-start' : ''}"><td class="l">${escapeHtml(displayName(c.difficulty))}</td>${withFamily ? `<td class="l">${escapeHtml(familyName(c.family))}</td>` : ''}<td class="l">${escapeHtml(displayName(c.train))}</td><td class="l">${escapeHtml(displayName(c.runtime))}</td><td>${r.behavior.n}</td>${BEHAVIOR_COLUMNS.map((col) => `<td>${behaviorValue(r.behavior, col.key, col.percent)}</td>`).join('')}</tr>`,
      );
    });
  }
  out.push('</tbody></table>');
  return out.join('');
}

function fmtP(p: number | null): string {
  if (p === null) return 'n/a';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

function comparisonsHtml(tests: readonly PairedTest[], labelOf: (id: string) => string): string {
  if (tests.length === 0)
    return '<p class="note">No two conditions share tasks, so there is nothing to pair.</p>';
  const rows = tests.map((t) => {
    const diff = t.difference
      ? `${t.difference.estimate.toFixed(2)} [${t.difference.lo.toFixed(2)}, ${t.difference.hi.toFixed(2)}]`
      : `${t.b10 ?? 0} vs ${t.b01 ?? 0} discordant`;
    const sig = t.pvalue_holm !== null && t.pvalue_holm < 0.05;
    return `<tr><td class="l">${escapeHtml(labelOf(t.a))}</td><td class="l">${escapeHtml(labelOf(t.b))}</td><td class="l">${escapeHtml(t.metric)}</td><td>${t.n}</td><td>${t.mean_a.toFixed(3)}</td><td>${t.mean_b.toFixed(3)}</td><td>${escapeHtml(diff)}</td><td>${t.effect_size === null ? '' : t.effect_size.toFixed(3)}</td><td class="l">${escapeHtml(t.method)}</td><td>${fmtP(t.pvalue)}</td><td class="${sig ? 'sig' : ''}">${fmtP(t.pvalue_holm)}</td></tr>`;
  });
  return `<table class="data" id="comparisons-table"><thead><tr><th class="l">A</th><th class="l">B</th><th class="l">Metric</th><th>Pairs</th><th>Mean A</th><th>Mean B</th><th>A − B [95% CI] / discordant (A only vs B only)</th><th>Rank-biserial</th><th class="l">Test</th><th>p</th><th>p (Holm)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Each condition's real results next to what its recorded code does under the replayed runtime. */
function replaysHtml(conditions: readonly Condition[]): string {
  const rows: string[] = [];
  const files = new Set<string>();
  for (const c of conditions) {
    for (const r of c.replays) {
      files.add(r.file);
      const all = r.data.episodes;
      const prefix = c.agent && c.family ? `results/${c.agent}/${c.family}/` : null;
      const eps = prefix ? all.filter((e) => e.source.replace(/\\/g, '/').startsWith(prefix)) : [];
      if (eps.length === 0) continue;
      const pct = (x: number | null) => (x === null ? 'n/a' : (x * 100).toFixed(1));
      rows.push(
        `<tr><td class="l">${escapeHtml(c.label)}</td><td class="l">${escapeHtml(r.runtime)}</td><td>${eps.length}</td><td>${eps.filter((e) => (e.diverged_steps ?? 0) > 0).length}</td><td>${eps.filter((e) => (e.name_error_steps?.length ?? 0) > 0).length}</td><td>${pct(mean(eps.map((e) => e.recorded_score)))}</td><td>${pct(mean(eps.map((e) => e.replay_score)))}</td></tr>`,
      );
    }
  }
  const table = rows.length
    ? `<table class="data" id="replay-table"><thead><tr><th class="l">Condition (as run)</th><th class="l">Replayed under</th><th>Episodes</th><th>Diverged</th><th>With NameError</th><th>Score recorded (%)</th><th>Score replayed (%)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    : '';
  const raw = [...files]
    .map((file) => {
      const r = conditions.flatMap((c) => c.replays).find((x) => x.file === file);
      return `<details><summary>${escapeHtml(file.split(/[/\\]/).slice(-2).join('/'))}</summary><pre>${escapeHtml(clip(JSON.stringify(replaySummaryOf(r?.data), null, 2)) ?? '')}</pre></details>`;
    })
    .join('');
  return table + raw;
}

/** The summary part of a replay file (its per-episode list can be long). */
function replaySummaryOf(data: unknown): unknown {
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const o = data as Record<string, unknown>;
    if (o.summary !== undefined) return o.summary;
    return Object.fromEntries(Object.entries(o).filter(([, v]) => !Array.isArray(v) || v.length <= 20));
  }
  return data;
}

export function renderHtml(input: HtmlInput): string {
  const labelOf = (id: string) => input.conditions.find((c) => c.id === id)?.label ?? id;
  const data = {
    tools: [...BASE_NAMES].filter((n) => n !== 'json'),
    conditions: input.conditions.map((c) => ({
      id: c.id,
      label: c.label,
      difficulty: c.difficulty,
      train: c.train,
      runtime: c.runtime,
    })),
    episodes: input.episodes.map((e, i) => ({
      i,
      c: e.metrics.condition,
      task: e.metrics.task_id,
      file: e.metrics.file,
      score: e.metrics.score,
      solved: e.metrics.solved,
      steps: e.metrics.steps,
      tokens: e.metrics.total_tokens,
      ne: e.metrics.name_errors,
      stop: e.metrics.stop_reason ?? e.metrics.finish_reason,
    })),
    // One JSON string per episode, parsed only when the episode is opened.
    turns: input.episodes.map((e) =>
      JSON.stringify({
        goal: clip(e.task),
        turns: e.steps.map((s) => ({
          turn: s.turn,
          think: s.reasoning === null ? null : clip(s.reasoning),
          text: clip(s.assistantText),
          code: clip(s.code),
          ok: s.success,
          out: clip(s.output),
          err: clip(s.error),
          et: s.errorType,
          obs: clip(s.observation),
          tok:
            s.promptTokens !== null && s.completionTokens !== null
              ? [s.promptTokens, s.completionTokens]
              : null,
          calls: s.toolCalls?.length
            ? clip(
                s.toolCalls
                  .map(
                    (c) =>
                      `${c.tool}(${JSON.stringify(c.args)}) → ${c.ok ? 'ok' : `error: ${c.error ?? ''}`}`,
                  )
                  .join('\n'),
              )
            : null,
        })),
      }),
    ),
  };
  const hasReplays = input.conditions.some((c) => c.replays.length > 0);
  const notes = input.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${asset('viewer.css')}</style>
</head>
<body>
<header>
<h1>${escapeHtml(input.title)}</h1>
<p class="meta">${input.episodes.length} episodes in ${input.conditions.length} conditions · generated ${escapeHtml(input.generatedAt)} by agents-learn-runtime ${escapeHtml(input.version)}</p>
<p class="meta">Sources: ${input.sources.map(escapeHtml).join(', ')}</p>
</header>
<nav><a href="#results">Results</a><a href="#behavior">Behavior</a><a href="#figures">Figures</a><a href="#comparisons">Comparisons</a>${hasReplays ? '<a href="#replays">Replays</a>' : ''}<a href="#episodes">Episodes</a></nav>
<main>
<section id="results"><h2>Main results</h2>
<div class="scroll">${mainTableHtml(input.mainRows, input.solvedFormat)}</div>
<p class="note">Score: mean normalized optimality (agent value / optimal value) in percent, ± half-width of a 95% percentile bootstrap interval over episodes (5,000 resamples, seed 0, episodes in file-name order). Bold: best value within a difficulty group (highest score and score per 1k tokens, lowest steps, tokens and time). Tokens: prompt + completion tokens summed over every model call of an episode.</p>
${notes}
</section>
<section id="behavior"><h2>Behavioral signatures</h2>
<div class="scroll">${behaviorTableHtml(input.mainRows)}</div>
${input.behavioralAvailable ? '' : '<p class="note">The Python code analyzer was not available when this report was made, so the parser-based metrics show n/a.</p>'}
<p class="note">Definitions: NameError episodes = episodes with at least one step failing with NameError; state utilization = fraction of steps (after the first) that read a name the interpreter kept from an earlier step; re-import rate = fraction of steps after the first importing step that import an already-imported module; symbol lifespan = mean number of turns between a name's first binding and its last cross-turn reference; longest error run = longest streak of consecutive failing steps.</p>
</section>
<section id="figures"><h2>Figures</h2>
${input.figures.map((f) => `<figure>${f.svg}<figcaption><b>${escapeHtml(f.title)}.</b> ${escapeHtml(f.caption)}</figcaption></figure>`).join('\n')}
</section>
<section id="comparisons"><h2>Paired comparisons</h2>
<p class="note">Conditions of the same difficulty paired by task id. Continuous metrics: two-sided Wilcoxon signed-rank test (SciPy's default procedure) and a paired percentile bootstrap of the mean difference (5,000 resamples, seed 0); binary metrics: exact McNemar test. p (Holm): Holm–Bonferroni adjustment across all ${input.comparisons.filter((t) => t.pvalue !== null).length} tests in this report; green = below 0.05.</p>
<div class="scroll">${comparisonsHtml(input.comparisons, labelOf)}</div>
</section>
${hasReplays ? `<section id="replays"><h2>Counterfactual replays</h2><p class="note">The run's recorded code re-executed under another runtime, without a model: how brittle the recorded behavior is to the runtime.</p>${replaysHtml(input.conditions)}</section>` : ''}
<section id="episodes"><h2>Episodes</h2>
<div class="filters">
<label>Condition <select id="f-condition"><option value="">all</option></select></label>
<label>Solved <select id="f-solved"><option value="">any</option><option value="true">solved</option><option value="false">not solved</option></select></label>
<label>NameError <select id="f-nameerror"><option value="">any</option><option value="true">with NameError</option><option value="false">without</option></select></label>
<label>Task <input id="f-task" type="search" placeholder="task id"></label>
<span id="f-count" class="note"></span>
</div>
<div class="browser">
<div class="list-wrap"><table class="data" id="episode-table"><thead><tr><th class="l">Condition</th><th class="l">Task</th><th>Score</th><th>Solved</th><th>Steps</th><th>Tokens</th><th>NameErr</th></tr></thead><tbody id="episode-rows"></tbody></table><p><button id="more" hidden>Show more</button></p></div>
<div id="viewer"><p class="empty">Pick an episode to read its turns.</p></div>
</div>
</section>
</main>
<script type="application/json" id="alr-data">${scriptJson(data)}</script>
<script>${asset('viewer.js')}</script>
</body>
</html>
`;
}
