import { fileURLToPath } from 'node:url';
import { readJsonFile } from '../formats/json-file.js';
import { z } from './zod.js';

/** The version in package.json (read at run time so that it never drifts from the package). */
export function packageVersion(): string {
  const url = new URL('../../../package.json', import.meta.url);
  return readJsonFile(z.looseObject({ version: z.string() }), fileURLToPath(url)).version;
}
