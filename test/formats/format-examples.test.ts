// Committed examples of our other tagged formats (export provenance, replay report, condition table,
// Slurm jobs) still read, files from before a tag existed still read, and a tag this alr does not
// know is refused naming the file and the field. The examples were written by alr itself from the
// committed run-v1 (export, replay, the experiment's condition row).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { conditionRow } from '../../src/experiment/condition-table.js';
import { CONDITION_TABLE_VERSION, readConditionTable } from '../../src/formats/condition-table.js';
import {
  EXPORT_PROVENANCE_VERSION,
  parseProvenanceLine,
  readProvenanceFile,
  writeProvenanceFile,
} from '../../src/formats/export-provenance.js';
import { REPLAY_REPORT_VERSION, readReplayReport } from '../../src/formats/replay-report.js';
import { readSlurmJobs, SLURM_JOBS_VERSION, writeSlurmJobs } from '../../src/formats/slurm-jobs.js';
import { InputError } from '../../src/util/errors.js';
import { repoRoot, testData } from '../helpers/paths.js';

const examples = join(testData, 'formats');
const runV1 = join(examples, 'run-v1');
const scratch = mkdtempSync(join(tmpdir(), 'alr-format-examples-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function refusedVersion(fn: () => unknown, field: string, tag: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InputError, String(err));
    assert.equal(err.field, field);
    assert.ok(err.message.includes(`unknown format version "${tag}"`), err.message);
    return true;
  });
}

describe(`export provenance ${EXPORT_PROVENANCE_VERSION}`, () => {
  const file = join(examples, 'export-v1', 'example.provenance.jsonl');

  it('the committed default-export provenance reads, one line per example', () => {
    const lines = readProvenanceFile(file);
    const examplesFile = readFileSync(join(examples, 'export-v1', 'example.jsonl'), 'utf8');
    assert.equal(lines.length, examplesFile.trimEnd().split('\n').length);
    const [p] = lines;
    assert.equal(p?.schema, EXPORT_PROVENANCE_VERSION);
    assert.equal(p?.run, 'run-v1');
    assert.equal(p?.runtime, 'persistent');
    assert.ok((p?.tokens ?? 0) > 0);
    assert.equal(p?.source, 'results/sp/knapsack/knapsack-knapsack-0000000000.trace.json');
  });

  it('the reference-compatible export provenance reads (no task id, no token count)', () => {
    const [p] = readProvenanceFile(join(examples, 'export-v1', 'example-reference.provenance.jsonl'));
    assert.equal(p?.task_id, undefined);
    assert.deepEqual(p?.options, { compat: 'reference', max_seq_length: 16384 });
  });

  it('writing what was read gives the same bytes', () => {
    const copy = join(scratch, 'copy.provenance.jsonl');
    writeProvenanceFile(copy, readProvenanceFile(file));
    assert.equal(readFileSync(copy, 'utf8'), readFileSync(file, 'utf8'));
  });

  it('a line from before the tag reads; an unknown tag and a bad field name the line', () => {
    const line = JSON.parse(readFileSync(file, 'utf8').split('\n')[0] as string);
    delete line.schema;
    assert.equal(parseProvenanceLine(JSON.stringify(line), 'old.jsonl', 1).tokens, line.tokens);
    refusedVersion(
      () => parseProvenanceLine(JSON.stringify({ ...line, schema: 'alr.provenance.v9' }), 'new.jsonl', 2),
      'line 2.schema',
      'alr.provenance.v9',
    );
    assert.throws(
      () => parseProvenanceLine(JSON.stringify({ ...line, tokens: 'many' }), 'bad.jsonl', 3),
      /^InputError: bad\.jsonl: field 'line 3\.tokens': /,
    );
  });
});

describe(`replay report ${REPLAY_REPORT_VERSION}`, () => {
  const file = join(examples, 'replay-v1', 'replay_stateless.json');

  it('the committed report reads, and its task file is in the checkout', () => {
    const report = readReplayReport(file);
    assert.equal(report.runtime, 'stateless');
    assert.equal(report.episodes.length, 1);
    const [episode] = report.episodes;
    assert.equal(episode?.source, 'results/sp/knapsack/knapsack-knapsack-0000000000.trace.json');
    assert.ok(
      (episode?.name_error_steps ?? []).length > 0,
      'persistent code replayed stateless meets a NameError',
    );
    assert.ok(readFileSync(join(repoRoot, String(episode?.task_file)), 'utf8').length > 0);
  });

  it('an unknown version is refused', () => {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const future = join(scratch, 'replay_future.json');
    writeFileSync(future, JSON.stringify({ ...report, schema: 'alr.replay.v2' }));
    refusedVersion(() => readReplayReport(future), 'schema', 'alr.replay.v2');
  });
});

describe(`condition table ${CONDITION_TABLE_VERSION}`, () => {
  const file = join(examples, 'conditions-v1', 'conditions.json');

  it('the committed table reads and still equals the row computed from its run today', async () => {
    const table = readConditionTable(file);
    assert.equal(table.conditions.length, 1);
    const [row] = table.conditions;
    assert.equal(row?.runDir, 'test/data/formats/run-v1');
    const today = await conditionRow('sp-persistent', runV1);
    assert.equal(row?.episodes, today.episodes);
    assert.equal(row?.scoreMean, today.scoreMean);
    assert.equal(row?.meanSteps, today.meanSteps);
    assert.equal(row?.nameErrorEpisodes, today.nameErrorEpisodes);
  });

  it('a table from before contextExceeded was counted reads; an unknown version is refused', () => {
    const table = JSON.parse(readFileSync(file, 'utf8'));
    delete table.conditions[0].contextExceeded;
    const old = join(scratch, 'conditions-old.json');
    writeFileSync(old, JSON.stringify(table));
    assert.equal(readConditionTable(old).conditions[0]?.contextExceeded, undefined);
    const future = join(scratch, 'conditions-future.json');
    writeFileSync(future, JSON.stringify({ ...table, schema: 'alr.conditions.v2' }));
    refusedVersion(() => readConditionTable(future), 'schema', 'alr.conditions.v2');
  });
});

describe(`Slurm jobs ${SLURM_JOBS_VERSION}`, () => {
  const file = join(examples, 'slurm-jobs-v1', 'jobs.json');

  it('the committed jobs file reads, oldest first, and writes back the same bytes', () => {
    const jobs = readSlurmJobs(file);
    assert.deepEqual(
      jobs.map((j) => [j.job, j.array]),
      [
        ['41', '0-3'],
        ['42', '1'],
      ],
    );
    const copy = join(scratch, 'jobs.json');
    writeSlurmJobs(copy, jobs);
    assert.equal(readFileSync(copy, 'utf8'), readFileSync(file, 'utf8'));
  });

  it('a bare list (before the tag) reads; a missing file is no jobs; an unknown version is refused', () => {
    const { jobs } = JSON.parse(readFileSync(file, 'utf8'));
    const old = join(scratch, 'jobs-old.json');
    writeFileSync(old, JSON.stringify(jobs));
    assert.equal(readSlurmJobs(old).length, 2);
    assert.deepEqual(readSlurmJobs(join(scratch, 'none.json')), []);
    const future = join(scratch, 'jobs-future.json');
    writeFileSync(future, JSON.stringify({ schema: 'alr.slurm-jobs.v2', jobs }));
    refusedVersion(() => readSlurmJobs(future), 'schema', 'alr.slurm-jobs.v2');
  });
});
