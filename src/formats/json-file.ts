// Reading and writing the JSON files of our formats: one place that turns unreadable text, a schema
// mismatch or an unknown version tag into an error naming the file and the field.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-write.js';
import { InputError, validationError } from '../util/errors.js';
import type { z } from '../util/zod.js';

/** Validates an already parsed value; a failure names the file and the first bad field. */
export function parseWith<T>(
  schema: z.ZodType<T>,
  value: unknown,
  file: string | undefined,
  fieldPrefix = '',
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw validationError(parsed.error, file, fieldPrefix);
}

/** Parses JSON text; bad JSON is an InputError naming the file. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`not valid JSON (${(err as Error).message})`, file);
  }
}

/** Reads and validates a JSON file. */
export function readJsonFile<T>(schema: z.ZodType<T>, file: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, file);
  }
  return parseWith(schema, parseJsonText(text, file), file);
}

/** Writes pretty JSON atomically (the indent our files have always used), with a final newline. */
export function writeJsonFile(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Checks the version tag of one of our formats before the rest is validated, so that a file written
 * by a newer alr says so instead of failing on some field.
 */
export function checkVersion(
  value: unknown,
  key: string,
  known: readonly string[],
  file: string,
  field = key,
): void {
  if (typeof value !== 'object' || value === null) return;
  const tag = (value as Record<string, unknown>)[key];
  if (tag === undefined || (typeof tag === 'string' && known.includes(tag))) return;
  throw new InputError(
    `unknown format version ${JSON.stringify(tag)} (this alr reads ${known.join(', ')}; a newer alr may have written it)`,
    file,
    field,
  );
}
