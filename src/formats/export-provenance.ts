// `F.provenance.jsonl` (ours, `alr export`): one line per training example of `F.jsonl`, in the
// same order — where the example came from (run, trace, task, runtime, model), how long it is and
// which export options made it. Each line is tagged `alr.provenance.v1`; lines written before the
// tag existed carry none and still read. Read back by the token-matched export.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-write.js';
import { InputError } from '../util/errors.js';
import { z } from '../util/zod.js';
import { checkVersion, parseJsonText, parseWith } from './json-file.js';
import { recordedRuntimeSchema } from './runtime-mode.js';

export const EXPORT_PROVENANCE_VERSION = 'alr.provenance.v1';

// The keys in the order the exporter writes them (a parsed line keeps this order when written back).
export const exportProvenanceSchema = z.looseObject({
  schema: z.literal(EXPORT_PROVENANCE_VERSION).optional(),
  // The default export's keys; the reference-compatible export writes only run, source, messages,
  // truncated and options.
  task_id: z.string().optional(),
  seed: z.number().nullish(),
  family: z.string().nullish(),
  runtime: recordedRuntimeSchema.nullish(),
  agent: z.string().nullish(),
  model: z.looseObject({ name: z.string(), kind: z.string() }).nullish(),
  policy_style: recordedRuntimeSchema.nullish(),
  status: z.string().nullish(),
  is_solved: z.boolean().nullish(),
  score: z.number().nullish(),
  run: z.string(),
  source: z.string(),
  split: z.enum(['train', 'validation']).optional(),
  conversation_source: z.string().optional(),
  messages: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative().optional(),
  truncated: z.boolean(),
  options: z.record(z.string(), z.unknown()),
});
export type ExportProvenance = z.infer<typeof exportProvenanceSchema>;

/** One line of a provenance file (without its newline), tagged with the current version. */
export function provenanceLine(record: Omit<ExportProvenance, 'schema'>): string {
  return JSON.stringify({ schema: EXPORT_PROVENANCE_VERSION, ...record });
}

/** Validates one line; `lineNumber` (1-based) names it in errors as `line N`. */
export function parseProvenanceLine(text: string, file: string, lineNumber: number): ExportProvenance {
  const where = `line ${lineNumber}`;
  let value: unknown;
  try {
    value = parseJsonText(text, file);
  } catch (err) {
    throw new InputError(`${where}: ${(err as InputError).detail}`, file);
  }
  checkVersion(value, 'schema', [EXPORT_PROVENANCE_VERSION], file, `${where}.schema`);
  return parseWith(exportProvenanceSchema, value, file, where);
}

export function readProvenanceFile(file: string): ExportProvenance[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, file);
  }
  if (text === '') return [];
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line, i) => parseProvenanceLine(line, file, i + 1));
}

export function writeProvenanceFile(file: string, records: readonly ExportProvenance[]): void {
  writeFileAtomic(file, records.map((r) => `${provenanceLine(r)}\n`).join(''));
}
