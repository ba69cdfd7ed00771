/**
 * The terminal summary of an experiment's conditions: per condition, the mean score with its 95%
 * percentile-bootstrap interval, solved episodes, mean steps and tokens, and how many episodes met a
 * NameError (the paper's signature of persistent-style code in a stateless runtime).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrapMeanCI } from '../../stats/index.js';

export interface ConditionRow {
  condition: string;
  runDir: string;
  episodes: number;
  scoreMean: number;
  scoreLo: number;
  scoreHi: number;
  solved: number;
  meanSteps: number;
  meanTokens: number;
  nameErrorEpisodes: number;
  /** Episodes that ended because the conversation no longer fit the model's context window. */
  contextExceeded: number;
  errors: number;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

/** True when any step of the trace failed with a NameError (our `error_type` field of StepEvent data). */
export function hadNameError(trace: Json): boolean {
  const events = Array.isArray(trace.events) ? trace.events : [];
  return events.some((e) => {
    const event = obj(e);
    return event.type === 'StepEvent' && obj(event.data).error_type === 'NameError';
  });
}

/** Reads every episode of a run folder (all agents and families in it). */
export function conditionRow(condition: string, runDir: string): ConditionRow {
  const scores: number[] = [];
  const steps: number[] = [];
  const tokens: number[] = [];
  let solved = 0;
  let nameErrors = 0;
  let errors = 0;
  let contextExceeded = 0;
  const results = join(runDir, 'results');
  const agents = existsSync(results) ? readdirSync(results).sort() : [];
  for (const agent of agents) {
    for (const family of readdirSync(join(results, agent)).sort()) {
      const dir = join(results, agent, family);
      for (const file of readdirSync(dir).sort()) {
        if (!file.endsWith('.json') || file.endsWith('.trace.json') || file.startsWith('.')) continue;
        const result = obj(JSON.parse(readFileSync(join(dir, file), 'utf8')));
        const inner = obj(result.result);
        scores.push(typeof inner.score === 'number' ? inner.score : 0);
        if (inner.is_solved === true) solved += 1;
        if (result.status === 'error') errors += 1;
        if (obj(result.alr).stop_reason === 'context_exceeded') contextExceeded += 1;
        const tracePath = join(dir, file.replace(/\.json$/, '.trace.json'));
        if (!existsSync(tracePath)) continue;
        const trace = obj(JSON.parse(readFileSync(tracePath, 'utf8')));
        const summary = obj(trace.summary);
        if (typeof summary.num_steps === 'number') steps.push(summary.num_steps);
        const total = obj(summary.token_usage).total_tokens;
        if (typeof total === 'number') tokens.push(total);
        if (hadNameError(trace)) nameErrors += 1;
      }
    }
  }
  const ci = bootstrapMeanCI(scores);
  return {
    condition,
    runDir,
    episodes: scores.length,
    scoreMean: ci.mean,
    scoreLo: ci.lo,
    scoreHi: ci.hi,
    solved,
    meanSteps: mean(steps),
    meanTokens: mean(tokens),
    nameErrorEpisodes: nameErrors,
    contextExceeded,
    errors,
  };
}

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : '-');

/**
 * A fixed-width text table; scores in percent with the 95% interval in brackets. The column of
 * context-window stops appears only when some episode had one.
 */
export function formatConditionTable(rows: ConditionRow[]): string {
  const withContext = rows.some((r) => r.contextExceeded > 0);
  const header = [
    'condition',
    'n',
    'score % [95% CI]',
    'solved',
    'steps',
    'tokens',
    'NameError eps',
    ...(withContext ? ['ctx exceeded'] : []),
    'errors',
  ];
  const body = rows.map((r) => [
    r.condition,
    String(r.episodes),
    `${pct(r.scoreMean)} [${pct(r.scoreLo)}, ${pct(r.scoreHi)}]`,
    `${r.solved}/${r.episodes}`,
    Number.isFinite(r.meanSteps) ? r.meanSteps.toFixed(2) : '-',
    Number.isFinite(r.meanTokens) ? Math.round(r.meanTokens).toLocaleString('en-US') : '-',
    `${r.nameErrorEpisodes}/${r.episodes}`,
    ...(withContext ? [`${r.contextExceeded}/${r.episodes}`] : []),
    String(r.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
