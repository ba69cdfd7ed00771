// `<out>/<stage>/conditions.json` (ours, `alr experiment`): one row per condition of a run stage,
// the numbers of the terminal table. Tagged `alr.conditions.v1`; a mean with no data is null.
import { z } from '../util/zod.js';
import { checkVersion, parseWith, readJsonFile, writeJsonFile } from './json-file.js';

export const CONDITION_TABLE_VERSION = 'alr.conditions.v1';

const nullableNumber = z.number().nullable();

export const conditionTableRowSchema = z.looseObject({
  condition: z.string(),
  runDir: z.string(),
  episodes: z.number().int().nonnegative(),
  scoreMean: nullableNumber,
  scoreLo: nullableNumber,
  scoreHi: nullableNumber,
  solved: z.number().int().nonnegative(),
  meanSteps: nullableNumber,
  meanTokens: nullableNumber,
  nameErrorEpisodes: z.number().int().nonnegative(),
  /** Absent in tables written before it was counted. */
  contextExceeded: z.number().int().nonnegative().optional(),
  errors: z.number().int().nonnegative(),
});

export const conditionTableSchema = z.looseObject({
  schema: z.literal(CONDITION_TABLE_VERSION),
  conditions: z.array(conditionTableRowSchema),
});

export type ConditionTableRow = z.infer<typeof conditionTableRowSchema>;
export type ConditionTableFile = z.infer<typeof conditionTableSchema>;

/** Rows as computed (NaN where there is no data) → the file (null there). */
export function writeConditionTable(file: string, rows: readonly object[]): void {
  const finite = (v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);
  const conditions = rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, finite(v)])),
  );
  const table = parseWith(conditionTableSchema, { schema: CONDITION_TABLE_VERSION, conditions }, file);
  writeJsonFile(file, table);
}

export function readConditionTable(file: string): ConditionTableFile {
  const value = readJsonFile(z.unknown(), file);
  checkVersion(value, 'schema', [CONDITION_TABLE_VERSION], file);
  return parseWith(conditionTableSchema, value, file);
}
