// The task folder holds damaged files (not JSON; JSON without its private part): each is recorded as
// an error episode whose message names the file, a note is printed as it happens, the other tasks
// complete, and once the file is fixed `--retry-errors` plays it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliPath } from '../helpers/paths.js';
import {
  assertExactlyOnce,
  knapsackTasks,
  readEpisodes,
  scratchDir,
  taskIds,
  writeConfig,
} from './helpers.js';

const scratch = scratchDir('corrupt');

describe('a task folder with corrupt files', () => {
  it('records each with a message naming it, completes the others, and retries once fixed', () => {
    const tasksDir = knapsackTasks(join(scratch, 'tasks'), 4);
    const ids = taskIds(tasksDir);
    const fileOf = (id: string) => join(tasksDir, 'tasks', 'knapsack', `${id}.json`);
    const [, notJson, noPrivate] = ids as [string, string, string, string];
    const originals = new Map([notJson, noPrivate].map((id) => [id, readFileSync(fileOf(id), 'utf8')]));
    writeFileSync(fileOf(notJson), '{"family": "knapsack", "items": [');
    const damaged = JSON.parse(originals.get(noPrivate) as string) as Record<string, unknown>;
    delete damaged.private;
    writeFileSync(fileOf(noPrivate), JSON.stringify(damaged));

    const out = join(scratch, 'out');
    const config = writeConfig(join(scratch, 'config.yaml'), { out, concurrency: 2 });
    const args = [cliPath, 'run', '--config', config, '--tasks', tasksDir];
    const first = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /2 episode\(s\) ended with status "error"/);
    for (const id of [notJson, noPrivate]) {
      const note = first.stderr.split('\n').find((line) => line.includes(`error: a ${id}:`));
      assert.ok(note?.includes(fileOf(id)), `a note names ${fileOf(id)}`);
    }
    const files = readEpisodes(out);
    assert.equal(files.results.size, ids.length, 'every task has a result');
    assert.match(String(files.results.get(notJson)?.error), /not valid JSON/);
    assert.match(String(files.results.get(noPrivate)?.error), /private/);
    for (const id of [notJson, noPrivate]) {
      assert.equal(files.results.get(id)?.status, 'error');
      assert.ok(String(files.results.get(id)?.error).includes(fileOf(id)), 'the error names the file');
    }
    for (const id of ids.filter((i) => i !== notJson && i !== noPrivate))
      assert.equal(files.results.get(id)?.status, 'completed');

    for (const [id, text] of originals) writeFileSync(fileOf(id), text);
    const fixed = spawnSync(process.execPath, [...args, '--retry-errors', '--no-progress'], {
      encoding: 'utf8',
    });
    assert.equal(fixed.status, 0, fixed.stderr);
    assertExactlyOnce(out, ids);
    const status = JSON.parse(readFileSync(join(out, 'r', 'task_status_a-knapsack.json'), 'utf8'));
    assert.deepEqual(status, { skipped: 2, completed: 2 });
  });
});
