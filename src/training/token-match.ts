// Token-matched exports (`alr export RUN_A RUN_B --match-tokens --out DIR`): two training sets
// whose Qwen3 token totals differ by less than their longest single example, so that a comparison
// of models trained on them is not a comparison of data volume. The larger set is subsampled by
// task (whole tasks in a seed-hashed order), which is deterministic and keeps each task's examples
// together; the smaller set is kept whole.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  type ExportProvenance,
  readProvenanceFile,
  writeProvenanceFile,
} from '../formats/export-provenance.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { InputError, RunIoError } from '../util/errors.js';
import { type ExportOptions, type ExportOutcome, exportCompanionPaths, exportTraining } from './export.js';

export interface MatchedSide {
  run: string;
  file: string;
  examples_before: number;
  examples: number;
  tasks_before: number;
  tasks: number;
  tokens_before: number;
  tokens: number;
  longest_example: number;
}

export interface TokenMatchReport {
  schema: 'alr.token-match.v1';
  seed: number;
  sides: [MatchedSide, MatchedSide];
  /** |tokens of side 1 − tokens of side 2| after matching. */
  difference: number;
  /** The longest single example of either set: the bound the difference stays below. */
  bound: number;
  within_bound: boolean;
}

interface Example {
  line: string;
  provenance: ExportProvenance;
  taskId: string;
  tokens: number;
}

function readLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return text.length === 0 ? [] : text.replace(/\n$/, '').split('\n');
}

function examplesOf(out: string): Example[] {
  const lines = readLines(out);
  const provenanceFile = exportCompanionPaths(out).provenance;
  const provenance = readProvenanceFile(provenanceFile);
  if (lines.length !== provenance.length)
    throw new RunIoError(
      `${provenance.length} provenance lines for ${lines.length} examples in ${out}`,
      provenanceFile,
    );
  return lines.map((line, i) => {
    const p = provenance[i] as ExportProvenance;
    // The default export writes both; a reference-compatible export has no token counts.
    if (p.task_id === undefined) throw new InputError('missing', provenanceFile, `line ${i + 1}.task_id`);
    if (p.tokens === undefined) throw new InputError('missing', provenanceFile, `line ${i + 1}.tokens`);
    return { line, provenance: p, taskId: p.task_id, tokens: p.tokens };
  });
}

/** What the subsampling needs of an example. */
interface Sized {
  taskId: string;
  tokens: number;
}

function total(examples: readonly Sized[]): number {
  return examples.reduce((a, e) => a + e.tokens, 0);
}

/** Tasks in a deterministic order that does not follow their ids. */
function hashedOrder(taskIds: Iterable<string>, seed: number): string[] {
  const key = (id: string) => createHash('sha256').update(`alr-token-match\n${seed}\n${id}`).digest('hex');
  return [...new Set(taskIds)]
    .map((id) => [key(id), id] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, id]) => id);
}

/**
 * Whole tasks of `examples`, taken in hashed order whenever they still fit under `target` tokens
 * (first fit). Every task left out was larger than the room left when it was met, so the room left
 * at the end is smaller than that task's tokens.
 */
export function subsampleByTask<E extends Sized>(examples: readonly E[], target: number, seed: number): E[] {
  const byTask = new Map<string, E[]>();
  for (const e of examples) byTask.set(e.taskId, [...(byTask.get(e.taskId) ?? []), e]);
  const kept = new Set<string>();
  let used = 0;
  for (const id of hashedOrder(byTask.keys(), seed)) {
    const tokens = total(byTask.get(id) as E[]);
    if (used + tokens <= target) {
      kept.add(id);
      used += tokens;
    }
  }
  // The file keeps its own order.
  return examples.filter((e) => kept.has(e.taskId));
}

function sideName(runDir: string, other: string, index: number): string {
  const name = basename(resolve(runDir)) || `run${index + 1}`;
  return name === (basename(resolve(other)) || '') ? `${index + 1}-${name}` : name;
}

export interface TokenMatchOptions extends Omit<ExportOptions, 'runDirs' | 'out'> {
  runDirs: [string, string];
  /** Output folder: `<run name>.jsonl` (+ provenance) per run and token-match.json. */
  outDir: string;
}

export function exportTokenMatched(options: TokenMatchOptions): {
  report: TokenMatchReport;
  outcomes: ExportOutcome[];
} {
  const { runDirs, outDir, ...common } = options;
  if (runDirs.length !== 2) throw new InputError('--match-tokens needs exactly two run folders');
  if (common.compat === 'reference')
    throw new InputError('--match-tokens counts Qwen3 tokens of the default export; drop --compat reference');
  if ((common.valFraction ?? 0) > 0)
    throw new InputError('--match-tokens writes training files only; drop --val-fraction');
  const seed = common.seed ?? 3407;
  mkdirSync(outDir, { recursive: true });
  const outs = runDirs.map((dir, i) => join(outDir, `${sideName(dir, runDirs[1 - i] as string, i)}.jsonl`));
  const outcomes = runDirs.map((dir, i) =>
    exportTraining({ ...common, runDirs: [dir], out: outs[i] as string }),
  );
  const full = outs.map(examplesOf) as [Example[], Example[]];
  const target = Math.min(total(full[0]), total(full[1]));
  const larger = total(full[0]) > total(full[1]) ? 0 : 1;
  const kept = full.map((examples, i) => (i === larger ? subsampleByTask(examples, target, seed) : examples));
  const sides = full.map((examples, i): MatchedSide => {
    const mine = kept[i] as Example[];
    const out = outs[i] as string;
    writeFileAtomic(out, mine.map((e) => `${e.line}\n`).join(''));
    writeProvenanceFile(
      exportCompanionPaths(out).provenance,
      mine.map((e) => e.provenance),
    );
    return {
      run: runDirs[i] as string,
      file: out,
      examples_before: examples.length,
      examples: mine.length,
      tasks_before: new Set(examples.map((e) => e.taskId)).size,
      tasks: new Set(mine.map((e) => e.taskId)).size,
      tokens_before: total(examples),
      tokens: total(mine),
      longest_example: Math.max(0, ...examples.map((e) => e.tokens)),
    };
  }) as [MatchedSide, MatchedSide];
  const difference = Math.abs(sides[0].tokens - sides[1].tokens);
  const bound = Math.max(sides[0].longest_example, sides[1].longest_example);
  const report: TokenMatchReport = {
    schema: 'alr.token-match.v1',
    seed,
    sides,
    difference,
    bound,
    within_bound: difference < bound || difference === 0,
  };
  writeFileAtomic(join(outDir, 'token-match.json'), `${JSON.stringify(report, null, 2)}\n`);
  return { report, outcomes };
}

export function formatTokenMatch(report: TokenMatchReport): string {
  const lines = report.sides.map(
    (s) =>
      `${s.file}: ${s.examples}/${s.examples_before} examples, ${s.tasks}/${s.tasks_before} tasks, ${s.tokens.toLocaleString('en-US')} of ${s.tokens_before.toLocaleString('en-US')} tokens`,
  );
  lines.push(
    `token totals differ by ${report.difference.toLocaleString('en-US')} (longest single example: ${report.bound.toLocaleString('en-US')})${report.within_bound ? '' : ' — NOT within the bound: a task holds several long examples'}`,
  );
  return `${lines.join('\n')}\n`;
}
