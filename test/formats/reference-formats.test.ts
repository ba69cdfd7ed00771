// The reference's formats read and written through src/formats stay byte-compatible with the
// recorded reference files: task files, generator settings and benchmark configs. They carry no
// version tag of ours; a bad file is an InputError naming the file and the field.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  parseBenchmarkConfig,
  readBenchmarkConfig,
  writeBenchmarkConfig,
} from '../../src/formats/benchmark-config.js';
import { readSettings } from '../../src/formats/generator-settings.js';
import { parseTaskFile, readTaskFile, writeTaskFile } from '../../src/formats/task-file.js';
import { pyJsonParse } from '../../src/python/json.js';
import { InputError } from '../../src/util/errors.js';
import { referenceFixtures, testData } from '../helpers/paths.js';

const taskSets = join(referenceFixtures, 'task-sets');
const scratch = mkdtempSync(join(tmpdir(), 'alr-reference-formats-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function recordedTaskFiles(): string[] {
  const files: string[] = [];
  for (const set of readdirSync(taskSets)) {
    const tasks = join(taskSets, set, 'tasks');
    for (const family of readdirSync(tasks))
      for (const name of readdirSync(join(tasks, family))) files.push(join(tasks, family, name));
  }
  return files;
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an InputError');
}

describe('task files', () => {
  const files = recordedTaskFiles();

  it('every recorded reference task file reads, and writing it back gives the same bytes', () => {
    assert.ok(files.length >= 30, `${files.length} recorded task files`);
    const families = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const task = readTaskFile(file);
      families.add(task.family);
      assert.equal(task.schema_version, 'pythonformer.task.v1', file);
      const copy = join(scratch, 'task.json');
      // Python's json.loads keeps floats as floats; the writer must print them as the reference did.
      writeTaskFile(copy, pyJsonParse(text) as object);
      assert.equal(readFileSync(copy, 'utf8'), text, file);
    }
    assert.deepEqual([...families].sort(), ['knapsack', 'navigation', 'rule_diagnosis']);
  });

  it('a task that would not read back is refused before it is written', () => {
    const task = JSON.parse(readFileSync(files[0] as string, 'utf8'));
    task.seed = 'seven';
    const target = join(scratch, 'refused.json');
    const err = inputError(() => writeTaskFile(target, task));
    assert.equal(err.field, 'seed');
    assert.throws(() => readFileSync(target), /ENOENT/);
  });

  it('an unknown family and a broken file name the file and the field', () => {
    const task = JSON.parse(readFileSync(files[0] as string, 'utf8'));
    const err = inputError(() => parseTaskFile({ ...task, family: 'chess' }, 'tasks/chess.json'));
    assert.match(err.message, /^tasks\/chess\.json: field 'family': expected one of knapsack/);
    const broken = join(scratch, 'broken.json');
    writeFileSync(broken, '{"family": ');
    assert.match(inputError(() => readTaskFile(broken)).message, /broken\.json: not valid JSON/);
  });
});

describe('generator settings', () => {
  it('every recorded task set config reads, with the values its manifest recorded', () => {
    for (const set of readdirSync(taskSets)) {
      const settings = readSettings(join(taskSets, set, 'config.json'));
      const manifest = JSON.parse(readFileSync(join(taskSets, set, 'manifest.json'), 'utf8'));
      assert.equal(settings.run_name, manifest.settings.run_name, set);
      assert.equal(settings.knapsack.num_tasks, manifest.settings.knapsack.num_tasks, set);
      assert.deepEqual(settings.navigation.horizon_range, manifest.settings.navigation.horizon_range, set);
    }
  });

  it('a wrong type names the field in the one path style', () => {
    const file = join(scratch, 'settings.json');
    writeFileSync(file, JSON.stringify({ knapsack: { n_items_range: [3, 'x'] } }));
    const err = inputError(() => readSettings(file));
    assert.equal(err.field, 'knapsack.n_items_range[1]');
  });
});

describe('benchmark config', () => {
  const dir = join(testData, 'runner');
  const recorded = readdirSync(dir).filter((f) => f.endsWith('.expected.yaml'));

  it('reading a reference config and writing it gives the bytes PyYAML wrote; the written file reads back to the same config', () => {
    assert.ok(recorded.length >= 6);
    for (const expected of recorded) {
      const source = join(dir, expected.replace('.expected.yaml', '.yaml'));
      const config = readBenchmarkConfig(source);
      const written = join(scratch, 'config.yaml');
      writeBenchmarkConfig(written, config);
      assert.equal(readFileSync(written, 'utf8'), readFileSync(join(dir, expected), 'utf8'), expected);
      // Paths come back as pathlib prints them (`./cache/x` → `cache/x`): a second pass changes nothing.
      const again = join(scratch, 'again.yaml');
      writeBenchmarkConfig(again, readBenchmarkConfig(written));
      assert.equal(readFileSync(again, 'utf8'), readFileSync(written, 'utf8'), expected);
    }
  });

  it('bad YAML and a bad field name the file and the field', () => {
    assert.match(
      inputError(() => parseBenchmarkConfig('a: [', 'bad.yaml')).message,
      /^bad\.yaml: not valid YAML/,
    );
    const err = inputError(() =>
      parseBenchmarkConfig(
        'output_dir: o\ncache_db_path: c\nagents:\n  - name: a\n    llm: {model: m, max_retries: -1}\n',
        'agents.yaml',
      ),
    );
    assert.equal(err.field, 'agents[0].llm.max_retries');
    assert.match(err.message, /^agents\.yaml: field 'agents\[0\]\.llm\.max_retries': /);
  });
});
