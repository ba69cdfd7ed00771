import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (tests run from dist/test/..., two or three levels below it). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Test data committed in this repository (test/data). */
export const testData = join(repoRoot, 'test', 'data');

/** Recorded output of the reference implementation (task sets, traces, exports), committed here. */
export const referenceFixtures = join(testData, 'reference');

/** The built CLI entry point. */
export const cliPath = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
