// Bad input through the built CLI: each case ends with exit status 1 and exactly one line
// `alr: <file, folder, flag or endpoint>: [field '<path>': ]<message>`, never a stack trace.
//
// Which command reads which input (each pair that applies is a row of the table below):
//   benchmark config (YAML) .......... run --config
//   experiment plan (YAML) ........... experiment <plan>
//   prompt pack (YAML) ............... run --prompts
//   model name / endpoint ............ run (config or --model), experiment (plan), serve --policy
//   task file / task folder .......... exec --task, run --tasks; generator settings: tasks generate --config
//   run folder and its traces ........ report, compare, export, export --stats, replay
//   other data files ................. exec --steps, stats <file>, report --spec, train-config --export
//   output folder .................... run, experiment, report, export, replay, train-config,
//                                      serve-config, k8s-job, tasks generate
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { startPolicyServer } from '../../src/models/index.js';
import { cpythonAvailable } from '../../src/sandbox/index.js';
import { closedPort } from '../helpers/closed-port.js';
import { cliPath, referenceFixtures } from '../helpers/paths.js';
import { scratchDir } from '../helpers/scratch.js';
import { runOneTaskArgs } from '../helpers/scripted-config.js';

const scratch = scratchDir('cli-errors');
const tasksDir = join(referenceFixtures, 'task-sets', 'easy_100');
const goodTask = join(tasksDir, 'tasks', 'knapsack', 'knapsack-0000000000.json');
const backend = cpythonAvailable() ? 'cpython' : 'pyodide';
const at = (...parts: string[]) => join(scratch, ...parts);

/** The environment without any endpoint setting, so that only the config decides. */
function envWithoutEndpoint(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENAI_BASE_URL;
  delete env.OPENAI_API_BASE;
  return env;
}

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (asynchronously, so that the table's rows can run side by side). */
function alr(args: readonly string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { encoding: 'utf8', env: envWithoutEndpoint(), timeout: 180_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Exit 1, no stack trace, and exactly one `alr: ` line: it names `where` first, then matches `message`. */
function assertOneLine(result: Ran, where: string | RegExp, message: RegExp): void {
  const all = `${result.stderr}${result.stdout}`;
  assert.equal(result.status, 1, `exit status (stderr: ${result.stderr})`);
  assert.doesNotMatch(all, /^\s+at /m, 'no stack trace');
  assert.doesNotMatch(all, /Node\.js v\d/, 'no Node.js crash banner');
  const lines = result.stderr.split('\n').filter((line) => line.startsWith('alr: '));
  assert.equal(lines.length, 1, `one 'alr: ' line; stderr was:\n${result.stderr}`);
  const line = lines[0] as string;
  const head = typeof where === 'string' ? escapeRegExp(where) : where.source;
  assert.match(line, new RegExp(`^alr: ${head}: `), `the line names ${where} first`);
  assert.match(line, message);
}

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A benchmark config of one agent; `llm` is the YAML of its llm mapping. */
function config(name: string, llm: string, outputDir = at(`${name}-out`)): string {
  return write(
    at(`${name}.yaml`),
    [
      `output_dir: ${outputDir}`,
      'run_name: r',
      `cache_db_path: ${at(`${name}-cache.sqlite`)}`,
      'task_families: [knapsack]',
      'agents:',
      '  - name: a',
      `    llm: ${llm}`,
      '',
    ].join('\n'),
  );
}

/** An experiment plan with one run stage over the reference easy tasks. */
function plan(name: string, model: string): string {
  return write(
    at(`${name}.yaml`),
    [
      `task_sets: {easy: {dir: ${tasksDir}}}`,
      `models: {m: ${model}}`,
      'stages:',
      '  - {name: eval, kind: run, task_sets: [easy], models: [m], runtimes: [persistent]}',
      '',
    ].join('\n'),
  );
}

const runArgs = (configFile: string, ...extra: string[]) =>
  runOneTaskArgs(configFile, tasksDir, backend, ...extra);

// Inputs shared by the rows (made in `before`).
const blocker = at('a-file'); // a file where an output folder should go
const notARun = at('not-a-run');
const goodRun = at('good', 'r');
const goodExport = at('good.jsonl');
const cutTrace = at('cut-run', 'results', 'a', 'knapsack', 'knapsack-knapsack-0000000000.trace.json');
const wrongTrace = at('wrong-run', 'results', 'a', 'knapsack', 'knapsack-knapsack-0000000000.trace.json');
const cutRun = at('cut-run');
const wrongRun = at('wrong-run');
const badTasks = at('bad-tasks');
const badTask = join(badTasks, 'tasks', 'knapsack', 'knapsack-0000000000.json');
const notJson = at('not-json.json');

interface Row {
  command: string;
  input: string;
  args: () => string[];
  where: string | RegExp;
  message: RegExp;
}

const rows: Row[] = [
  // run
  {
    command: 'run',
    input: 'an HTTP model with no endpoint',
    args: () => runArgs(config('no-endpoint', '{model: my-served-model}')),
    where: at('no-endpoint.yaml'),
    message: /field 'llm\.base_url': no endpoint for the HTTP model 'my-served-model'.*OPENAI_BASE_URL/,
  },
  {
    command: 'run',
    input: 'an unknown model name in the config',
    args: () => runArgs(config('unknown-model', '{model: scripted-persistant}')),
    where: at('unknown-model.yaml'),
    message: /field 'llm\.model': unknown scripted policy 'scripted-persistant'/,
  },
  {
    command: 'run',
    input: 'an unknown model name in --model',
    args: () => runArgs(config('model-flag', '{model: scripted-persistent}'), '--model', 'scripted-stateles'),
    where: '--model',
    message: /unknown scripted policy 'scripted-stateles'/,
  },
  {
    command: 'run',
    input: 'a config that is not YAML',
    args: () => runArgs(write(at('bad.yaml'), 'agents: [\n  - name: a\n')),
    where: at('bad.yaml'),
    message: /not valid YAML/,
  },
  {
    command: 'run',
    input: 'a config that does not exist',
    args: () => runArgs(at('no-such-config.yaml')),
    where: at('no-such-config.yaml'),
    message: /cannot read config/,
  },
  {
    command: 'run',
    input: 'a prompt pack that is not YAML',
    args: () =>
      runArgs(
        config('with-prompts', '{model: scripted-persistent}'),
        '--prompts',
        write(at('prompts.yaml'), 'system: [\n'),
      ),
    where: at('prompts.yaml'),
    message: /prompt pack is not valid YAML/,
  },
  {
    command: 'run',
    input: 'a bad task file',
    args: () => [
      'run',
      '--config',
      config('bad-task', '{model: scripted-persistent}'),
      '--tasks',
      badTasks,
      '--backend',
      backend,
      '--no-progress',
    ],
    where: badTask,
    message: /field 'seed': .*\(every episode played ended with an error\)/,
  },
  {
    command: 'run',
    input: 'a folder that holds no task',
    args: () => ['run', '--config', config('no-tasks', '{model: scripted-persistent}'), '--tasks', notARun],
    where: notARun,
    message: /no task files of the families knapsack/,
  },
  {
    command: 'run',
    input: 'an output folder that cannot be written',
    args: () => runArgs(config('unwritable', '{model: scripted-persistent}', join(blocker, 'out'))),
    where: join(blocker, 'out', 'r'),
    message: /cannot create or write the run folder \(ENOTDIR\)/,
  },
  // experiment
  {
    command: 'experiment',
    input: 'a plan that is not YAML',
    args: () => ['experiment', write(at('plan-bad.yaml'), 'task_sets: [\n'), '--out', at('exp-1')],
    where: at('plan-bad.yaml'),
    message: /not valid YAML/,
  },
  {
    command: 'experiment',
    input: 'a bad plan',
    args: () => [
      'experiment',
      write(at('plan-wrong.yaml'), 'task_sets: {a: {dir: x}}\nconditions: 3\n'),
      '--out',
      at('exp-2'),
    ],
    where: at('plan-wrong.yaml'),
    message: /field '[a-z_.]+': /,
  },
  {
    command: 'experiment',
    input: "a model's max_retries below 0",
    args: () => [
      'experiment',
      plan('plan-retries', '{model: my-served-model, llm: {max_retries: -1}}'),
      '--out',
      at('exp-retries'),
    ],
    where: at('plan-retries.yaml'),
    message: /field 'models\.m\.llm\.max_retries': .*>=0/,
  },
  {
    command: 'experiment',
    input: 'an unknown model name',
    args: () => [
      'experiment',
      plan('plan-unknown', '{model: scripted-persistant}'),
      '--out',
      at('exp-3'),
      '--limit',
      '1',
      '--backend',
      backend,
      '--no-progress',
    ],
    where: at('plan-unknown.yaml'),
    message: /field 'llm\.model': unknown scripted policy 'scripted-persistant'/,
  },
  {
    command: 'experiment',
    input: 'an HTTP model with no endpoint',
    args: () => [
      'experiment',
      plan('plan-no-endpoint', '{model: my-served-model}'),
      '--out',
      at('exp-4'),
      '--limit',
      '1',
      '--backend',
      backend,
      '--no-progress',
    ],
    where: at('plan-no-endpoint.yaml'),
    message: /field 'llm\.base_url': no endpoint for the HTTP model 'my-served-model'/,
  },
  {
    command: 'experiment',
    input: 'an output folder that cannot be written',
    args: () => [
      'experiment',
      plan('plan-ok', '{model: scripted-persistent}'),
      '--out',
      join(blocker, 'exp'),
      '--limit',
      '1',
      '--backend',
      backend,
      '--no-progress',
    ],
    where: new RegExp(`${escapeRegExp(blocker)}/exp[^:]*`),
    message: /cannot (create or write the run folder|mkdir)/,
  },
  // exec
  {
    command: 'exec',
    input: 'a bad task file',
    args: () => [
      'exec',
      '--task',
      write(at('task.json'), JSON.stringify({ family: 'knapsack', public: {} })),
      '--steps',
      write(at('steps.json'), JSON.stringify({ steps: ['print(1)'] })),
      '--runtime',
      'persistent',
    ],
    where: at('task.json'),
    message: /field '[a-z_.]+': /,
  },
  {
    command: 'exec',
    input: 'a bad steps file',
    args: () => [
      'exec',
      '--task',
      goodTask,
      '--steps',
      write(at('steps-bad.json'), JSON.stringify({ steps: [1] })),
      '--runtime',
      'persistent',
    ],
    where: at('steps-bad.json'),
    message: /field 'steps[.[]0\]?': expected a string of Python code/,
  },
  // report
  {
    command: 'report',
    input: 'a folder that is not a run',
    args: () => ['report', notARun, '--out', at('report-1')],
    where: notARun,
    message: /no trace or result files found/,
  },
  {
    command: 'report',
    input: 'a trace cut short',
    args: () => ['report', cutRun, '--out', at('report-2')],
    where: cutTrace,
    message: /not valid JSON/,
  },
  {
    command: 'report',
    input: 'a trace with a wrong field',
    args: () => ['report', wrongRun, '--out', at('report-3')],
    where: wrongTrace,
    message: /field 'events': /,
  },
  {
    command: 'report',
    input: 'a table spec that is not JSON',
    args: () => ['report', goodRun, '--out', at('report-4'), '--spec', notJson],
    where: notJson,
    message: /not valid JSON/,
  },
  {
    command: 'report',
    input: 'an output folder that cannot be written',
    args: () => ['report', goodRun, '--out', join(blocker, 'report'), '--no-png'],
    where: join(blocker, 'report'),
    message: /cannot mkdir: a part of the path is a file, not a folder \(ENOTDIR\)/,
  },
  // compare
  {
    command: 'compare',
    input: 'a folder that is not a run',
    args: () => ['compare', notARun, goodRun],
    where: notARun,
    message: /no trace or result files found/,
  },
  {
    command: 'compare',
    input: 'a corrupt trace',
    args: () => ['compare', goodRun, cutRun],
    where: cutTrace,
    message: /not valid JSON/,
  },
  // export
  {
    command: 'export',
    input: 'a folder that is not a run',
    args: () => ['export', notARun, '--out', at('export-1.jsonl')],
    where: notARun,
    message: /no \*\.trace\.json in this folder \(not a run folder\)/,
  },
  {
    command: 'export',
    input: 'a corrupt trace',
    args: () => ['export', cutRun, '--out', at('export-2.jsonl')],
    where: cutTrace,
    message: /unreadable trace .*no trace could be exported/,
  },
  {
    command: 'export',
    input: 'an output folder that cannot be written',
    args: () => ['export', goodRun, '--out', join(blocker, 'x.jsonl')],
    where: blocker,
    message: /cannot mkdir: a file is in the way \(EEXIST\)/,
  },
  {
    command: 'export --stats',
    input: 'a folder that is not a run',
    args: () => ['export', notARun, '--stats'],
    where: notARun,
    message: /not a run folder/,
  },
  {
    command: 'export --stats',
    input: 'a corrupt trace',
    args: () => ['export', cutRun, '--stats'],
    where: cutTrace,
    message: /unreadable trace/,
  },
  // replay
  {
    command: 'replay',
    input: 'a folder that is not a run',
    args: () => ['replay', notARun, '--runtime', 'stateless', '--backend', backend],
    where: notARun,
    message: /no readable \*\.trace\.json in the run folder/,
  },
  {
    command: 'replay',
    input: 'a corrupt trace',
    args: () => ['replay', wrongRun, '--runtime', 'stateless', '--backend', backend],
    where: wrongTrace,
    message: /unreadable trace/,
  },
  {
    command: 'replay',
    input: 'an output folder that cannot be written',
    args: () => [
      'replay',
      goodRun,
      '--runtime',
      'stateless',
      '--backend',
      backend,
      '--out',
      join(blocker, 'replay.json'),
    ],
    where: blocker,
    message: /cannot mkdir: a file is in the way \(EEXIST\)/,
  },
  // stats
  {
    command: 'stats',
    input: 'a data file that is not JSON',
    args: () => ['stats', notJson],
    where: notJson,
    message: /not valid JSON/,
  },
  {
    command: 'stats',
    input: 'samples of unequal length',
    args: () => ['stats', write(at('unpaired.json'), '{"a": [1, 2], "b": [1]}')],
    where: at('unpaired.json'),
    message: /field 'b': /,
  },
  // train-config
  {
    command: 'train-config',
    input: 'an export file that is not JSONL',
    args: () => ['train-config', '--export', notJson, '--out', at('train-1')],
    where: notJson,
    message: /line 1 is not JSON/,
  },
  {
    command: 'train-config',
    input: 'an output folder that cannot be written',
    args: () => ['train-config', '--export', goodExport, '--out', join(blocker, 'train')],
    where: join(blocker, 'train'),
    message: /cannot mkdir: a part of the path is a file/,
  },
  // serve-config, k8s-job
  {
    command: 'serve-config',
    input: 'an output folder that cannot be written',
    args: () => ['serve-config', '--out', join(blocker, 'serve'), '--adapter', 'a=/adapters/a'],
    where: new RegExp(`${escapeRegExp(join(blocker, 'serve'))}[^:]*`),
    message: /cannot mkdir: a part of the path is a file/,
  },
  {
    command: 'k8s-job',
    input: 'an output file whose folder cannot be made',
    args: () => [
      'k8s-job',
      '--name',
      'j',
      '--image',
      'alr:latest',
      '--shards',
      '2',
      '--config',
      '/c.yaml',
      '--tasks',
      '/tasks',
      '--claim',
      'pvc',
      '--out',
      join(blocker, 'job.yaml'),
    ],
    where: blocker,
    message: /cannot mkdir: a file is in the way/,
  },
  // tasks generate
  {
    command: 'tasks generate',
    input: 'generator settings that are not JSON',
    args: () => ['tasks', 'generate', '--config', notJson, '--out', at('gen-1')],
    where: notJson,
    message: /not valid JSON/,
  },
  {
    command: 'tasks generate',
    input: 'generator settings with a wrong field',
    args: () => [
      'tasks',
      'generate',
      '--config',
      write(at('gen-wrong.json'), '{"knapsack": {"num_tasks": "many"}}'),
      '--out',
      at('gen-2'),
    ],
    where: at('gen-wrong.json'),
    message: /field 'knapsack\.num_tasks': /,
  },
  {
    command: 'tasks generate',
    input: 'an output folder that cannot be written',
    args: () => [
      'tasks',
      'generate',
      '--config',
      write(at('gen-ok.json'), '{"knapsack": {"num_tasks": 1}}'),
      '--out',
      join(blocker, 'gen'),
    ],
    where: new RegExp(`${escapeRegExp(join(blocker, 'gen'))}[^:]*`),
    message: /cannot mkdir: a part of the path is a file/,
  },
  // serve
  {
    command: 'serve',
    input: 'an unknown policy name',
    args: () => ['serve', '--policy', 'scripted-persistant', '--port', '0'],
    where: '--policy',
    message: /unknown policy 'scripted-persistant'/,
  },
];

before(async () => {
  writeFileSync(blocker, 'not a folder');
  mkdirSync(notARun, { recursive: true });
  write(notJson, '{"a": [1, 2],');
  write(cutTrace, '{"summary": {}, "events": [');
  write(wrongTrace, '{"summary": {}, "events": 5}');
  const task = JSON.parse(readFileSync(goodTask, 'utf8')) as Record<string, unknown>;
  delete task.seed;
  write(badTask, JSON.stringify(task));
  // A real, small run (scripted policy, one task) and its export, for the rows that need good input.
  const played = await alr(runArgs(config('good', '{model: scripted-persistent}', at('good'))));
  assert.equal(played.status, 0, played.stderr);
  const exported = await alr(['export', goodRun, '--out', goodExport]);
  assert.equal(exported.status, 0, exported.stderr);
});

describe('every command: bad input gives one line', { concurrency: 3 }, () => {
  for (const row of rows) {
    it(`${row.command}: ${row.input}`, async () => {
      assertOneLine(await alr(row.args()), row.where, row.message);
    });
  }
});

/** A loopback model server that answers every request with HTTP 500, counting the requests. */
async function brokenServer(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createHttpServer((_request, response) => {
    requests += 1;
    response.writeHead(500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: 'the model server is broken', type: 'internal' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** No retries: the line must come from the first failed call, not after a ladder of back-offs. */
const NO_RETRIES = 'max_retries: 0, backoff_base_s: 0.01, backoff_max_s: 0.05, jitter_s: 0, timeout_s: 10';

/** An HTTP model at `url` in a plan; its `llm` mapping sets the retries (the plan's own key). */
const servedModel = (url: string) => `{model: my-served-model, base_url: '${url}', llm: {${NO_RETRIES}}}`;

/** Result files (not traces) under a folder. */
function resultFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (name) => name.includes('results') && name.endsWith('.json') && !name.endsWith('.trace.json'),
  );
}

/** Exit 1, one line naming the endpoint, the resume hint, and no episode recorded as an error. */
function assertStoppedByEndpoint(result: Ran, url: string, what: RegExp, runDir: string): void {
  assertOneLine(result, url, what);
  assert.match(result.stderr, /Resume with the same command once the endpoint answers: alr /);
  assert.ok(existsSync(join(runDir, 'run.json')), 'run.json is kept');
  assert.deepEqual(resultFiles(runDir), [], 'no episode is recorded: the run stopped instead');
}

// Two tasks, one at a time: the second episode is never started once the first call has failed.
const twoTasksOneByOne = ['--limit', '2', '--concurrency', '1'];

/** `alr experiment` of a plan whose one model is served at `url`, two tasks one at a time. */
const experimentArgs = (name: string, url: string, out: string) => [
  'experiment',
  plan(name, servedModel(url)),
  '--out',
  out,
  '--backend',
  backend,
  '--no-progress',
  ...twoTasksOneByOne,
];

describe('a model endpoint that is down: the run stops with one line naming it', { concurrency: 2 }, () => {
  const refused =
    /connection refused \(ECONNREFUSED\); the first model call failed after 1 attempt, so the run stopped$/;
  const answered500 =
    /HTTP 500: .*the model server is broken.*; the first model call failed after 1 attempt, so the run stopped$/;

  it('alr run: connection refused', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const out = at('refused-run-out');
    const result = await alr([
      ...runArgs(config('refused-run', `{model: my-served-model, base_url: '${url}', ${NO_RETRIES}}`, out)),
      ...twoTasksOneByOne,
    ]);
    assertStoppedByEndpoint(result, url, refused, join(out, 'r'));
  });

  it('alr experiment: connection refused, with max_retries from the plan', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const out = at('refused-exp');
    const result = await alr(experimentArgs('refused-plan', url, out));
    assertStoppedByEndpoint(result, url, refused, join(out, 'eval', 'm_persistent_easy'));
  });

  it('alr run: HTTP 500 on every request', async () => {
    const server = await brokenServer();
    try {
      const out = at('broken-run-out');
      const result = await alr([
        ...runArgs(
          config('broken-run', `{model: my-served-model, base_url: '${server.url}', ${NO_RETRIES}}`, out),
        ),
        ...twoTasksOneByOne,
      ]);
      assertStoppedByEndpoint(result, server.url, answered500, join(out, 'r'));
      assert.equal(server.requests(), 1, 'one request: no retry, no second episode');
    } finally {
      await server.close();
    }
  });

  it('alr experiment: HTTP 500 on every request', async () => {
    const server = await brokenServer();
    try {
      const out = at('broken-exp');
      const result = await alr(experimentArgs('broken-plan', server.url, out));
      assertStoppedByEndpoint(result, server.url, answered500, join(out, 'eval', 'm_persistent_easy'));
      assert.equal(server.requests(), 1, 'one request: no retry, no second episode');
    } finally {
      await server.close();
    }
  });

  it('alr experiment: the same command finishes the run once the endpoint answers', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/v1`;
    const out = at('resumed-exp');
    const args = experimentArgs('resumed-plan', url, out);
    const runDir = join(out, 'eval', 'm_persistent_easy');
    assertStoppedByEndpoint(await alr(args), url, refused, runDir);
    // Now a model server (a scripted policy behind real HTTP) listens on that port.
    const server = await startPolicyServer({ policy: 'scripted-persistent', port });
    try {
      const resumed = await alr(args);
      assert.equal(resumed.status, 0, resumed.stderr);
      assert.equal(resultFiles(runDir).length, 6, 'two episodes of each family are recorded');
      const table = JSON.parse(readFileSync(join(out, 'eval', 'conditions.json'), 'utf8')) as {
        conditions: Array<{ episodes: number; errors: number }>;
      };
      assert.deepEqual(
        table.conditions.map((c) => [c.episodes, c.errors]),
        [[6, 0]],
      );
    } finally {
      await server.close();
    }
  });
});

describe('a closed output pipe', () => {
  it('alr exec | head -1 ends quietly', () => {
    const steps = write(
      at('many-steps.json'),
      JSON.stringify({ steps: Array.from({ length: 6 }, (_, i) => `print(${i})`) }),
    );
    const stderr = at('exec-stderr.txt');
    const command = [
      process.execPath,
      cliPath,
      'exec',
      '--task',
      goodTask,
      '--steps',
      steps,
      '--runtime',
      'persistent',
      '--backend',
      backend,
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
