// Replaces the compiled src/util/zod.js (a re-export of zod) with zod bundled into that one file,
// so that a command loads one module instead of zod's ~95. Same exports; zod's own license travels
// with it as a banner (the package ships the bundle).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const root = join('node_modules', 'zod');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const license = readFileSync(join(root, 'LICENSE'), 'utf8').trim();

buildSync({
  entryPoints: ['src/util/zod.ts'],
  outfile: 'dist/src/util/zod.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  allowOverwrite: true,
  logLevel: 'warning',
  banner: { js: `/* zod ${version}, bundled at build time.\n${license}\n*/` },
});
// tsc's map described the re-export, not the bundle.
rmSync('dist/src/util/zod.js.map', { force: true });
