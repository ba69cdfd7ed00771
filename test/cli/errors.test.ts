// Bad input through the real CLI: each ends with exit status 1 and one line
// `alr: <file or endpoint>: <field>: <message>`, never a stack trace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cpythonAvailable } from '../../src/sandbox/index.js';
import { cliPath, referenceFixtures } from '../helpers/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'alr-cli-errors-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const tasksDir = join(referenceFixtures, 'task-sets', 'easy_100');
const backend = cpythonAvailable() ? 'cpython' : 'pyodide';

/** The environment without any endpoint setting, so that only the config decides. */
function envWithoutEndpoint(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENAI_BASE_URL;
  delete env.OPENAI_API_BASE;
  return env;
}

function alr(args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    env: envWithoutEndpoint(),
    timeout: 180_000,
  });
}

/** Exit 1, no stack trace, and the `alr: ` line matches. */
function assertCleanFailure(result: ReturnType<typeof alr>, pattern: RegExp): void {
  assert.equal(result.status, 1, `exit status (stderr: ${result.stderr})`);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  assert.doesNotMatch(result.stderr, /Node\.js v\d/, 'no Node.js crash banner');
  const lines = result.stderr.split('\n').filter((line) => line.startsWith('alr: '));
  assert.ok(
    lines.some((line) => pattern.test(line)),
    `an 'alr: ' line matches ${pattern}; stderr was:\n${result.stderr}`,
  );
}

function writeConfig(name: string, llm: string, outputDir = join(scratch, `${name}-out`)): string {
  const file = join(scratch, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `output_dir: ${outputDir}`,
      'run_name: r',
      `cache_db_path: ${join(scratch, `${name}-cache.sqlite`)}`,
      'task_families: [knapsack]',
      'agents:',
      '  - name: a',
      `    llm: ${llm}`,
      '',
    ].join('\n'),
  );
  return file;
}

const run = (config: string, ...extra: string[]) =>
  alr([
    'run',
    '--config',
    config,
    '--tasks',
    tasksDir,
    '--limit',
    '1',
    '--backend',
    backend,
    '--no-progress',
    ...extra,
  ]);

/** A local port with nobody listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

describe('alr run: bad input gives one line', () => {
  it('an HTTP model with no endpoint names the missing setting', () => {
    const result = run(writeConfig('no-endpoint', '{model: my-served-model}'));
    assertCleanFailure(result, /^alr: field 'base_url': no endpoint for the HTTP model 'my-served-model'/);
    assert.match(result.stderr, /OPENAI_BASE_URL/);
    assert.equal(result.stderr.trim().split('\n').length, 1, `one line only:\n${result.stderr}`);
  });

  it('an unreachable endpoint names the endpoint, and a run of nothing but errors fails', async () => {
    const port = await closedPort();
    const llm = `{model: my-served-model, base_url: 'http://127.0.0.1:${port}/v1', max_retries: 0, backoff_base_s: 0.01, backoff_max_s: 0.05, jitter_s: 0, timeout_s: 1}`;
    const result = run(writeConfig('unreachable', llm));
    assertCleanFailure(result, /every episode played ended with an error/);
    assert.ok(result.stderr.includes(`model call to http://127.0.0.1:${port}/v1 failed`), result.stderr);
  });

  it('a misspelt scripted policy is an unknown model name, not a request to an endpoint', () => {
    const result = run(writeConfig('unknown-model', '{model: scripted-persistant}'));
    assertCleanFailure(result, /^alr: field 'llm\.model': unknown scripted policy 'scripted-persistant'/);
  });

  it('bad YAML names the config file', () => {
    const file = join(scratch, 'bad.yaml');
    writeFileSync(file, 'agents: [\n  - name: a\n');
    assertCleanFailure(run(file), new RegExp(`^alr: ${escapeRegExp(file)}: not valid YAML`));
  });

  it('an output folder that cannot be written names the folder', () => {
    const blocker = join(scratch, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const result = run(writeConfig('unwritable', '{model: scripted-persistent}', join(blocker, 'out')));
    assertCleanFailure(result, /^alr: .*a-file\/out\/r: cannot create or write the run folder \(ENOTDIR\)/);
  });
});

describe('other commands: bad input gives one line', () => {
  it('alr experiment with a bad plan names the plan and the field', () => {
    const plan = join(scratch, 'plan.yaml');
    writeFileSync(plan, 'task_sets: {a: {dir: x}}\nconditions: 3\n');
    const result = alr(['experiment', plan, '--out', join(scratch, 'exp')]);
    assertCleanFailure(result, new RegExp(`^alr: ${escapeRegExp(plan)}: field '[a-z_]+': `));
  });

  it('alr exec with a bad task file names the file and the field', () => {
    const task = join(scratch, 'task.json');
    const steps = join(scratch, 'steps.json');
    writeFileSync(task, JSON.stringify({ family: 'knapsack', public: {} }));
    writeFileSync(steps, JSON.stringify({ steps: ['print(1)'] }));
    const result = alr(['exec', '--task', task, '--steps', steps, '--runtime', 'persistent']);
    assertCleanFailure(result, new RegExp(`^alr: ${escapeRegExp(task)}: field '[a-z_.]+': `));
  });

  it('alr report on a folder that is not a run says so', () => {
    const empty = join(scratch, 'not-a-run');
    mkdirSync(empty, { recursive: true });
    const result = alr(['report', empty, '--out', join(scratch, 'report-1')]);
    assertCleanFailure(result, new RegExp(`^alr: ${escapeRegExp(empty)}: no trace or result files found`));
  });

  it('alr report on a corrupt trace names the file (and the field when the JSON parses)', () => {
    const dir = join(scratch, 'corrupt-run', 'results', 'a', 'knapsack');
    mkdirSync(dir, { recursive: true });
    const trace = join(dir, 'knapsack-knapsack-0000000000.trace.json');
    writeFileSync(trace, '{"summary": {}, "events": [');
    const cut = alr(['report', join(scratch, 'corrupt-run'), '--out', join(scratch, 'report-2')]);
    assertCleanFailure(cut, new RegExp(`^alr: ${escapeRegExp(trace)}: not readable JSON`));
    writeFileSync(trace, '{"summary": {}, "events": 5}');
    const wrong = alr(['report', join(scratch, 'corrupt-run'), '--out', join(scratch, 'report-3')]);
    assertCleanFailure(wrong, new RegExp(`^alr: ${escapeRegExp(trace)}: field 'events': `));
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('a closed output pipe', () => {
  it('alr exec | head -1 ends quietly', () => {
    const steps = join(scratch, 'many-steps.json');
    const stderr = join(scratch, 'exec-stderr.txt');
    writeFileSync(steps, JSON.stringify({ steps: Array.from({ length: 6 }, (_, i) => `print(${i})`) }));
    const task = join(tasksDir, 'tasks', 'knapsack', 'knapsack-0000000000.json');
    const command = [
      process.execPath,
      cliPath,
      'exec',
      '--task',
      task,
      '--steps',
      steps,
      '--runtime',
      'persistent',
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    const result = spawnSync('sh', ['-c', `${command} 2>'${stderr}' | head -1; cat '${stderr}'`], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    const [first, ...rest] = result.stdout.split('\n');
    assert.match(first ?? '', /^\{"step": ?1/);
    const errors = rest.join('\n');
    assert.doesNotMatch(errors, /EPIPE|^\s+at /m, errors);
  });
});
