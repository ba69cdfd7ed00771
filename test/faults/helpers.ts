// Shared pieces of the fault tests: a scratch folder, benchmark configs, a task folder, and the
// "every episode on disk exactly once" check.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeMode } from '../../src/runtime/spec.js';
import { cpythonAvailable } from '../../src/sandbox/index.js';
import { generateTasks, loadSettings } from '../../src/tasks/index.js';
import { repoRoot } from '../helpers/paths.js';
import { scratchDir as sharedScratchDir } from '../helpers/scratch.js';

/** cpython starts in milliseconds; pyodide is the fallback where python3 is missing. */
export const backend = cpythonAvailable() ? 'cpython' : 'pyodide';

/** A scratch folder for one test file, removed when the file's tests are done. */
export function scratchDir(name: string): string {
  return sharedScratchDir(`faults-${name}`);
}

/** A task folder with `count` Easy knapsack tasks (the reference's easy_100 settings). */
export function knapsackTasks(dir: string, count: number): string {
  const settings = loadSettings(join(repoRoot, 'bench', 'data', 'easy_100.json'));
  generateTasks(settings, { outDir: dir, families: ['knapsack'], numTasks: count });
  return dir;
}

/** A copy of a task folder (for tests that damage it). */
export function copyTasks(from: string, to: string): string {
  mkdirSync(to, { recursive: true });
  cpSync(from, to, { recursive: true });
  return to;
}

export interface ConfigInput {
  out: string;
  concurrency?: number;
  model?: string;
  baseUrl?: string;
  /** Extra `llm` keys, as YAML flow entries (e.g. 'max_retries: 2'). */
  llm?: string[];
  runtime?: RuntimeMode;
}

/** Writes a one-agent (`a`) knapsack benchmark config whose run folder is `<out>/r`. */
export function writeConfig(file: string, input: ConfigInput): string {
  const llm = [
    `model: ${input.model ?? 'scripted-persistent'}`,
    ...(input.baseUrl ? [`base_url: ${JSON.stringify(input.baseUrl)}`] : []),
    'cache_enabled: false',
    ...(input.llm ?? []),
  ];
  writeFileSync(
    file,
    [
      `output_dir: ${JSON.stringify(input.out)}`,
      'run_name: r',
      `cache_db_path: ${JSON.stringify(join(input.out, 'cache.sqlite'))}`,
      `max_concurrent_runs: ${input.concurrency ?? 1}`,
      'task_families: [knapsack]',
      `backend: ${backend}`,
      'agents:',
      '  - name: a',
      `    persistent_state: ${(input.runtime ?? 'persistent') === 'persistent'}`,
      '    max_turns: 40',
      '    max_tool_calls: 25',
      '    timeout_s: 300',
      `    llm: {${llm.join(', ')}}`,
      '',
    ].join('\n'),
  );
  return file;
}

export const episodeDir = (out: string) => join(out, 'r', 'results', 'a', 'knapsack');

export interface EpisodeFiles {
  /** Task id → parsed result. */
  results: Map<string, Record<string, unknown>>;
  /** Task ids with a trace file. */
  traces: Set<string>;
  /** Everything else in the folder (temporaries, strays). */
  other: string[];
}

/** Reads an episode folder, parsing every result and trace (a parse error fails the test). */
export function readEpisodes(out: string): EpisodeFiles {
  const dir = episodeDir(out);
  const files: EpisodeFiles = { results: new Map(), traces: new Set(), other: [] };
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir)) {
    const trace = /^knapsack-(.+)\.trace\.json$/.exec(name);
    const result = /^knapsack-(.+)\.json$/.exec(name);
    const text = readFileSync(join(dir, name), 'utf8');
    if (trace?.[1]) {
      const parsed = JSON.parse(text) as { events?: unknown };
      assert.ok(Array.isArray(parsed.events), `${name} has events`);
      files.traces.add(trace[1]);
    } else if (result?.[1]) {
      files.results.set(result[1], JSON.parse(text) as Record<string, unknown>);
    } else {
      files.other.push(name);
    }
  }
  return files;
}

/** Task ids of a task folder's knapsack files. */
export function taskIds(tasksDir: string): string[] {
  return readdirSync(join(tasksDir, 'tasks', 'knapsack'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

/**
 * Every task has exactly one parseable result and (unless it failed before starting) one trace,
 * nothing else lies in the folder, and the summary counts every task once.
 */
export function assertExactlyOnce(out: string, ids: string[], statuses: string[] = ['completed']): void {
  const files = readEpisodes(out);
  assert.deepEqual([...files.results.keys()].sort(), ids, 'one result per task, none missing, none extra');
  assert.deepEqual([...files.traces].sort(), ids, 'one trace per task');
  assert.deepEqual(files.other, [], 'no temporaries or stray files');
  for (const [id, result] of files.results)
    assert.ok(
      statuses.includes(String(result.status)),
      `${id}: status ${String(result.status)} (${String(result.error)})`,
    );
  const summary = JSON.parse(readFileSync(join(out, 'r', 'summary_a-knapsack.json'), 'utf8')) as {
    num_tasks_executed: number;
  };
  assert.equal(summary.num_tasks_executed, ids.length, 'the summary counts every task once');
}
