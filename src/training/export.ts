// `alr export`: run folders → fine-tuning JSONL (+ provenance sidecar, optional validation split).
import { basename } from 'node:path';
import { type ExportProvenance, writeProvenanceFile } from '../formats/export-provenance.js';
import type { ExportFormat } from '../formats/training-example.js';
import { formatExample } from '../formats/training-example.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { InputError } from '../util/errors.js';
import type { Episode, Runtime } from './episodes.js';
import { iterateEpisodes } from './episodes.js';
import {
  referenceCharBudget,
  referenceJsonLine,
  referenceMessagesFromFile,
  referenceTruncate,
} from './reference-conversion.js';
import type { ReasoningPolicy, TransientPolicy } from './runtime-view.js';
import { runtimeView, trainingConversation } from './runtime-view.js';
import { isValidationTask } from './split.js';
import { truncateToTokens } from './token-truncation.js';
import { findTraceFiles, relativeToRoot } from './trace-files.js';

export interface ExportFilters {
  /** Keep only episodes whose result status equals this (e.g. "completed"). */
  status?: string;
  /** Keep only solved episodes. */
  solved?: boolean;
  /** Keep only episodes with score ≥ this. */
  minScore?: number;
  runtime?: Runtime;
  family?: string;
}

export interface ExportOptions {
  runDirs: string[];
  out: string;
  /** 'reference' reproduces the reference's JSONL line for line; the other options then do not apply. */
  compat?: 'default' | 'reference';
  format?: ExportFormat;
  /** Reference mode: characters are cut at int(maxSeqLength × 3.5). Default 16384. */
  maxSeqLength?: number;
  /** Default mode: Qwen3 chat-template token budget per example. Default 16384. */
  maxTokens?: number;
  filters?: ExportFilters;
  /** Drop examples whose message sequence equals an earlier one. Default true. */
  dedup?: boolean;
  /** Fraction of tasks (by hashed task id) written to the validation file. Default 0. */
  valFraction?: number;
  seed?: number;
  transient?: TransientPolicy;
  /** Thinking of reasoning models: `drop` (default, the answers only) or `keep` (`<think>…</think>` before each answer). */
  reasoning?: ReasoningPolicy;
}

export interface ExportOutcome {
  /** Training examples written to `out`. */
  train: number;
  /** Examples written to the validation file. */
  validation: number;
  filtered: number;
  duplicates: number;
  /** Examples cut at a turn boundary to fit the budget. */
  truncated: number;
  skipped: { path: string; reason: string }[];
  files: string[];
}

export const DEFAULT_MAX_TOKENS = 16384;
export const DEFAULT_MAX_SEQ_LENGTH = 16384;
export const DEFAULT_SPLIT_SEED = 3407;

function stripJsonl(path: string): string {
  return path.endsWith('.jsonl') ? path.slice(0, -'.jsonl'.length) : path;
}

/** Files written next to `out`: provenance sidecars and the validation split. */
export function exportCompanionPaths(out: string): {
  provenance: string;
  validation: string;
  validationProvenance: string;
} {
  const stem = stripJsonl(out);
  return {
    provenance: `${stem}.provenance.jsonl`,
    validation: `${stem}.val.jsonl`,
    validationProvenance: `${stem}.val.provenance.jsonl`,
  };
}

function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Whether an episode passes the filters (episodes without the needed result fields do not). */
export function passesFilters(ep: Episode, filters: ExportFilters): boolean {
  if (filters.status !== undefined && ep.status !== filters.status) return false;
  if (filters.solved && ep.isSolved !== true) return false;
  if (filters.minScore !== undefined && (ep.score === null || ep.score < filters.minScore)) return false;
  if (filters.runtime !== undefined && ep.runtime !== filters.runtime) return false;
  if (filters.family !== undefined && ep.family !== filters.family) return false;
  return true;
}

function hasFilters(filters: ExportFilters | undefined): boolean {
  return !!filters && Object.values(filters).some((v) => v !== undefined && v !== false);
}

function exportReference(options: ExportOptions): ExportOutcome {
  if (
    options.reasoning === 'keep' ||
    hasFilters(options.filters) ||
    (options.valFraction ?? 0) > 0 ||
    (options.format ?? 'messages') !== 'messages'
  ) {
    throw new InputError(
      '--compat reference reproduces the reference conversion: filters, --val-fraction, --format sharegpt and --reasoning keep do not apply',
    );
  }
  const maxChars = referenceCharBudget(options.maxSeqLength ?? DEFAULT_MAX_SEQ_LENGTH);
  const lines: string[] = [];
  const provenance: ExportProvenance[] = [];
  const skipped: ExportOutcome['skipped'] = [];
  for (const runDir of options.runDirs) {
    for (const path of findTraceFiles(runDir)) {
      const loaded = referenceMessagesFromFile(path);
      if (!loaded) {
        skipped.push({
          path,
          reason: 'skipped by the reference loader (unreadable, no task, no steps or < 3 messages)',
        });
        continue;
      }
      const kept = referenceTruncate(loaded, maxChars);
      if (kept.length === 0) {
        skipped.push({ path, reason: `dropped by the reference truncation (${maxChars} characters)` });
        continue;
      }
      lines.push(referenceJsonLine(kept));
      provenance.push({
        run: basename(runDir),
        source: relativeToRoot(runDir, path),
        messages: kept.length,
        truncated: kept.length !== loaded.length,
        options: { compat: 'reference', max_seq_length: options.maxSeqLength ?? DEFAULT_MAX_SEQ_LENGTH },
      });
    }
  }
  const { provenance: provPath } = exportCompanionPaths(options.out);
  writeFileAtomic(options.out, joinLines(lines));
  writeProvenanceFile(provPath, provenance);
  return {
    train: lines.length,
    validation: 0,
    filtered: 0,
    duplicates: 0,
    truncated: 0,
    skipped,
    files: [options.out, provPath],
  };
}

function exportDefault(options: ExportOptions): ExportOutcome {
  const format = options.format ?? 'messages';
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const filters = options.filters ?? {};
  const dedup = options.dedup ?? true;
  const valFraction = options.valFraction ?? 0;
  const seed = options.seed ?? DEFAULT_SPLIT_SEED;
  const transient = options.transient ?? 'keep';
  const reasoning = options.reasoning ?? 'drop';
  if (!(valFraction >= 0 && valFraction < 1)) throw new InputError('--val-fraction must be in [0, 1)');
  if (!(Number.isInteger(maxTokens) && maxTokens > 0))
    throw new InputError('--max-tokens must be a positive integer');
  const exportOptions = {
    compat: 'default',
    format,
    max_tokens: maxTokens,
    filters,
    dedup,
    val_fraction: valFraction,
    seed,
    transient,
    reasoning,
  };

  const skipped: ExportOutcome['skipped'] = [];
  const seen = new Set<string>();
  const out = {
    train: [] as string[],
    trainProv: [] as ExportProvenance[],
    val: [] as string[],
    valProv: [] as ExportProvenance[],
  };
  let filtered = 0;
  let duplicates = 0;
  let truncated = 0;
  for (const ep of iterateEpisodes(options.runDirs, (s) => skipped.push(s))) {
    if (!passesFilters(ep, filters)) {
      filtered++;
      continue;
    }
    const view = runtimeView(ep.trace);
    if (!view) {
      skipped.push({ path: ep.tracePath, reason: 'no goal prompt in the trace' });
      continue;
    }
    const conversation = trainingConversation(view.messages, transient, reasoning);
    if (!conversation) {
      skipped.push({ path: ep.tracePath, reason: 'no assistant turn' });
      continue;
    }
    const cut = truncateToTokens(conversation, maxTokens);
    if (!cut) {
      skipped.push({
        path: ep.tracePath,
        reason: `the first assistant turn does not fit in ${maxTokens} tokens`,
      });
      continue;
    }
    const key = JSON.stringify(cut.messages);
    if (dedup && seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    if (cut.dropped > 0) truncated++;
    const validation = isValidationTask(ep.taskId, valFraction, seed);
    const provenance: ExportProvenance = {
      task_id: ep.taskId,
      seed: ep.seed,
      family: ep.family,
      runtime: ep.runtime,
      agent: ep.agent,
      model: ep.model,
      policy_style: ep.policyStyle,
      status: ep.status,
      is_solved: ep.isSolved,
      score: ep.score,
      run: basename(ep.runDir),
      source: ep.source,
      split: validation ? 'validation' : 'train',
      conversation_source: view.source,
      messages: cut.messages.length,
      tokens: cut.tokens,
      truncated: cut.dropped > 0,
      options: exportOptions,
    };
    const line = JSON.stringify(formatExample(cut.messages, format));
    if (validation) {
      out.val.push(line);
      out.valProv.push(provenance);
    } else {
      out.train.push(line);
      out.trainProv.push(provenance);
    }
  }
  const paths = exportCompanionPaths(options.out);
  writeFileAtomic(options.out, joinLines(out.train));
  writeProvenanceFile(paths.provenance, out.trainProv);
  const files = [options.out, paths.provenance];
  if (valFraction > 0) {
    writeFileAtomic(paths.validation, joinLines(out.val));
    writeProvenanceFile(paths.validationProvenance, out.valProv);
    files.push(paths.validation, paths.validationProvenance);
  }
  return {
    train: out.train.length,
    validation: out.val.length,
    filtered,
    duplicates,
    truncated,
    skipped,
    files,
  };
}

/** Exports the traces of the given run folders as fine-tuning JSONL. */
export function exportTraining(options: ExportOptions): ExportOutcome {
  if (options.runDirs.length === 0) throw new InputError('no run folder given');
  return options.compat === 'reference' ? exportReference(options) : exportDefault(options);
}
