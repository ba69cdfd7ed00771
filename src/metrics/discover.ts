// Finds episodes on disk: our run folders, any reference-layout results folder, a plain folder of
// trace/result pairs (e.g. a released benchmark split), or a `traces.jsonl` file (one trace per line).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { type ReplayReportFile, readReplayReport } from '../formats/replay-report.js';
import { type ResultFile, readResultFile } from '../formats/result.js';
import { type RunJson as RunFile, readRunJson } from '../formats/run-json.js';
import { readSummaryFile } from '../formats/summary.js';
import { parseTrace, readTraceFile, type TraceFile } from '../formats/trace.js';
import { InputError } from '../util/errors.js';
import { isMessagesRecord, messagesToTrace } from './messages-trace.js';
import type { ReferenceSummary } from './types.js';

export interface RawEpisode {
  /** Episode file stem, e.g. `knapsack-knapsack-0000000042`, or `<file>:<line>` for JSONL. */
  stem: string;
  trace: TraceFile | null;
  result: ResultFile | null;
  tracePath: string | null;
  resultPath: string | null;
}

/** Episodes that share one folder (or one JSONL file): one experimental condition. */
export interface RawGroup {
  /** The folder or file the episodes came from. */
  source: string;
  /** The run folder above it (the one holding run.json / results/), when there is one. */
  runDir: string | null;
  run: RunFile | null;
  /** From the reference layout `results/<agent>/<family>/`. */
  agent: string | null;
  family: string | null;
  summary: ReferenceSummary | null;
  replays: Array<{ runtime: string; file: string; data: ReplayReportFile }>;
  episodes: RawEpisode[];
}

const NOT_RESULTS =
  /^(summary_|task_status_|replay_|run\.json$|manifest\.json$|config\.json$|metrics\.json$)/;

/** All episode groups under the given paths, in a stable order. */
export function discoverEpisodes(paths: readonly string[]): RawGroup[] {
  const groups: RawGroup[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new InputError('no such file or folder', path);
    if (statSync(path).isFile()) {
      if (!path.endsWith('.jsonl'))
        throw new InputError('expected a run folder or a traces .jsonl file', path);
      groups.push(jsonlGroup(path));
      continue;
    }
    const before = groups.length;
    groups.push(...folderGroups(path));
    if (groups.length === before) throw new InputError('no trace or result files found', path);
  }
  return groups;
}

function jsonlGroup(path: string): RawGroup {
  const lines = readFileSync(path, 'utf8').split('\n');
  const episodes: RawEpisode[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new InputError(`line ${i + 1} is not JSON (${(err as Error).message})`, path);
    }
    const trace = isMessagesRecord(value) ? messagesToTrace(value) : parseTrace(value, path, `line ${i + 1}`);
    const stem = trace.task_id ?? trace.alr?.task_id ?? `${basename(path)}:${i + 1}`;
    episodes.push({ stem, trace, result: null, tracePath: path, resultPath: null });
  });
  return {
    source: path,
    runDir: null,
    run: null,
    agent: null,
    family: null,
    summary: null,
    replays: [],
    episodes,
  };
}

function listFilesRecursive(dir: string, into: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) listFilesRecursive(path, into);
    else if (name.endsWith('.json') || name.endsWith('.jsonl')) into.push(path);
  }
  return into;
}

/** The nearest folder at or above `dir` (up to `stop`) that holds run.json or a results/ folder. */
function runDirAbove(dir: string, stop: string): string | null {
  let cur = dir;
  for (;;) {
    if (existsSync(join(cur, 'run.json')) || existsSync(join(cur, 'results'))) return cur;
    if (cur === stop) break;
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  // The given folder may itself sit inside a run folder (e.g. results/<agent>/<family>/).
  const m = /^(.*)[/\\]results[/\\][^/\\]+[/\\][^/\\]+$/.exec(stop);
  return m && existsSync(m[1] as string) ? (m[1] as string) : null;
}

function folderGroups(root: string): RawGroup[] {
  const byDir = new Map<string, Map<string, RawEpisode>>();
  const jsonlFiles: string[] = [];
  for (const file of listFilesRecursive(root)) {
    const name = basename(file);
    if (name.endsWith('.jsonl')) {
      jsonlFiles.push(file);
      continue;
    }
    if (NOT_RESULTS.test(name)) continue;
    const isTrace = name.endsWith('.trace.json');
    const stem = isTrace ? name.slice(0, -'.trace.json'.length) : name.slice(0, -'.json'.length);
    const dir = dirname(file);
    let episodes = byDir.get(dir);
    if (!episodes) {
      episodes = new Map();
      byDir.set(dir, episodes);
    }
    let ep = episodes.get(stem);
    if (!ep) {
      ep = { stem, trace: null, result: null, tracePath: null, resultPath: null };
      episodes.set(stem, ep);
    }
    if (isTrace) {
      ep.tracePath = file;
      ep.trace = readTraceFile(file);
    } else {
      ep.resultPath = file;
      ep.result = readResultFile(file);
    }
  }
  const groups: RawGroup[] = [];
  for (const [dir, episodes] of [...byDir].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const runDir = runDirAbove(dir, root);
    const run = runDir && existsSync(join(runDir, 'run.json')) ? readRunJson(join(runDir, 'run.json')) : null;
    const rel = runDir ? relative(join(runDir, 'results'), dir).split(/[/\\]/) : [];
    const inLayout = runDir !== null && rel.length === 2 && !rel[0]?.startsWith('..');
    const agent = inLayout ? (rel[0] as string) : null;
    const family = inLayout ? (rel[1] as string) : null;
    const summaryPath = runDir && agent && family ? join(runDir, `summary_${agent}-${family}.json`) : null;
    groups.push({
      source: dir,
      runDir,
      run,
      agent,
      family,
      summary: summaryPath && existsSync(summaryPath) ? readSummaryFile(summaryPath) : null,
      // `alr replay` writes its file into the folder it was given: the run folder, or the traces folder.
      replays: readReplays(runDir ?? (existsSync(join(root, 'results')) ? root : dir)),
      episodes: [...episodes.values()].sort((a, b) => (a.stem < b.stem ? -1 : a.stem > b.stem ? 1 : 0)),
    });
  }
  for (const file of jsonlFiles) groups.push(jsonlGroup(file));
  return groups;
}

/** The runtime a `replay_<runtime>.json` name carries (runtimeSlug wrote %XX for some characters). */
function runtimeFromSlug(slug: string): string {
  try {
    return decodeURIComponent(slug);
  } catch {
    return slug;
  }
}

function readReplays(runDir: string): RawGroup['replays'] {
  const found: RawGroup['replays'] = [];
  for (const name of readdirSync(runDir).sort()) {
    const m = /^replay_(.+)\.json$/.exec(name);
    if (!m) continue;
    const file = join(runDir, name);
    found.push({ runtime: runtimeFromSlug(m[1] as string), file, data: readReplayReport(file) });
  }
  return found;
}
