// Input of `alr stats`: a JSON file {"a": [...], "b": [...]} with finite numbers of equal length,
// and the command's settings. Problems are reported as InputError naming the file and the field.

import { readFile } from 'node:fs/promises';
import { parseJsonText } from '../formats/json-file.js';
import { InputError } from '../util/errors.js';
import type { BootstrapCompat } from './bootstrap.js';
import { type ScoreScale, scoreScales } from './score-scale.js';

export interface PairedInput {
  a: number[];
  b: number[];
}

export async function readPairedInput(file: string): Promise<PairedInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(
      `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      file,
    );
  }
  const data = parseJsonText(text, file);
  return parsePairedInput(data, file);
}

export function parsePairedInput(data: unknown, file?: string): PairedInput {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new InputError('expected a JSON object with arrays "a" and "b"', file);
  const record = data as Record<string, unknown>;
  const a = numberArray(record.a, 'a', file);
  const b = numberArray(record.b, 'b', file);
  if (a.length !== b.length)
    throw new InputError(
      `"a" has ${a.length} values but "b" has ${b.length}; paired samples need equal lengths`,
      file,
      'b',
    );
  return { a, b };
}

function numberArray(value: unknown, field: string, file?: string): number[] {
  if (value === undefined) throw new InputError('is missing (expected an array of numbers)', file, field);
  if (!Array.isArray(value)) throw new InputError('must be an array of numbers', file, field);
  if (value.length === 0) throw new InputError('must not be empty', file, field);
  value.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new InputError(`must be a finite number, got ${JSON.stringify(x)}`, file, `${field}[${i}]`);
  });
  return value as number[];
}

export interface StatsSettings {
  compat: BootstrapCompat;
  scale: ScoreScale;
  resamples: number;
  seed: number;
  alpha: number;
}

/** Validates the command-line settings of `alr stats` (all given as strings). */
export function parseStatsSettings(flags: {
  compat: string;
  scale: string;
  resamples: string;
  seed: string;
  alpha: string;
}): StatsSettings {
  if (flags.compat !== 'default' && flags.compat !== 'reference')
    throw new InputError(`--compat must be 'default' or 'reference', got '${flags.compat}'`);
  if (!(scoreScales as readonly string[]).includes(flags.scale))
    throw new InputError(`--scale must be one of ${scoreScales.join(', ')}, got '${flags.scale}'`);
  const resamples = Number(flags.resamples);
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new InputError(`--resamples must be a positive integer, got '${flags.resamples}'`);
  const seed = Number(flags.seed);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new InputError(`--seed must be a non-negative integer, got '${flags.seed}'`);
  const alpha = Number(flags.alpha);
  if (!(alpha > 0 && alpha < 1))
    throw new InputError(`--alpha must lie strictly between 0 and 1, got '${flags.alpha}'`);
  return { compat: flags.compat, scale: flags.scale as ScoreScale, resamples, seed, alpha };
}
