// Layers point one way: the CLI is the outermost layer (nothing else imports it, only it reads
// process.argv), and no module of src/ or bench/ sits in an import cycle. Read from the TypeScript
// sources with the compiler's own import scanner, so type-only and dynamic imports count too.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { repoRoot } from './helpers/paths.js';

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** Repository-relative paths ('src/cli/main.ts') of every module of src/ and bench/. */
const modules = [...sourceFiles(join(repoRoot, 'src')), ...sourceFiles(join(repoRoot, 'bench'))].map((f) =>
  relative(repoRoot, f).split(sep).join('/'),
);
const sourceOf = (module: string) => readFileSync(join(repoRoot, module), 'utf8');

/** The modules of this repository that `module` imports (static, type-only, re-export or dynamic). */
function importsOf(module: string): string[] {
  const { importedFiles } = ts.preProcessFile(sourceOf(module), true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) =>
      relative(repoRoot, resolve(repoRoot, dirname(module), spec))
        .split(sep)
        .join('/')
        .replace(/\.js$/, '.ts'),
    );
}

const graph = new Map(modules.map((m) => [m, importsOf(m)]));
const inCli = (m: string) => m.startsWith('src/cli/');

test('the import scanner sees this repository (a check that cannot pass on an empty graph)', () => {
  assert.ok(graph.get('src/cli/main.ts')?.includes('src/cli/run.ts'), 'main.ts loads the run command');
  assert.ok(
    graph.get('src/cli/bench.ts')?.includes('bench/registry.ts'),
    'the bench command uses the registry',
  );
});

test('nothing outside src/cli imports the CLI', () => {
  const backwards = [...graph]
    .filter(([m]) => !inCli(m))
    .flatMap(([m, deps]) => deps.filter(inCli).map((d) => `${m} -> ${d}`));
  assert.deepEqual(backwards, []);
});

test('process.argv is read only by the CLI and by the sandbox child processes (their own entry points)', () => {
  const readers = modules.filter(
    (m) => /process\.argv/.test(sourceOf(m)) && !inCli(m) && !m.startsWith('src/sandbox/'),
  );
  assert.deepEqual(readers, []);
});

test('no import cycles among the modules of src/ and bench/', () => {
  // Tarjan's strongly connected components: any component of two or more modules is a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (m: string) => {
    index.set(m, index.size);
    low.set(m, index.get(m) as number);
    stack.push(m);
    onStack.add(m);
    for (const d of graph.get(m) ?? []) {
      if (!graph.has(d)) continue;
      if (!index.has(d)) {
        visit(d);
        low.set(m, Math.min(low.get(m) as number, low.get(d) as number));
      } else if (onStack.has(d)) low.set(m, Math.min(low.get(m) as number, index.get(d) as number));
    }
    if (low.get(m) !== index.get(m)) return;
    const component: string[] = [];
    let top: string;
    do {
      top = stack.pop() as string;
      onStack.delete(top);
      component.push(top);
    } while (top !== m);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const m of graph.keys()) if (!index.has(m)) visit(m);
  assert.deepEqual(cycles, []);
});
