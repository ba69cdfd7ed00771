// Copies the non-TypeScript files under src/ (Python sources of the sandbox, prompt templates, …)
// next to the compiled JavaScript in dist/src, so that the built package finds them.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function copyAssets(from, to) {
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    const target = join(to, name);
    if (statSync(source).isDirectory()) copyAssets(source, target);
    else if (!name.endsWith('.ts')) cpSync(source, target);
  }
}

copyAssets('src', join('dist', 'src'));
