// A harness ended by a signal leaves none of its temporary directories behind (the process
// launcher's socket folder, the compiled runtime, a scratch folder), with and without the run's
// own interrupt handling, and still ends the way the signal says.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cpythonAvailable } from '../../src/sandbox/index.js';
import { repoRoot } from '../helpers/paths.js';
import { requireSystemDep } from '../helpers/system-deps.js';

const dist = join(repoRoot, 'dist', 'src');
const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A harness that opens a cpython session, runs a step, says "ready" and waits to be stopped. */
function harnessScript(isolation: string, interrupts: boolean): string {
  return `
import { createSandbox } from ${JSON.stringify(join(dist, 'sandbox', 'index.js'))};
import { handleInterrupts } from ${JSON.stringify(join(dist, 'runner', 'interrupt.js'))};
const sandbox = createSandbox({ backend: 'cpython', poolSize: 1, isolation: ${JSON.stringify(isolation)} });
const session = await sandbox.openSession({ mode: 'persistent', tools: [] });
const step = await session.step('x = 1');
if (!step.success) throw new Error(step.error ?? 'step failed');
if (${interrupts}) handleInterrupts(() => {}, '');
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);
`;
}

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  leftovers: string[];
  before: string[];
}

async function killHarness(
  isolation: string,
  interrupts: boolean,
  signals: NodeJS.Signals[],
): Promise<Ended> {
  const tmp = mkdtempSync(join(tmpdir(), 'alr-temp-dirs-test-'));
  made.push(tmp);
  const child = spawn(process.execPath, ['--input-type=module', '-e', harnessScript(isolation, interrupts)], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    void ended.then(() => reject(new Error(`the harness ended before it was ready: ${stderr}`)));
  });
  const before = readdirSync(tmp).filter((name) => name.startsWith('alr-'));
  for (const signal of signals) {
    child.kill(signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const end = await ended;
  return { ...end, before, leftovers: readdirSync(tmp).filter((name) => name.startsWith('alr-')) };
}

test('a harness killed with SIGTERM removes its temporary directories and still dies of SIGTERM', async (t) => {
  if (!requireSystemDep(t, 'python3', cpythonAvailable())) return;
  const end = await killHarness('auto', false, ['SIGTERM']);
  assert.ok(
    end.before.some((name) => name.startsWith('alr-launch-')),
    `made: ${end.before}`,
  );
  assert.ok(
    end.before.some((name) => name.startsWith('alr-bytecode-')),
    `made: ${end.before}`,
  );
  assert.deepEqual(end.leftovers, []);
  assert.equal(end.signal, 'SIGTERM');
});

test('a harness stopped with SIGINT removes its temporary directories (no OS sandbox: a scratch folder too)', async (t) => {
  if (!requireSystemDep(t, 'python3', cpythonAvailable())) return;
  const end = await killHarness('none', false, ['SIGINT']);
  assert.ok(
    end.before.some((name) => name.startsWith('alr-scratch-')),
    `made: ${end.before}`,
  );
  assert.deepEqual(end.leftovers, []);
  assert.equal(end.signal, 'SIGINT');
});

test("with the run's interrupt handling, the first SIGTERM is left to it and the second exits clean", async (t) => {
  if (!requireSystemDep(t, 'python3', cpythonAvailable())) return;
  const end = await killHarness('auto', true, ['SIGTERM', 'SIGTERM']);
  assert.ok(end.before.length >= 2, `made: ${end.before}`);
  assert.deepEqual(end.leftovers, []);
  assert.equal(end.code, 130);
});
