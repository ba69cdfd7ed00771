// The on-disk formats read through src/formats: a committed run of every format version still reads
// (so a schema change cannot silently break old runs), reference files read as they are, newer
// optional fields pass, and a version tag this alr does not know is a clear error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readResultFile } from '../../src/formats/result.js';
import { parseRunJson, RUN_JSON_VERSION, readRunJson } from '../../src/formats/run-json.js';
import { readSummaryFile } from '../../src/formats/summary.js';
import { readTaskStatusFile } from '../../src/formats/task-status.js';
import { parseTrace, readTraceFile, TRACE_VERSION } from '../../src/formats/trace.js';
import { computeMetrics } from '../../src/metrics/index.js';
import { AlrError, InputError } from '../../src/util/errors.js';
import { cliPath, referenceFixtures, testData } from '../helpers/paths.js';

const runV1 = join(testData, 'formats', 'run-v1');
const episode = join(runV1, 'results', 'sp', 'knapsack', 'knapsack-knapsack-0000000000');
const scratch = mkdtempSync(join(tmpdir(), 'alr-formats-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('committed examples of each format version', () => {
  it(`run.json ${RUN_JSON_VERSION}`, () => {
    const run = readRunJson(join(runV1, 'run.json'));
    assert.equal(run.schema, RUN_JSON_VERSION);
    assert.deepEqual(
      run.agents.map((a) => [a.name, a.model?.name, a.runtime, a.backend]),
      [['sp', 'scripted-persistent', 'persistent', 'cpython']],
    );
  });

  it('a run.json written before the backend was recorded still reads', () => {
    const text = readFileSync(join(runV1, 'run.json'), 'utf8').replace(/\n\s*"backend": "cpython",/, '');
    assert.ok(!text.includes('backend'));
    const run = parseRunJson(JSON.parse(text), 'old-run.json');
    assert.equal(run.agents[0]?.backend, undefined);
  });

  it(`trace ${TRACE_VERSION}, result, summary and task status`, () => {
    const trace = readTraceFile(`${episode}.trace.json`);
    assert.equal(trace.alr?.schema, TRACE_VERSION);
    assert.equal(trace.alr?.runtime, 'persistent');
    assert.ok(trace.events.some((e) => e.type === 'StepEvent'));
    const result = readResultFile(`${episode}.json`);
    assert.equal(result.status, 'completed');
    assert.equal(typeof result.result?.score, 'number');
    const summary = readSummaryFile(join(runV1, 'summary_sp-knapsack.json'));
    assert.equal(summary.num_tasks_executed, 1);
    assert.deepEqual(readTaskStatusFile(join(runV1, 'task_status_sp-knapsack.json')), { completed: 1 });
  });

  it('the committed run reads as a whole through the metrics', async () => {
    const { conditions, episodes } = await computeMetrics([runV1], { analyzer: null });
    assert.equal(conditions.length, 1);
    assert.equal(conditions[0]?.runtime, 'persistent');
    assert.equal(episodes.length, 1);
    assert.equal(episodes[0]?.metrics.score, readResultFile(`${episode}.json`).result?.score);
  });
});

describe('reference files and newer fields', () => {
  it('reads every recorded reference trace as it is (no alr block)', () => {
    const root = join(referenceFixtures, 'training-export', 'traces', 'persistent', 'knapsack');
    const files = readdirSync(root).filter((f) => f.endsWith('.trace.json'));
    assert.ok(files.length > 0);
    for (const f of files) assert.equal(readTraceFile(join(root, f)).alr, undefined, f);
  });

  it('keeps a runtime spec whole and passes optional fields it does not know', () => {
    const trace = JSON.parse(readFileSync(`${episode}.trace.json`, 'utf8'));
    trace.alr.runtime = 'persistent:ttl=3';
    trace.alr.stop_reason = 'context_exceeded';
    trace.alr.runtime_spec = 'persistent:ttl=3';
    const step = trace.events.find((e: { type: string }) => e.type === 'StepEvent');
    step.data.reasoning = 'I keep the ids in a variable.';
    step.data.runtime_message = 'names older than 3 steps were dropped';
    const parsed = parseTrace(trace, 'newer.trace.json');
    assert.equal(parsed.alr?.runtime, 'persistent:ttl=3', 'the whole runtime spec');
    assert.equal(parsed.alr?.stop_reason, 'context_exceeded');
    assert.equal(parsed.alr?.runtime_spec, 'persistent:ttl=3');
    trace.alr.runtime = 'persistent:ttl=x';
    assert.throws(() => parseTrace(trace, 'bad.trace.json'), /bad\.trace\.json/);
  });
});

describe('unknown format versions', () => {
  it('a run.json of an unknown version is an InputError naming the file and the tag', () => {
    const run = JSON.parse(readFileSync(join(runV1, 'run.json'), 'utf8'));
    run.schema = 'alr.run.v9';
    assert.throws(
      () => parseRunJson(run, 'future/run.json'),
      (err: unknown) =>
        err instanceof InputError &&
        AlrError.is(err) &&
        err.field === 'schema' &&
        /^future\/run\.json: field 'schema': unknown format version "alr\.run\.v9"/.test(err.message),
    );
  });

  it('a trace of an unknown version is refused the same way', () => {
    const trace = JSON.parse(readFileSync(`${episode}.trace.json`, 'utf8'));
    trace.alr.schema = 'alr.trace.v2';
    assert.throws(() => parseTrace(trace, 'future.trace.json'), /field 'alr\.schema'/);
    assert.throws(() => parseTrace(trace, 'future.trace.json'), /"alr\.trace\.v2"/);
  });

  it('alr report on a run of an unknown version says so in one line', () => {
    const dir = join(scratch, 'future-run');
    cpSync(runV1, dir, { recursive: true });
    const runJson = join(dir, 'run.json');
    writeFileSync(runJson, readFileSync(runJson, 'utf8').replace(RUN_JSON_VERSION, 'alr.run.v9'));
    const result = spawnSync(process.execPath, [cliPath, 'report', dir, '--out', join(scratch, 'report')], {
      encoding: 'utf8',
    });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /^alr: .*run\.json: field 'schema': unknown format version "alr\.run\.v9"/m);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
  });
});
