import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (tests run from dist/test/..., two or three levels below it). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The shared folder beside the checkout (override with ALR_SHARED_DIR). */
export const sharedDir = process.env.ALR_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');

/** Recorded reference fixtures. */
export const referenceFixtures = join(sharedDir, 'fixtures', 'reference');

/** Test data committed in this repository (test/data). */
export const testData = join(repoRoot, 'test', 'data');

/** The built CLI entry point. */
export const cliPath = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

export function hasSharedFixtures(): boolean {
  return existsSync(referenceFixtures);
}
