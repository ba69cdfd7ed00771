import { readFileSync } from 'node:fs';

/** The version in package.json (read at run time so that it never drifts from the package). */
export function packageVersion(): string {
  const url = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
